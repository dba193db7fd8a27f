package io.wsedge.policy;

import java.nio.charset.StandardCharsets;

/**
 * The close status codes of RFC 6455 §7.4 and what may be sent on the wire.
 */
public final class CloseCodes {

	/** 1000: the purpose of the connection was fulfilled. */
	public static final int NORMAL = 1000;

	/** 1001: an endpoint is going away. */
	public static final int GOING_AWAY = 1001;

	/** 1002: a protocol error. */
	public static final int PROTOCOL_ERROR = 1002;

	/** 1005: no status code was present; never sent on the wire. */
	public static final int NO_STATUS = 1005;

	/** 1006: the connection closed without a close frame; never sent on the wire. */
	public static final int ABNORMAL = 1006;

	/** 1009: a message too big to process. */
	public static final int MESSAGE_TOO_BIG = 1009;

	/** 1011: an unexpected condition on the server. */
	public static final int INTERNAL_ERROR = 1011;

	/** The longest close reason, in UTF-8 bytes: a control frame's 125 bytes less the 2-byte code. */
	public static final int MAX_REASON_BYTES = 123;

	private CloseCodes() {
	}

	/**
	 * Whether a code may be sent in a close frame: 1000-1003, 1007-1014 and 3000-4999 (RFC 6455 §7.4.1 and the
	 * IANA registry; 1004 is reserved, 1005, 1006 and 1015 are for reporting only).
	 * @param code a status code
	 * @return whether it may be sent
	 */
	public static boolean isSendable(int code) {
		return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
	}

	/**
	 * Checks a code for sending.
	 * @param code a status code
	 * @return the code
	 * @throws IllegalArgumentException if it may not be sent
	 */
	public static int requireSendable(int code) {
		if (!isSendable(code)) {
			throw new IllegalArgumentException("Close status " + code
					+ " may not be sent; use 1000-1003, 1007-1014 or 3000-4999");
		}
		return code;
	}

	/**
	 * Checks a reason for sending.
	 * @param reason a close reason, or {@code null} for none
	 * @return the reason, empty for {@code null}
	 * @throws IllegalArgumentException if it is longer than 123 UTF-8 bytes
	 */
	public static String requireValidReason(String reason) {
		if (reason == null) {
			return "";
		}
		if (utf8Length(reason) > MAX_REASON_BYTES) {
			throw new IllegalArgumentException("Close reason is longer than " + MAX_REASON_BYTES + " UTF-8 bytes");
		}
		return reason;
	}

	/**
	 * Cuts a reason to the bytes a close frame holds, at a character boundary.
	 * @param reason a reason, or {@code null}
	 * @return the reason, at most {@value #MAX_REASON_BYTES} UTF-8 bytes, empty for {@code null}
	 */
	public static String truncate(String reason) {
		String text = (reason != null) ? reason : "";
		while (utf8Length(text) > MAX_REASON_BYTES) {
			int end = text.length() - 1;
			// Never split a surrogate pair.
			if (end > 0 && Character.isLowSurrogate(text.charAt(end))) {
				end--;
			}
			text = text.substring(0, end);
		}
		return text;
	}

	static int utf8Length(String text) {
		return text.getBytes(StandardCharsets.UTF_8).length;
	}

}
