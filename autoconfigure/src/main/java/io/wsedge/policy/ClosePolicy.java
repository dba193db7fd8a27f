package io.wsedge.policy;

/**
 * The close frames the edge sends when it ends a session on its own.
 *
 * @param code the code sent to the side that caused the close (to both sides where none did)
 * @param reason the reason sent with {@code code}
 * @param peerCode the code sent to the other side
 * @param peerReason the reason sent with {@code peerCode}
 */
public record ClosePolicy(int code, String reason, int peerCode, String peerReason) {

	public ClosePolicy {
		CloseCodes.requireSendable(code);
		CloseCodes.requireSendable(peerCode);
		reason = CloseCodes.requireValidReason(reason);
		peerReason = CloseCodes.requireValidReason(peerReason);
	}

}
