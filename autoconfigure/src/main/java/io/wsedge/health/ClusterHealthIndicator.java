package io.wsedge.health;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import io.wsedge.cluster.RedisEdgeCluster;

/**
 * The {@code wsedgeCluster} health contributor: UP while Redis, and so the cluster's shared limits and registry,
 * is reachable; DOWN while it is away, with what upgrades get meanwhile ({@code fail-open}: this instance's own
 * limits alone; {@code fail-closed}: 503).
 */
public class ClusterHealthIndicator extends AbstractHealthIndicator {

	private final RedisEdgeCluster cluster;

	/**
	 * Creates the contributor.
	 * @param cluster this instance's membership
	 */
	public ClusterHealthIndicator(RedisEdgeCluster cluster) {
		super("Cluster health check failed");
		this.cluster = cluster;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("instance", this.cluster.instanceId())
			.withDetail("onRedisFailure", this.cluster.mode().name().toLowerCase().replace('_', '-'));
		if (this.cluster.isAvailable()) {
			builder.up();
		}
		else {
			builder.down().withDetail("error", String.valueOf(this.cluster.lastFailure()));
		}
	}

}
