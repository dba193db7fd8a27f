package io.wsedge.server.servlet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On Spring MVC, an upgrade on a route is observed as {@code wsedge.upgrade}, not as an
 * {@code http.server.requests} with {@code uri="UNKNOWN"}; a plain request on the route's path still is.
 */
class ServletUpgradeObservationIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void upgradeIsAWsEdgeUpgradeObservationAndAPlainRequestAnHttpServerRequest() throws Exception {
		try (TestUpstream upstream = TestUpstream.start();
				EdgeApp edge = EdgeApp.start(Stack.SERVLET, Map.of("wsedge.routes[0].id", "echo", "wsedge.routes[0].path",
						"/ws/echo", "wsedge.routes[0].upstream", upstream.uri("/echo").toString()),
						Registry.class)) {
			MeterRegistry registry = edge.context().getBean(MeterRegistry.class);
			TestClient client = TestClient.connect(edge.ws("/ws/echo"));
			client.send("hello");
			assertThat(client.nextText()).isEqualTo("hello");
			client.close(1000, "");
			client.awaitClose(TIMEOUT);
			HttpResponse<String> plain = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/ws/echo"))
					.timeout(TIMEOUT)
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(plain.statusCode()).isEqualTo(426);

			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(count(registry, "http.server.requests", "status", "426")).isOne());
			assertThat(registry.find("http.server.requests").timers()).hasSize(1);
			assertThat(count(registry, "wsedge.upgrade", "route", "echo", "outcome", "accepted", "status", "101"))
				.isOne();
		}
	}

	private static long count(MeterRegistry registry, String name, String... tags) {
		Timer timer = registry.find(name).tags(tags).timer();
		return (timer != null) ? timer.count() : 0;
	}

	@Configuration(proxyBeanMethods = false)
	static class Registry {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
