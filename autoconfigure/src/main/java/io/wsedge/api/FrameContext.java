package io.wsedge.api;

import java.util.concurrent.CompletionStage;

/**
 * One message or control frame in flight through the edge, with the verbs of Kong's
 * {@code kong.websocket.client} / {@code kong.websocket.upstream} PDK.
 * <p>
 * Data messages are always whole: fragments are assembled (and counted against the size limit) before any
 * interceptor runs. Control frames (ping, pong, close) pass through the chain with their own types.
 * <p>
 * Verbs record a decision; the edge acts on it when the chain ends, so they are safe to call from the code
 * that completes a {@link #defer deferred} stage. Status codes that may be sent are 1000-1003, 1007-1014 and
 * 3000-4999 (RFC 6455 §7.4); any other is refused with {@link IllegalArgumentException}.
 */
public interface FrameContext {

	/**
	 * The type of this message or frame (Kong's {@code get_frame}).
	 * @return the frame type, never {@code null}
	 */
	FrameType type();

	/**
	 * The payload as it stands now, including changes by earlier interceptors. For a close frame it is the
	 * reason's UTF-8 bytes. The array is a copy made on first call: changing it changes nothing.
	 * @return the payload bytes, never {@code null}
	 */
	byte[] payload();

	/**
	 * The payload of a text message as a string.
	 * @return the text
	 * @throws IllegalStateException if this is not a {@link FrameType#TEXT} message
	 */
	String text();

	/**
	 * The status code of a close frame; 1005 when the frame carried none (RFC 6455 §7.1.5).
	 * @return the close status code
	 * @throws IllegalStateException if this is not a {@link FrameType#CLOSE} frame
	 */
	int closeStatus();

	/**
	 * The reason of a close frame, empty when it carried none.
	 * @return the close reason, never {@code null}
	 * @throws IllegalStateException if this is not a {@link FrameType#CLOSE} frame
	 */
	String closeReason();

	/**
	 * Replaces the payload (Kong's {@code set_frame_data}); interceptors after this one see the new payload.
	 * On a close frame it sets the reason (at most 123 UTF-8 bytes), on a ping or pong its payload (at most
	 * 125 bytes).
	 * @param data the new payload
	 * @throws IllegalArgumentException if a control frame's payload would be too long
	 */
	void setPayload(byte[] data);

	/**
	 * Replaces the payload with the UTF-8 bytes of {@code text}; otherwise as {@link #setPayload(byte[])}.
	 * @param text the new payload
	 * @throws IllegalArgumentException if a control frame's payload would be too long
	 */
	void setPayload(String text);

	/**
	 * Changes the status code of a close frame before it is forwarded (Kong's {@code set_status}).
	 * @param status the new status code
	 * @throws IllegalStateException if this is not a {@link FrameType#CLOSE} frame
	 * @throws IllegalArgumentException if the code may not be sent
	 */
	void setCloseStatus(int status);

	/**
	 * Drops this message (Kong's {@code drop_frame}): it is not forwarded and later interceptors do not run.
	 * @throws IllegalStateException on a {@link FrameType#CLOSE} frame, which cannot be dropped
	 */
	void drop();

	/**
	 * Closes the session (Kong's {@code close}): close frames go to both sides at once, each with its own
	 * code and reason; this message is not forwarded and later interceptors do not run.
	 * @param clientStatus the status code sent to the client
	 * @param clientReason the reason sent to the client (at most 123 UTF-8 bytes), or {@code null}
	 * @param upstreamStatus the status code sent to the upstream
	 * @param upstreamReason the reason sent to the upstream (at most 123 UTF-8 bytes), or {@code null}
	 * @throws IllegalArgumentException if a code may not be sent or a reason is too long
	 */
	void close(int clientStatus, String clientReason, int upstreamStatus, String upstreamReason);

	/**
	 * Closes the session with the same code and reason toward both sides.
	 * @param status the status code sent to both sides
	 * @param reason the reason sent to both sides (at most 123 UTF-8 bytes), or {@code null}
	 * @throws IllegalArgumentException if the code may not be sent or the reason is too long
	 * @see #close(int, String, int, String)
	 */
	void close(int status, String reason);

	/**
	 * Changes the largest whole message accepted from this frame's sender, for this session and direction,
	 * from the next message on (Kong's {@code set_max_payload_size}). The size counts a message across its
	 * continuation frames, never control frames. A message over it closes the sender with 1009 and the other
	 * side with the {@code payload-too-big} peer code.
	 * @param bytes the new limit in bytes; 0 restores the configured default
	 * @throws IllegalArgumentException if {@code bytes} is negative
	 */
	void setMaxPayloadSize(long bytes);

	/**
	 * The session this frame belongs to.
	 * @return the session
	 */
	EdgeSession session();

	/**
	 * Suspends the chain until {@code pending} completes, for interceptors that need I/O. The next
	 * interceptor runs (and the message is forwarded) only then; later messages of the same session and
	 * direction wait, so order is kept. If the stage fails, the {@code interceptor-error} close policy
	 * applies. Call at most once per interceptor invocation.
	 * @param pending the stage to wait for
	 */
	void defer(CompletionStage<?> pending);

}
