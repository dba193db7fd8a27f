package io.wsedge.engine;

import io.wsedge.api.FrameType;

/**
 * Observes the messages of one session as its relays take them through the interceptor chains
 * ({@code wsedge.observations.messages}). Called on the session's event loop, one message at a time per
 * direction; a session without one (the default) pays a null check per message.
 */
public interface MessageObserver {

	/**
	 * A message enters its relay.
	 * @param from the side it came from
	 * @param type its type
	 * @param size its payload size in bytes (of this fragment, for a fragment)
	 * @return a handle for {@link #stop}, or {@code null} if this message is not observed (sampled out)
	 */
	Object start(Side from, FrameType type, long size);

	/**
	 * The message left its relay.
	 * @param handle the handle {@link #start} returned
	 * @param outcome {@code forwarded}, {@code dropped}, {@code closed} (an interceptor closed the session),
	 * {@code failed} (an interceptor threw) or {@code abandoned} (the session ended meanwhile)
	 * @param error the interceptor's failure, or {@code null}
	 */
	void stop(Object handle, String outcome, Throwable error);

}
