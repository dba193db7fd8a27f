package io.wsedge.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Readiness while the edge drains for shutdown, end to end: the instance must fail its readiness probe as soon
 * as draining starts, while its sessions are still open.
 */
class DrainReadinessIntegrationTests {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static TestUpstream upstream;

	private static EdgeApp edge;

	@BeforeAll
	static void start() {
		upstream = TestUpstream.start();
		edge = EdgeApp.start(Map.of("wsedge.routes[0].id", "echo", "wsedge.routes[0].path", "/ws/echo",
				"wsedge.routes[0].upstream", upstream.uri("/echo").toString(),
				"management.endpoints.web.exposure.include", "health", "management.endpoint.health.show-details",
				"always"));
	}

	@AfterAll
	static void stop() {
		edge.close();
		upstream.close();
	}

	@Test
	void wsedgeIsAMemberOfTheReadinessGroup() {
		HealthEndpointGroups groups = edge.context().getBean(HealthEndpointGroups.class);
		assertThat(groups.get("readiness").isMember("wsedge")).isTrue();
		assertThat(groups.get("readiness").isMember("readinessState")).isTrue();
		assertThat(groups.get("liveness").isMember("wsedge")).isFalse();
	}

	@Test
	void readinessGoesOutOfServiceAsSoonAsTheEdgeDrainsWhileSessionsAreStillOpen() {
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(read(get("/actuator/health").body(), "$.components.wsedge.details.echo.status"))
				.isEqualTo("UP"));
		HttpResponse<String> ready = get("/actuator/health/readiness");
		assertThat(ready.statusCode()).isEqualTo(200);
		assertThat(read(ready.body(), "$.status")).isEqualTo("UP");
		TestClient client = TestClient.connect(edge.ws("/ws/echo"));
		client.send("before");
		assertThat(client.nextText()).isEqualTo("before");

		edge.engine().startDraining();

		assertThat(edge.context().getBean(ApplicationAvailability.class).getReadinessState())
			.isEqualTo(ReadinessState.REFUSING_TRAFFIC);
		HttpResponse<String> draining = get("/actuator/health/readiness");
		assertThat(draining.statusCode()).isEqualTo(503);
		assertThat(read(draining.body(), "$.status")).isEqualTo("OUT_OF_SERVICE");
		String health = get("/actuator/health").body();
		assertThat(read(health, "$.components.wsedge.status")).isEqualTo("OUT_OF_SERVICE");
		assertThat(read(health, "$.components.readinessState.status")).isEqualTo("OUT_OF_SERVICE");
		// The load balancer is told before the sessions close: this one still relays.
		assertThat(edge.engine().sessions()).hasSize(1);
		client.send("after");
		assertThat(client.nextText()).isEqualTo("after");
		client.close(1000, "");
		edge.awaitNoSessions();
	}

	private static String read(String json, String path) {
		return JsonPath.parse(json).read(path, String.class);
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

}
