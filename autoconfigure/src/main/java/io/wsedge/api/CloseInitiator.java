package io.wsedge.api;

/**
 * Which party closed a session first.
 */
public enum CloseInitiator {

	/** The client sent a close frame or dropped its connection. */
	CLIENT,

	/** The upstream sent a close frame or dropped its connection. */
	UPSTREAM,

	/** The edge closed the session: a limit, a close policy, an interceptor, an operator or shutdown. */
	EDGE

}
