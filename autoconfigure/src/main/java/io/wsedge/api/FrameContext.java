package io.wsedge.api;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * One message or control frame in flight through the edge, with the verbs of Kong's
 * {@code kong.websocket.client} / {@code kong.websocket.upstream} PDK.
 * <p>
 * For interceptors of {@link MessageMode#WHOLE} (the default) data messages are whole: fragments are assembled
 * (and counted against the size limit) before any interceptor runs. Where every interceptor of a route's
 * direction is of {@link MessageMode#FRAGMENTS}, each fragment of a fragmented message runs the chain on its own
 * as it arrives, with its message's type; {@link #isFinal()} and {@link #fragmentIndex()} say which fragment it
 * is. The size limit and {@code max-fragments} are counted as fragments arrive, before the chain runs. On a
 * fragment the verbs keep the message on the wire well formed:
 * <ul>
 * <li>{@link #setPayload(byte[]) setPayload} replaces this fragment's payload only; the message keeps its other
 * fragments and its fragmentation. On a {@link FrameType#TEXT} fragment the new payload must be valid UTF-8 by
 * itself, and the fragment it replaces must hold whole characters (a sender may split a character between two
 * fragments; such a fragment cannot be replaced without corrupting its neighbours).</li>
 * <li>{@link #drop()} on the first fragment drops the whole message: none of its fragments is forwarded and the
 * chain does not run for the rest of them. On a later fragment it is refused, as the first ones have left:
 * {@code setPayload(new byte[0])} empties a fragment instead.</li>
 * <li>{@link #text()} is refused, as a fragment may end inside a character: read {@link #payloadView()}.</li>
 * <li>{@link #close(int, String, int, String) close} closes the session at once; the fragments already
 * forwarded stay forwarded and the message is never finished (a close frame may come between fragments, RFC
 * 6455 §5.4).</li>
 * </ul>
 * Control frames (ping, pong, close) pass through the chain with their own types, whole, in either mode.
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
	 * A read-only view of the payload as it stands now, including changes by earlier interceptors, without a
	 * copy: the edge's own buffer where the payload is in one piece. For a close frame it is the reason's UTF-8
	 * bytes. Valid only during this interceptor call (or until the stage given to {@link #defer} completes):
	 * the buffer goes back to the edge's pool afterwards, so keep a copy ({@link #payload()}) of what must
	 * outlive it. The interceptors of one message share one view, handed to each with its position at 0 and its
	 * limit at the payload's end; moving them changes nothing for the next caller.
	 * @return the view, never {@code null}
	 */
	default ByteBuffer payloadView() {
		return ByteBuffer.wrap(payload()).asReadOnlyBuffer();
	}

	/**
	 * The payload of a text message as a string, decoded once per payload however many interceptors call it.
	 * @return the text
	 * @throws IllegalStateException if this is not a {@link FrameType#TEXT} message, or if it is a fragment
	 */
	String text();

	/**
	 * Whether this is the last frame of its message (the FIN bit, RFC 6455 §5.2): {@code true} for a whole
	 * message and a control frame, {@code false} for every fragment but the last.
	 * @return whether this frame ends its message
	 */
	default boolean isFinal() {
		return true;
	}

	/**
	 * Where this frame stands in its message: 0 for a whole message, a control frame or the first fragment of a
	 * message, {@code n} for its {@code n}th continuation frame. Only {@link MessageMode#FRAGMENTS} interceptors
	 * see anything but 0.
	 * @return the fragment's index
	 */
	default int fragmentIndex() {
		return 0;
	}

	/**
	 * Whether this is one fragment of a message in several frames, seen by {@link MessageMode#FRAGMENTS}
	 * interceptors.
	 * @return {@code !isFinal() || fragmentIndex() > 0}
	 */
	default boolean isFragment() {
		return !isFinal() || fragmentIndex() > 0;
	}

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
	 * The array is copied, so the caller may reuse it.
	 * @param data the new payload
	 * @throws IllegalArgumentException if a control frame's payload would be too long, or a text message's or
	 * close reason's is not valid UTF-8
	 * @throws IllegalStateException on a text fragment that does not hold whole characters
	 */
	void setPayload(byte[] data);

	/**
	 * Replaces the payload with the UTF-8 bytes of {@code text}; otherwise as {@link #setPayload(byte[])}.
	 * @param text the new payload
	 * @throws IllegalArgumentException if a control frame's payload would be too long
	 * @throws IllegalStateException on a text fragment that does not hold whole characters
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
	 * Drops this message (Kong's {@code drop_frame}): it is not forwarded and later interceptors do not run. On
	 * the first fragment of a message it drops the whole message.
	 * @throws IllegalStateException on a {@link FrameType#CLOSE} frame, which cannot be dropped, or on a
	 * fragment after the first, whose message has begun to leave
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
