package io.wsedge.policy;

/**
 * A close frame's status: its code and reason (RFC 6455 §5.5.1, §7.4). The one shape the engine gives a close,
 * whether received, sent, configured or reported.
 *
 * @param code the status code; {@link CloseCodes#NO_STATUS} for a close frame without one and
 * {@link CloseCodes#ABNORMAL} for a connection that ended without a close frame
 * @param reason the reason, empty for none
 */
public record CloseStatus(int code, String reason) {

	/** No close frame was seen (1006). */
	public static final CloseStatus ABNORMAL = new CloseStatus(CloseCodes.ABNORMAL, "");

	/** A close frame without a status code (1005). */
	public static final CloseStatus NO_STATUS = new CloseStatus(CloseCodes.NO_STATUS, "");

	public CloseStatus {
		reason = (reason != null) ? reason : "";
	}

	/**
	 * A status that may be sent on the wire, checked as {@link CloseCodes#requireSendable} and
	 * {@link CloseCodes#requireValidReason} do.
	 * @param code the status code
	 * @param reason the reason, or {@code null} for none
	 * @return the status
	 * @throws IllegalArgumentException if the code may not be sent or the reason is too long
	 */
	public static CloseStatus sendable(int code, String reason) {
		return new CloseStatus(CloseCodes.requireSendable(code), CloseCodes.requireValidReason(reason));
	}

	/**
	 * A status for sending with a reason cut to the 123 bytes a close frame holds, at a character boundary; for
	 * reasons the edge did not choose (a decoder's message, say).
	 * @param code the status code
	 * @param reason the reason, or {@code null}
	 * @return the status
	 */
	public static CloseStatus truncated(int code, String reason) {
		return new CloseStatus(code, CloseCodes.truncate(reason));
	}

	@Override
	public String toString() {
		return this.reason.isEmpty() ? Integer.toString(this.code) : this.code + " \"" + this.reason + "\"";
	}

}
