package io.wsedge.metrics;

import java.net.URI;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.wsedge.engine.pool.LoadBalancing;
import io.wsedge.engine.pool.PoolTarget;
import io.wsedge.engine.pool.UpstreamPool;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The meters of a pool, per target: gauges from the start, counters of retries and ejections as the pool reports
 * them, and the meters of a discovered target gone with it.
 */
class MicrometerPoolMetricsTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void targetsAreMeteredAndCountedAndForgottenWhenTheyLeave() {
		PoolTarget a = PoolTarget.of(URI.create("ws://10.0.0.1:8080/ws?token=secret"), 1, 0);
		PoolTarget b = PoolTarget.of(URI.create("ws://10.0.0.2:8080/ws"), 1, 0);
		UpstreamPool pool = new UpstreamPool("chat", List.of(a, b), LoadBalancing.DEFAULTS,
				new MicrometerEdgeMetrics(this.registry).pool("chat"));
		// The tag is the URI without its query.
		assertThat(this.registry.get(MicrometerEdgeMetrics.UPSTREAM_UP)
			.tags("route", "chat", "target", "ws://10.0.0.1:8080/ws")
			.gauge()
			.value()).isEqualTo(1);
		PoolTarget chosen = pool.choose(null, List.of());
		assertThat(this.registry.get(MicrometerEdgeMetrics.UPSTREAM_SESSIONS)
			.tags("target", chosen.id())
			.gauge()
			.value()).isEqualTo(1);
		for (int i = 0; i < 3; i++) {
			if (i > 0) {
				assertThat(pool.choose(null, List.of(b))).isSameAs(a);
			}
			pool.failed(a, true);
		}
		assertThat(this.registry.get(MicrometerEdgeMetrics.UPSTREAM_RETRIES).tags("target", a.id()).counter().count())
			.isEqualTo(3);
		assertThat(this.registry.get(MicrometerEdgeMetrics.UPSTREAM_EJECTIONS).tags("target", a.id()).counter().count())
			.isEqualTo(1);
		assertThat(this.registry.get(MicrometerEdgeMetrics.UPSTREAM_UP).tags("target", a.id()).gauge().value())
			.isZero();
		PoolTarget found = new PoolTarget("chat-svc/i-1", URI.create("ws://10.0.0.3:8080/ws"), 1, 0);
		pool.discovered(List.of(found));
		assertThat(this.registry.find(MicrometerEdgeMetrics.UPSTREAM_UP).tags("target", "chat-svc/i-1").gauge())
			.isNotNull();
		pool.discovered(List.of());
		assertThat(this.registry.find(MicrometerEdgeMetrics.UPSTREAM_UP).tags("target", "chat-svc/i-1").gauge())
			.isNull();
		assertThat(pool.targets()).containsExactly(a, b);
	}

}
