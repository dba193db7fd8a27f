package io.wsedge.engine;

import java.net.SocketAddress;

import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.EventExecutor;

/**
 * One connection of a session as the engine drives it, whatever server stack or client carries it.
 * <p>
 * Every method is called on {@link #executor()}, the thread that runs the session. Frames passed to
 * {@link #write} belong to the leg from then on (it releases them once written or refused).
 */
public interface Leg {

	/**
	 * The thread that delivers this leg's events and accepts its calls.
	 * @return the leg's executor
	 */
	EventExecutor executor();

	/**
	 * The peer's address.
	 * @return the remote address
	 */
	SocketAddress remoteAddress();

	/**
	 * Queues a frame for sending; {@link #flush()} sends what was queued. Frames written after this leg sent
	 * its close frame are released unsent.
	 * @param frame the frame, owned by the leg from now on
	 */
	void write(WebSocketFrame frame);

	/**
	 * Sends what {@link #write} queued.
	 */
	void flush();

	/**
	 * Whether the leg takes more without queueing beyond its high-water mark.
	 * @return whether the leg is writable
	 */
	boolean isWritable();

	/**
	 * Bytes written to this leg that wait for its peer: what a peer that does not read makes the edge hold,
	 * held against {@code max-buffered-bytes}.
	 * @return the queued bytes
	 */
	long queuedBytes();

	/**
	 * Everything the leg holds of what was written to it, for the edge's memory budget; more than
	 * {@link #queuedBytes()} where the leg also keeps bytes for reasons of its own (the servlet leg joins the
	 * fragments of a message before sending it). May be read from any thread.
	 * @return the bytes held
	 */
	default long heldBytes() {
		return queuedBytes();
	}

	/**
	 * Starts or stops reading from the peer, the lever of backpressure.
	 * @param reading whether to read
	 */
	void setReading(boolean reading);

	/**
	 * Starts the closing handshake (RFC 6455 §7.1.2), or answers the peer's close frame: sends a close frame
	 * once, then ends the connection when the peer has answered, or after the close timeout.
	 * @param code the status code, or {@link io.wsedge.policy.CloseCodes#NO_STATUS} for a close frame without one
	 * @param reason the reason, empty for none
	 */
	void close(int code, String reason);

	/**
	 * Fails the connection (RFC 6455 §7.1.7) after a protocol violation: sends a close frame if none was sent
	 * yet and ends the connection without waiting for an answer.
	 * @param code the status code
	 * @param reason the reason
	 */
	void fail(int code, String reason);

	/**
	 * Whether this leg has sent its close frame.
	 * @return whether a close frame was sent
	 */
	boolean closeSent();

	/**
	 * Ends the connection now, without a closing handshake, after what was written has been flushed.
	 */
	void terminate();

}
