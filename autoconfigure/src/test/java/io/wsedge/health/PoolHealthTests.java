package io.wsedge.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.health.contributor.Health;

import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.engine.pool.LoadBalancing;
import io.wsedge.engine.pool.PoolMetrics;
import io.wsedge.engine.pool.PoolTarget;
import io.wsedge.engine.pool.UpstreamPool;
import io.wsedge.policy.Limits;
import io.wsedge.testsupport.SilentServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The active probe of a pool's targets, one by one: a listening socket and a closed port.
 */
class PoolHealthTests {

	private final ServerSocket listening;

	private final PoolTarget live;

	private final PoolTarget dead;

	private final EdgeRoute route;

	PoolHealthTests() throws IOException {
		this.listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.live = PoolTarget.of(URI.create("ws://127.0.0.1:" + this.listening.getLocalPort() + "/ws"), 1, 0);
		this.dead = PoolTarget.of(URI.create("ws://127.0.0.1:" + SilentServer.closedPort() + "/ws"), 1, 0);
		UpstreamPool pool = new UpstreamPool("chat", List.of(this.live, this.dead), LoadBalancing.DEFAULTS,
				PoolMetrics.NONE);
		this.route = mock(EdgeRoute.class);
		given(this.route.id()).willReturn("chat");
		given(this.route.upstream()).willReturn(this.live.uri());
		given(this.route.limits()).willReturn(Limits.DEFAULTS);
		given(this.route.activeSessions()).willReturn(new AtomicInteger());
		given(this.route.pool()).willReturn(pool);
	}

	@AfterEach
	void close() throws IOException {
		this.listening.close();
	}

	@Test
	void eachTargetIsProbedAndMarkedDownOrUpInItsPool() throws IOException {
		EdgeRoutes routes = new EdgeRoutes(List.of(this.route));
		UpstreamProber prober = new UpstreamProber(routes, Duration.ofHours(1), Schedulers.immediate());
		prober.probeAll();
		long now = this.route.pool().now();
		assertThat(this.live.state(now)).isEqualTo(PoolTarget.State.UP);
		assertThat(this.dead.state(now)).isEqualTo(PoolTarget.State.DOWN);
		// A route is reachable while one of its targets is.
		assertThat(prober.lastProbe("chat").reachable()).isTrue();
		Health health = new WsEdgeHealthIndicator(routes, new EdgeEngine(List.of()), prober, false).health();
		Map<String, Object> details = details(health.getDetails().get("chat"));
		assertThat(details).containsEntry("status", "UP");
		Map<String, Object> targets = details(details.get("targets"));
		assertThat(details(targets.get(UpstreamProber.address(this.live.uri())))).containsEntry("state", "up");
		assertThat(details(targets.get(UpstreamProber.address(this.dead.uri())))).containsEntry("state", "down")
			.containsKey("error");
		this.listening.close();
		prober.probeAll();
		assertThat(this.live.state(this.route.pool().now())).isEqualTo(PoolTarget.State.DOWN);
		assertThat(prober.lastProbe("chat").reachable()).isFalse();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> details(Object details) {
		return (Map<String, Object>) details;
	}

}
