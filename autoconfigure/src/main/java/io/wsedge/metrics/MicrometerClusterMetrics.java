package io.wsedge.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wsedge.cluster.ClusterMetrics;
import io.wsedge.cluster.RedisFailureMode;

/**
 * The cluster's meters: {@code wsedge.cluster.round.trip} (a timer per operation and outcome),
 * {@code wsedge.cluster.refusals} (upgrades refused by the cluster, per kind),
 * {@code wsedge.cluster.unavailable} (periods Redis was away, per mode: fail-open periods are those with
 * {@code mode=fail-open}) and the gauge {@code wsedge.cluster.available} (1 or 0).
 */
public class MicrometerClusterMetrics implements ClusterMetrics {

	private final MeterRegistry registry;

	private final AtomicInteger available = new AtomicInteger(1);

	/**
	 * Creates the meters.
	 * @param registry the registry
	 */
	public MicrometerClusterMetrics(MeterRegistry registry) {
		this.registry = registry;
		Gauge.builder("wsedge.cluster.available", this.available, AtomicInteger::get)
			.description("Whether Redis, the cluster's shared state, is reachable (1) or not (0)")
			.register(registry);
	}

	@Override
	public void roundTrip(String operation, long nanos, boolean success) {
		Timer.builder("wsedge.cluster.round.trip")
			.description("Round trips to Redis for the cluster")
			.tag("operation", operation)
			.tag("outcome", success ? "success" : "failure")
			.register(this.registry)
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void refused(String kind) {
		Counter.builder("wsedge.cluster.refusals")
			.description("Upgrades refused by a cluster-wide quota, or while Redis is away in fail-closed mode")
			.tag("kind", kind)
			.register(this.registry)
			.increment();
	}

	@Override
	public void availability(boolean available, RedisFailureMode mode) {
		this.available.set(available ? 1 : 0);
		if (!available) {
			Counter.builder("wsedge.cluster.unavailable")
				.description("Periods Redis was away; with mode=fail-open, the fail-open periods")
				.tag("mode", mode.name().toLowerCase().replace('_', '-'))
				.register(this.registry)
				.increment();
		}
	}

}
