package io.wsedge.api;

/**
 * Told exactly once when a session has ended on both sides, the equivalent of Kong's {@code ws_close}
 * phase. Declare implementations as Spring beans; they run in {@link org.springframework.core.annotation.Order
 * &#64;Order} sequence on the session's event loop and must not block. An exception is logged and does not stop
 * the other listeners.
 */
@FunctionalInterface
public interface SessionEndListener {

	/**
	 * Receives the account of a finished session.
	 * @param summary how the session ended and what passed through it
	 */
	void onSessionEnd(SessionSummary summary);

}
