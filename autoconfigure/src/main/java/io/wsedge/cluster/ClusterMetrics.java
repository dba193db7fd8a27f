package io.wsedge.cluster;

/**
 * What the cluster reports to the metrics ({@code wsedge.cluster.*}); Micrometer's when it is present.
 */
public interface ClusterMetrics {

	/** Reports nothing. */
	ClusterMetrics NONE = new ClusterMetrics() {
	};

	/**
	 * A round trip to Redis completed, or failed.
	 * @param operation what it did: admit, release, heartbeat, resync, register, tokens, sessions, command
	 * @param nanos how long it took
	 * @param success whether Redis answered
	 */
	default void roundTrip(String operation, long nanos, boolean success) {
	}

	/**
	 * An upgrade was refused by the cluster.
	 * @param kind which quota: cluster, route, client, principal; or unavailable (fail-closed while Redis is
	 * away)
	 */
	default void refused(String kind) {
	}

	/**
	 * Redis went away (a fail-open period starts when the mode is fail-open) or came back.
	 * @param available whether Redis is reachable now
	 * @param mode what upgrades get while it is away
	 */
	default void availability(boolean available, RedisFailureMode mode) {
	}

}
