package io.wsedge.api;

/**
 * The kind of a WebSocket message or control frame as an interceptor sees it (RFC 6455 §5.2, §5.5, §5.6).
 * Continuation frames never appear: fragments are assembled into one {@link #TEXT} or {@link #BINARY}
 * message before interceptors run.
 */
public enum FrameType {

	/** A whole text message (UTF-8). */
	TEXT,

	/** A whole binary message. */
	BINARY,

	/** A ping control frame (payload of at most 125 bytes). */
	PING,

	/** A pong control frame (payload of at most 125 bytes). */
	PONG,

	/** A close control frame, with its status code and reason. */
	CLOSE

}
