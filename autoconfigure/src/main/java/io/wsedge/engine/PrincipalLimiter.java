package io.wsedge.engine;

/**
 * Counts what each principal holds on each route, for {@code max-connections-per-principal} and
 * {@code messages-per-second-per-principal}. The edge's own implementation counts on this node
 * ({@link LocalPrincipalLimiter}); one shared by a cluster can replace it. Called from any thread: the upgrade's
 * and every session's event loop.
 */
public interface PrincipalLimiter {

	/**
	 * Counts one more session of a principal on a route.
	 * @param routeId the route
	 * @param principal the principal's name
	 * @return the principal's sessions on the route, this one included
	 */
	int opened(String routeId, String principal);

	/**
	 * Counts one session fewer, once per {@link #opened}.
	 * @param routeId the route
	 * @param principal the principal's name
	 */
	void closed(String routeId, String principal);

	/**
	 * Takes one message from the rate a principal's sessions on a route share (a token bucket).
	 * @param routeId the route
	 * @param principal the principal's name
	 * @param perSecond the sustained rate
	 * @param burst the bucket's size
	 * @return whether the message is within the rate
	 */
	boolean tryMessage(String routeId, String principal, double perSecond, int burst);

}
