package io.wsedge.policy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.wsedge.api.UpgradeInterceptor;
import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.RawClient;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestClient.Close;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Edge-wide settings that need an edge of their own: the global connection cap, the upstream policy, and the
 * drain on shutdown.
 */
class ShutdownAndCapsIntegrationTests {

	private static Map<String, String> route(TestUpstream upstream, String path) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("wsedge.routes[0].id", "echo");
		properties.put("wsedge.routes[0].path", "/ws/echo");
		properties.put("wsedge.routes[0].upstream", upstream.uri(path).toString());
		return properties;
	}

	@Test
	void globalMaxConnectionsRefusesWith503() {
		try (TestUpstream upstream = TestUpstream.start()) {
			Map<String, String> properties = route(upstream, "/echo");
			properties.put("wsedge.limits.max-connections", "2");
			try (EdgeApp edge = EdgeApp.start(properties)) {
				TestClient first = TestClient.connect(edge.ws("/ws/echo"));
				TestClient second = TestClient.connect(edge.ws("/ws/echo"));
				assertThat(TestClient.refusedStatus(edge.ws("/ws/echo"))).isEqualTo(503);
				first.close(1000, "");
				first.awaitClose(Duration.ofSeconds(5));
				awaitAdmitted(edge, 1);
				TestClient third = TestClient.connect(edge.ws("/ws/echo"));
				third.send("in");
				assertThat(third.nextText()).isEqualTo("in");
				second.close(1000, "");
				third.close(1000, "");
			}
		}
	}

	private static void awaitAdmitted(EdgeApp edge, int count) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (edge.engine().admittedCount() != count) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Still " + edge.engine().admittedCount() + " admitted");
			}
			Thread.onSpinWait();
		}
	}

	@Test
	void globalAllowedOriginsAndRequireOrigin() throws Exception {
		try (TestUpstream upstream = TestUpstream.start()) {
			Map<String, String> properties = route(upstream, "/echo");
			properties.put("wsedge.allowed-origins", "https://app.example.com,http://localhost:[*]");
			properties.put("wsedge.require-origin", "true");
			try (EdgeApp edge = EdgeApp.start(properties)) {
				try (RawClient allowed = RawClient.connect(edge.port(), "/ws/echo", 0, "Origin: https://app.example.com")) {
					assertThat(allowed.status()).isEqualTo(101);
				}
				try (RawClient anyPort = RawClient.connect(edge.port(), "/ws/echo", 0, "Origin: http://localhost:5173")) {
					assertThat(anyPort.status()).isEqualTo(101);
				}
				try (RawClient other = RawClient.connect(edge.port(), "/ws/echo", 0, "Origin: https://app.example.org")) {
					assertThat(other.status()).isEqualTo(403);
				}
				try (RawClient none = RawClient.connect(edge.port(), "/ws/echo", 0)) {
					assertThat(none.status()).as("no Origin with require-origin").isEqualTo(403);
				}
			}
		}
	}

	@Test
	void upstreamOutsideThePolicyChosenAtRunTimeIsRefusedWith403BeforeAnyConnection() {
		try (TestUpstream upstream = TestUpstream.start()) {
			Map<String, String> properties = route(upstream, "/echo");
			properties.put("wsedge.upstream-policy.allow", "ws://localhost:" + upstream.port());
			properties.put("wsedge.upstream-policy.deny", "169.254.0.0/16");
			try (EdgeApp edge = EdgeApp.start(properties, Reroute.class)) {
				TestClient allowed = TestClient.connect(edge.ws("/ws/echo"));
				allowed.send("ok");
				assertThat(allowed.nextText()).isEqualTo("ok");
				assertThat(TestClient.refusedStatus(edge.ws("/ws/echo?to=metadata"))).isEqualTo(403);
				assertThat(TestClient.refusedStatus(edge.ws("/ws/echo?to=other-port"))).isEqualTo(403);
				// Only the allowed session reached the upstream.
				assertThat(upstream.sessions).hasSize(1);
				allowed.close(1000, "");
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Reroute {

		@Bean
		UpgradeInterceptor reroute() {
			return (upgrade) -> {
				String query = upgrade.uri().getQuery();
				if ("to=metadata".equals(query)) {
					upgrade.setUpstreamUri(java.net.URI.create("ws://169.254.169.254/latest"));
				}
				else if ("to=other-port".equals(query)) {
					upgrade.setUpstreamUri(java.net.URI.create(upgrade.upstreamUri().toString()
						.replace(":" + upgrade.upstreamUri().getPort(), ":1")));
				}
			};
		}

	}

	@Test
	void shutdownClosesBothSidesWithTheShutdownPolicyAndRefusesUpgradesWhileDraining() throws Exception {
		try (TestUpstream upstream = TestUpstream.start()) {
			Map<String, String> properties = route(upstream, "/echo");
			properties.put("wsedge.close-policies.shutdown.code", "1012");
			properties.put("wsedge.close-policies.shutdown.reason", "service restart");
			properties.put("wsedge.shutdown.drain-timeout", "3s");
			properties.put("wsedge.limits.ping-interval", "0s");
			EdgeApp edge = EdgeApp.start(properties);
			int port = edge.port();
			TestClient polite = TestClient.connect(edge.ws("/ws/echo?t=polite"));
			// A client that never reads keeps the drain waiting, so the drain can be watched.
			RawClient stubborn = RawClient.connect(port, "/ws/echo?t=stubborn", 0);
			assertThat(stubborn.status()).isEqualTo(101);
			upstream.session("t=stubborn");
			long started = System.nanoTime();
			CompletableFuture<Void> stopped = CompletableFuture.runAsync(edge::close);
			assertThat(polite.awaitClose(Duration.ofSeconds(5))).isEqualTo(new Close(1012, "service restart"));
			WebSocketCloseStatus atUpstream = upstream.session("t=polite").awaitClose();
			assertThat(atUpstream.code()).isEqualTo(1012);
			assertThat(atUpstream.reasonText()).isEqualTo("service restart");
			try (RawClient late = RawClient.connect(port, "/ws/echo?t=late", 0)) {
				assertThat(late.status()).isEqualTo(503);
			}
			stopped.get(20, TimeUnit.SECONDS);
			// The stubborn session was cut at the drain timeout, not at the graceful shutdown's 30 s.
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
			assertThat(upstream.session("t=stubborn").awaitClose().code()).isEqualTo(1012);
			stubborn.close();
		}
	}

}
