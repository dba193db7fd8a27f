package io.wsedge.policy;

/**
 * Every case in which the edge closes a session on its own, with the frames it sends. Codes follow RFC 6455
 * §7.4.1 and the IANA registry.
 *
 * @param payloadTooBig a message over the payload limit (1009 to the sender)
 * @param idleTimeout no data message in either direction for the idle timeout (to both sides)
 * @param pingTimeout no pong within the pong timeout (to the client)
 * @param rateLimit the client sends faster than its rate limit (1008 to the client)
 * @param bufferOverflow a peer does not read what the edge holds for it (1008 to that peer)
 * @param clientGone the client vanished without a close frame ({@code code} toward the upstream)
 * @param upstreamFailure the upstream vanished, failed or broke the protocol ({@code code} toward the client)
 * @param interceptorError an interceptor threw (1011 to the client)
 * @param shutdown the edge is shutting down (to both sides)
 */
public record ClosePolicies(ClosePolicy payloadTooBig, ClosePolicy idleTimeout, ClosePolicy pingTimeout,
		ClosePolicy rateLimit, ClosePolicy bufferOverflow, ClosePolicy clientGone, ClosePolicy upstreamFailure,
		ClosePolicy interceptorError, ClosePolicy shutdown) {

	/** The defaults, as documented in the README. */
	public static final ClosePolicies DEFAULTS = new ClosePolicies(
			new ClosePolicy(1009, "message too big", 1001, "peer message too big"),
			new ClosePolicy(1001, "idle timeout", 1001, "idle timeout"),
			new ClosePolicy(1001, "ping timeout", 1001, "client ping timeout"),
			new ClosePolicy(1008, "rate limit exceeded", 1001, "client rate limit exceeded"),
			new ClosePolicy(1008, "slow consumer", 1001, "peer is a slow consumer"),
			new ClosePolicy(1001, "client gone", 1001, "client gone"),
			new ClosePolicy(1014, "upstream failure", 1001, "upstream failure"),
			new ClosePolicy(1011, "internal error", 1001, "internal error"),
			new ClosePolicy(1001, "server shutting down", 1001, "server shutting down"));

}
