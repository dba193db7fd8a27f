package io.wsedge.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import io.wsedge.engine.pool.PoolMetrics;
import io.wsedge.engine.pool.PoolTarget;

/**
 * The meters of one route's upstream pool, tagged with the target's id: configured targets, or discovered
 * instances, so the tag is bounded by the pool's size. Counters are resolved once per target.
 */
final class MicrometerPoolMetrics implements PoolMetrics {

	private final MeterRegistry registry;

	private final String routeId;

	private final Map<PoolTarget, Meters> meters = new ConcurrentHashMap<>();

	MicrometerPoolMetrics(MeterRegistry registry, String routeId) {
		this.registry = registry;
		this.routeId = routeId;
	}

	@Override
	public void added(PoolTarget target) {
		meters(target);
	}

	@Override
	public void removed(PoolTarget target) {
		Meters meters = this.meters.remove(target);
		if (meters != null) {
			meters.all().forEach(this.registry::remove);
		}
	}

	@Override
	public void retried(PoolTarget failed) {
		meters(failed).retries.increment();
	}

	@Override
	public void failedOver(PoolTarget target) {
		meters(target).failovers.increment();
	}

	@Override
	public void ejected(PoolTarget target) {
		meters(target).ejections.increment();
	}

	private Meters meters(PoolTarget target) {
		return this.meters.computeIfAbsent(target, this::register);
	}

	private Meters register(PoolTarget target) {
		Tags tags = Tags.of("route", this.routeId, "target", target.id());
		Gauge sessions = Gauge.builder(MicrometerEdgeMetrics.UPSTREAM_SESSIONS, target, PoolTarget::sessions)
			.tags(tags)
			.description("Sessions on an upstream of a pool, handshakes under way included")
			.register(this.registry);
		Gauge up = Gauge
			.builder(MicrometerEdgeMetrics.UPSTREAM_UP, target,
					(t) -> (t.state(System.nanoTime()) == PoolTarget.State.UP) ? 1 : 0)
			.tags(tags)
			.description("1 when the upstream takes new sessions, else 0")
			.register(this.registry);
		return new Meters(sessions, up,
				Counter.builder(MicrometerEdgeMetrics.UPSTREAM_RETRIES)
					.tags(tags)
					.description("Failed upstream dials followed by another try")
					.register(this.registry),
				Counter.builder(MicrometerEdgeMetrics.UPSTREAM_FAILOVERS)
					.tags(tags)
					.description("Sessions that reached this upstream after another one failed")
					.register(this.registry),
				Counter.builder(MicrometerEdgeMetrics.UPSTREAM_EJECTIONS)
					.tags(tags)
					.description("Outlier ejections of the upstream")
					.register(this.registry));
	}

	private record Meters(Gauge sessions, Gauge up, Counter retries, Counter failovers, Counter ejections) {

		List<Meter> all() {
			return List.of(this.sessions, this.up, this.retries, this.failovers, this.ejections);
		}

	}

}
