package io.wsedge.engine;

import java.nio.ByteBuffer;

import io.wsedge.api.FrameType;

/**
 * A built-in check of whole data messages in one direction of a route ({@code wsedge.routes[].validation}),
 * run by the engine before the direction's interceptors. A message that fails it is dropped or closes the
 * session with the {@code invalid-message} close policy.
 * <p>
 * Called on the session's event loop, one message at a time per session but concurrently across sessions:
 * implementations are thread-safe and bound their own cost.
 */
public interface MessageValidator {

	/**
	 * Checks one whole text or binary message.
	 * @param type {@link FrameType#TEXT} or {@link FrameType#BINARY}
	 * @param payload the payload, read-only for the call and not kept
	 * @return {@code null} when the message is valid, otherwise a short description of the failure in printable
	 * ASCII (at most {@link #MAX_DETAIL} characters) that never echoes more than a short piece of the payload
	 */
	String check(FrameType type, ByteBuffer payload);

	/**
	 * Whether an invalid message is dropped (and counted) rather than closing the session.
	 * @return whether invalid messages are dropped
	 */
	boolean drops();

	/** The longest failure description, leaving room in a close reason for the policy's own text. */
	int MAX_DETAIL = 80;

}
