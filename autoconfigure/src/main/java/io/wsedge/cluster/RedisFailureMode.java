package io.wsedge.cluster;

/**
 * What new upgrades get while Redis, and so the cluster's shared state, is away
 * ({@code wsedge.cluster.on-redis-failure}). Open sessions are kept either way.
 */
public enum RedisFailureMode {

	/** Upgrades are admitted under this instance's own limits alone. */
	FAIL_OPEN,

	/** Upgrades are refused with 503. */
	FAIL_CLOSED

}
