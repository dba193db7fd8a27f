package io.wsedge.engine;

import io.wsedge.policy.ClosePolicyKind;

import io.wsedge.api.FrameType;
import io.wsedge.api.SessionSummary;

/**
 * What the engine reports about one route's traffic. Implementations resolve their meters once, when the
 * route is built, so that the per-message calls do no look-ups and allocate nothing.
 */
public interface RouteMetrics {

	/** Reports nothing. */
	RouteMetrics NONE = new RouteMetrics() {
	};

	/**
	 * A message or control frame was received.
	 * @param from the sender
	 * @param type the frame type
	 * @param bytes the payload size
	 */
	default void received(Side from, FrameType type, long bytes) {
	}

	/**
	 * Data frames passed through permessage-deflate on a leg where it was negotiated.
	 * @param leg the leg
	 * @param received whether the frame came from the peer (inflated) or goes to it (deflated)
	 * @param wire whether the count is of the compressed bytes on the wire or of the payload
	 * @param bytes the frame's size in that form
	 */
	default void compression(Side leg, boolean received, boolean wire, long bytes) {
	}

	/**
	 * A session relays one side's compressed messages as they came (permessage-deflate pass-through): they are
	 * neither inflated nor deflated again, and not counted by {@link #compression}.
	 * @param from the sending side
	 */
	default void compressionPassThrough(Side from) {
	}

	/**
	 * A message was dropped instead of forwarded.
	 * @param from the sender
	 * @param reason {@code interceptor} or the name of the policy that dropped it
	 */
	default void dropped(Side from, String reason) {
	}

	/**
	 * A message failed the route's validation.
	 * @param from the sender
	 * @param dropped whether it was dropped (rather than closing the session)
	 */
	default void invalidMessage(Side from, boolean dropped) {
	}

	/**
	 * A limit or close policy was violated.
	 * @param policy the policy
	 */
	default void violation(ClosePolicyKind policy) {
	}

	/**
	 * An upgrade request was answered.
	 * @param accepted whether the client was upgraded
	 * @param status the HTTP status of the answer (101 when accepted)
	 */
	default void handshake(boolean accepted, int status) {
	}

	/**
	 * An upstream dial ended.
	 * @param nanos how long it took
	 * @param outcome {@code success}, {@code refused} (the upstream answered with an error status),
	 * {@code unreachable} or {@code timeout}
	 */
	default void upstreamConnect(long nanos, String outcome) {
	}

	/**
	 * A session opened on the route.
	 */
	default void sessionOpened() {
	}

	/**
	 * A session ended on the route.
	 * @param summary the session's account
	 */
	default void sessionEnded(SessionSummary summary) {
	}

}
