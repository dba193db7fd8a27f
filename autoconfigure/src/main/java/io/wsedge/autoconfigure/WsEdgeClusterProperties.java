package io.wsedge.autoconfigure;

import java.time.Duration;

import lombok.Getter;
import lombok.Setter;

import org.springframework.boot.context.properties.ConfigurationProperties;

import io.wsedge.cluster.RedisFailureMode;

/**
 * Cluster mode: the connection caps, the principals' message rates and the session registry shared by every edge
 * instance through Redis (Spring Data Redis on Lettuce, configured with {@code spring.data.redis.*}).
 */
@ConfigurationProperties("wsedge.cluster")
@Getter
@Setter
public class WsEdgeClusterProperties {

	/**
	 * Whether this edge joins a cluster through Redis. Needs Spring Data Redis reactive with Lettuce on the class
	 * path (spring-boot-starter-data-redis-reactive).
	 */
	private boolean enabled = false;

	/**
	 * Prefix of every Redis key and channel of the cluster; edges with the same prefix on the same Redis form one
	 * cluster. The braces make it a hash tag, so that a Redis Cluster keeps all the keys in one slot.
	 */
	private String keyPrefix = "{wsedge}:";

	/**
	 * This instance's name in the cluster, shown with each of its sessions; a random one when not set. Must be
	 * unique in the cluster.
	 */
	private String instanceId;

	/**
	 * How long the sessions of an instance that stops renewing them (it died, or lost Redis) keep counting
	 * against the cluster-wide caps. Renewed on a heartbeat of a third of it.
	 */
	private Duration leaseTime = Duration.ofSeconds(15);

	/**
	 * The longest an upgrade waits on Redis; past it the upgrade is treated as if Redis were away.
	 */
	private Duration timeout = Duration.ofMillis(100);

	/**
	 * What upgrades get while Redis is away: fail-open admits them under this instance's own limits alone,
	 * fail-closed refuses them with 503. Open sessions are kept either way.
	 */
	private RedisFailureMode onRedisFailure = RedisFailureMode.FAIL_OPEN;

	/**
	 * The most a cluster-wide operation (listing the sessions, closing or sending to a session of another
	 * instance) waits for the other instances' answers.
	 */
	private Duration operationTimeout = Duration.ofSeconds(2);

	/**
	 * Messages per second a client address may send on a route across the whole cluster, all its sessions
	 * together (a token bucket of a second's worth), on top of each session's own rate; 0 for none. Messages
	 * over it get the route's rate-limit-action.
	 */
	private double messagesPerSecondPerClient = 0;

	/**
	 * Tokens an instance takes from a cluster-wide message rate at a time (messages-per-second-per-principal and
	 * messages-per-second-per-client);
	 * 0 takes a tenth of a second's worth, at least 1. Larger batches mean fewer Redis round trips; a principal
	 * whose sessions are spread over N instances may get up to N batches fewer than the rate, never more.
	 */
	private int tokenBatch = 0;

}
