package io.wsedge.engine;

import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * The events a {@link Leg} reports to its session, always on the leg's executor.
 */
public interface LegListener {

	/**
	 * A frame arrived: a data frame (text, binary or continuation) or a control frame.
	 * @param side the leg it arrived on
	 * @param frame the frame, owned by the listener
	 */
	void onFrame(Side side, WebSocketFrame frame);

	/**
	 * A batch of reads ended; a good moment to flush what the frames of that batch produced.
	 * @param side the leg that was read
	 */
	void onReadComplete(Side side);

	/**
	 * The leg became writable or stopped being writable.
	 * @param side the leg
	 */
	void onWritabilityChanged(Side side);

	/**
	 * The peer broke the protocol. The leg reads nothing more from it and has sent nothing yet: the session
	 * answers, with {@code code} or its close policies, through {@link Leg#fail}.
	 * @param side the leg
	 * @param code the close status the violation implies (1002, 1007 or 1009)
	 * @param reason what was wrong
	 */
	void onProtocolError(Side side, int code, String reason);

	/**
	 * The connection has closed; no more events follow from this leg.
	 * @param side the leg
	 */
	void onClosed(Side side);

}
