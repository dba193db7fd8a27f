package io.wsedge.policy;

/**
 * The close frames the edge sends when it ends a session on its own.
 *
 * @param cause the status sent to the side that caused the close (to both sides where none did)
 * @param peer the status sent to the other side
 */
public record ClosePolicy(CloseStatus cause, CloseStatus peer) {

	public ClosePolicy {
		CloseCodes.requireSendable(cause.code());
		CloseCodes.requireSendable(peer.code());
		CloseCodes.requireValidReason(cause.reason());
		CloseCodes.requireValidReason(peer.reason());
	}

	public ClosePolicy(int code, String reason, int peerCode, String peerReason) {
		this(new CloseStatus(code, reason), new CloseStatus(peerCode, peerReason));
	}

}
