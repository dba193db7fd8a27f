package io.wsedge.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code wsedge} health contributor end to end: a real edge probing real upstreams, one of which dies and
 * comes back on the same port, read through {@code /actuator/health}.
 */
class HealthIntegrationTests {

	private static final Duration INTERVAL = Duration.ofMillis(400);

	/** What a probe of a refused port may take beyond its interval: a loopback connect and a thread hop. */
	private static final Duration PROBE_SLACK = Duration.ofMillis(150);

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static TestUpstream steady;

	private static FlappingUpstream flappy;

	private static EdgeApp edge;

	@BeforeAll
	static void start() {
		steady = TestUpstream.start();
		flappy = new FlappingUpstream();
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("wsedge.routes[0].id", "steady");
		properties.put("wsedge.routes[0].path", "/ws/steady");
		properties.put("wsedge.routes[0].upstream", steady.uri("/echo").toString());
		properties.put("wsedge.routes[1].id", "flappy");
		properties.put("wsedge.routes[1].path", "/ws/flappy");
		properties.put("wsedge.routes[1].upstream", "ws://127.0.0.1:" + flappy.port + "/echo");
		properties.put("wsedge.health.probe-interval", INTERVAL.toMillis() + "ms");
		properties.put("wsedge.health.down-if-any-route-down", "true");
		properties.put("management.endpoints.web.exposure.include", "health");
		properties.put("management.endpoint.health.show-details", "always");
		edge = EdgeApp.start(properties);
	}

	@AfterAll
	static void stop() {
		edge.close();
		steady.close();
		flappy.close();
	}

	@Test
	void everyRouteReportsItsUpstreamAndOpenSessions() {
		awaitRouteStatus("steady", "UP");
		TestClient client = TestClient.connect(edge.ws("/ws/steady"));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			String health = get("/actuator/health").body();
			assertThat(read(health, "$.components.wsedge.details.steady.sessions", Integer.class)).isEqualTo(1);
			assertThat(read(health, "$.components.wsedge.details.steady.upstream", String.class))
				.isEqualTo("localhost:" + steady.port());
			assertThat(read(health, "$.components.wsedge.details.flappy.upstream", String.class))
				.isEqualTo("127.0.0.1:" + flappy.port);
		});
		client.close(1000, "");
		edge.awaitNoSessions();
		assertThat(read(get("/actuator/health").body(), "$.components.wsedge.details.steady.sessions", Integer.class))
			.isZero();
	}

	@Test
	void routeTurnsDownWithinOneProbeIntervalOfItsUpstreamDyingAndUpWhenItReturns() {
		awaitRouteStatus("flappy", "UP");
		assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);

		flappy.stop();
		Instant died = Instant.now();
		String down = awaitRouteStatus("flappy", "DOWN");
		Instant probedAt = Instant.parse(read(down, "$.components.wsedge.details.flappy.probedAt", String.class));
		assertThat(Duration.between(died, probedAt)).isLessThanOrEqualTo(INTERVAL.plus(PROBE_SLACK));
		assertThat(read(down, "$.components.wsedge.details.flappy.error", String.class)).contains("Connection refused");
		assertThat(read(down, "$.components.wsedge.details.steady.status", String.class)).isEqualTo("UP");
		// down-if-any-route-down: one dead upstream takes the edge, and with it the readiness group, down.
		assertThat(read(down, "$.components.wsedge.status", String.class)).isEqualTo("DOWN");
		HttpResponse<String> readiness = get("/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(503);
		assertThat(read(readiness.body(), "$.status", String.class)).isEqualTo("DOWN");

		flappy.restart();
		Instant returned = Instant.now();
		String up = awaitRouteStatus("flappy", "UP");
		probedAt = Instant.parse(read(up, "$.components.wsedge.details.flappy.probedAt", String.class));
		assertThat(Duration.between(returned, probedAt)).isLessThanOrEqualTo(INTERVAL.plus(PROBE_SLACK));
		assertThat(read(up, "$.components.wsedge.status", String.class)).isEqualTo("UP");
		assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
	}

	/** Polls the health endpoint until a route has a status, and answers the health document that had it. */
	private static String awaitRouteStatus(String route, String status) {
		String[] body = new String[1];
		await().atMost(INTERVAL.multipliedBy(5)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
			body[0] = get("/actuator/health").body();
			assertThat(read(body[0], "$.components.wsedge.details." + route + ".status", String.class))
				.isEqualTo(status);
		});
		return body[0];
	}

	private static <T> T read(String json, String path, Class<T> type) {
		return JsonPath.parse(json).read(path, type);
	}

	private static HttpResponse<String> get(String path) {
		try {
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + path))
				.timeout(Duration.ofSeconds(5))
				.build();
			return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A WebSocket echo server that can die and come back on the same port. */
	static final class FlappingUpstream implements AutoCloseable {

		final int port;

		private volatile DisposableServer server;

		FlappingUpstream() {
			this.server = bind(0);
			this.port = this.server.port();
		}

		void stop() {
			this.server.disposeNow(Duration.ofSeconds(5));
		}

		void restart() {
			this.server = bind(this.port);
		}

		private static DisposableServer bind(int port) {
			return HttpServer.create()
				.host("127.0.0.1")
				.port(port)
				.route((routes) -> routes.ws("/echo",
						(in, out) -> out.sendObject(in.receiveFrames().map(WebSocketFrame::retain)).then()))
				.bindNow(Duration.ofSeconds(10));
		}

		@Override
		public void close() {
			if (!this.server.isDisposed()) {
				this.server.disposeNow(Duration.ofSeconds(5));
			}
		}

	}

}
