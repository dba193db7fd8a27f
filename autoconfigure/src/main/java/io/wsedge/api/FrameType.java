package io.wsedge.api;

/**
 * The kind of a WebSocket message or control frame as an interceptor sees it (RFC 6455 §5.2, §5.5, §5.6).
 * Continuation frames have no type of their own: fragments are assembled into one {@link #TEXT} or
 * {@link #BINARY} message before interceptors run, or, for {@link MessageMode#FRAGMENTS} interceptors, each
 * fragment has its message's type.
 */
public enum FrameType {

	/** A text message (UTF-8), or a fragment of one. */
	TEXT,

	/** A binary message, or a fragment of one. */
	BINARY,

	/** A ping control frame (payload of at most 125 bytes). */
	PING,

	/** A pong control frame (payload of at most 125 bytes). */
	PONG,

	/** A close control frame, with its status code and reason. */
	CLOSE

}
