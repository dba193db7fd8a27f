package io.wsedge.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.EdgeRoute;
import io.wsedge.policy.Limits;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.testsupport.SilentServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * {@link WsEdgeHealthIndicator} over routes whose upstreams are a listening socket and a closed port, probed
 * on the calling thread.
 */
class WsEdgeHealthIndicatorTests {

	private final ServerSocket listening;

	private final EdgeRoute up;

	private final EdgeRoute down;

	private final EdgeEngine engine = new EdgeEngine(List.of());

	WsEdgeHealthIndicatorTests() throws IOException {
		this.listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.up = route("up", "ws://127.0.0.1:" + this.listening.getLocalPort() + "/ws?token=secret", 10);
		this.down = route("down", "ws://127.0.0.1:" + SilentServer.closedPort() + "/ws", 0);
	}

	@AfterEach
	void close() throws IOException {
		this.listening.close();
	}

	@Test
	void routesAreUnknownUntilProbedAndAHealthRequestDialsNothing() throws IOException {
		UpstreamProber prober = prober();
		this.listening.setSoTimeout(200);
		Health health = indicator(prober, false).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(routeDetails(health, "up")).containsEntry("status", "UNKNOWN").doesNotContainKey("probedAt");
		assertThat(routeDetails(health, "down")).containsEntry("status", "UNKNOWN");
		try {
			this.listening.accept().close();
			throw new AssertionError("The health request connected to the upstream");
		}
		catch (SocketTimeoutException expected) {
			// Nothing connected.
		}
	}

	@Test
	void unreachableUpstreamMarksOnlyItsRouteDownByDefault() {
		UpstreamProber prober = prober();
		prober.probeAll();
		Health health = indicator(prober, false).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(routeDetails(health, "up")).containsEntry("status", "UP").doesNotContainKey("error");
		assertThat(routeDetails(health, "down")).containsEntry("status", "DOWN")
			.hasEntrySatisfying("error", (error) -> assertThat((String) error).contains("Connection refused"));
	}

	@Test
	void unreachableUpstreamMarksTheEdgeDownWhenConfigured() {
		UpstreamProber prober = prober();
		prober.probeAll();
		assertThat(indicator(prober, true).health().getStatus()).isEqualTo(Status.DOWN);
	}

	@Test
	void drainingEdgeIsOutOfServiceWhateverItsRoutes() {
		UpstreamProber prober = prober();
		prober.probeAll();
		this.engine.startDraining();
		assertThat(indicator(prober, true).health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
	}

	@Test
	void detailsShowTheProbedAddressSessionsAndSaturation() {
		this.up.activeSessions().set(3);
		Health health = indicator(prober(), false).health();
		Map<String, Object> up = routeDetails(health, "up");
		// Host and port only: never the path and query, which may hold credentials.
		assertThat(up).containsEntry("upstream", "127.0.0.1:" + this.listening.getLocalPort())
			.containsEntry("sessions", 3)
			.containsEntry("maxConnections", 10)
			.containsEntry("saturation", 0.3);
		assertThat(routeDetails(health, "down")).containsEntry("sessions", 0)
			.doesNotContainKeys("maxConnections", "saturation");
	}

	@Test
	void defaultPortsFollowTheScheme() {
		assertThat(UpstreamProber.address(URI.create("ws://chat.internal/ws"))).isEqualTo("chat.internal:80");
		assertThat(UpstreamProber.address(URI.create("wss://chat.internal/ws"))).isEqualTo("chat.internal:443");
	}

	private UpstreamProber prober() {
		EdgeRoutes routes = new EdgeRoutes(List.of(this.up, this.down));
		return new UpstreamProber(routes, Duration.ofHours(1), Schedulers.immediate());
	}

	private WsEdgeHealthIndicator indicator(UpstreamProber prober, boolean downIfAnyRouteDown) {
		EdgeRoutes routes = new EdgeRoutes(List.of(this.up, this.down));
		return new WsEdgeHealthIndicator(routes, this.engine, prober, downIfAnyRouteDown);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> routeDetails(Health health, String route) {
		return (Map<String, Object>) health.getDetails().get(route);
	}

	// A mock, not the real constructor: the indicator reads only these, and the engine's constructor grows.
	private static EdgeRoute route(String id, String upstream, int maxConnections) {
		EdgeRoute route = mock(EdgeRoute.class);
		given(route.id()).willReturn(id);
		given(route.path()).willReturn("/" + id);
		given(route.upstream()).willReturn(URI.create(upstream));
		given(route.limits()).willReturn(Limits.DEFAULTS);
		given(route.maxConnections()).willReturn(maxConnections);
		given(route.activeSessions()).willReturn(new AtomicInteger());
		return route;
	}

}
