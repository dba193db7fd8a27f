package io.wsedge.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.api.UpgradeInterceptor;
import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code wsedgeroutes} endpoint and the startup line per route, on a real edge: a route that overrides some
 * limits shows them, and the edge-wide values for the others.
 */
@ExtendWith(OutputCaptureExtension.class)
class RoutesEndpointIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@ParameterizedTest
	@EnumSource(Stack.class)
	void endpointShowsEffectiveSettingsAndStartupLogsEveryRoute(Stack stack, CapturedOutput output) throws Exception {
		try (TestUpstream upstream = TestUpstream.start()) {
			Map<String, String> properties = new LinkedHashMap<>();
			properties.put("wsedge.limits.max-payload-size", "2MB");
			properties.put("wsedge.limits.idle-timeout", "5m");
			properties.put("wsedge.routes[0].id", "echo");
			properties.put("wsedge.routes[0].path", "/ws/echo");
			properties.put("wsedge.routes[0].upstream", upstream.uri("/echo") + "?token=s3cr3t");
			properties.put("wsedge.routes[1].id", "chat");
			properties.put("wsedge.routes[1].path", "/ws/chat/**");
			properties.put("wsedge.routes[1].upstream", upstream.uri("/proto").toString());
			properties.put("wsedge.routes[1].max-connections", "50");
			properties.put("wsedge.routes[1].limits.max-payload-size", "64KB");
			properties.put("wsedge.routes[1].limits.connect-timeout", "2s");
			properties.put("wsedge.routes[1].interceptors.include[0]", "audit");
			properties.put("wsedge.routes[1].interceptors.include[1]", "tenant");
			properties.put("wsedge.routes[1].compression.client.enabled", "true");
			properties.put("wsedge.close-policies.idle-timeout.code", "4008");
			properties.put("management.server.port", "0");
			properties.put("management.server.address", "127.0.0.1");
			properties.put("management.endpoints.web.exposure.include", "wsedgeroutes");
			try (EdgeApp edge = EdgeApp.start(stack, properties, Interceptors.class)) {
				assertThat(output.toString().lines().filter((line) -> line.contains("Route '")))
					.anySatisfy((line) -> assertThat(line).contains("INFO")
						.contains("Route 'echo' (/ws/echo -> " + upstream.uri("/echo") + ") runs every interceptor")
						.contains("max-payload-size=2MB")
						.contains("idle-timeout=5m"))
					.anySatisfy((line) -> assertThat(line).contains("Route 'chat' (/ws/chat/** -> ")
						.contains("client frames [audit]")
						.contains("upgrade [tenant]")
						.contains("max-payload-size=64KB")
						.contains("max-connections=50")
						.contains("connect-timeout=2s")
						.contains("idle-timeout=5m")
						.contains("compression client=on upstream=off"))
					.noneSatisfy((line) -> assertThat(line).contains("s3cr3t"));

				DocumentContext all = JsonPath.parse(get(edge, "/actuator/wsedgeroutes").body());
				assertThat(all.<List<String>>read("$.routes[*].id")).containsExactly("echo", "chat");
				TestClient client = TestClient.connect(edge.ws("/ws/chat/room"), Map.of(), "chat.v2");
				await().atMost(TIMEOUT)
					.untilAsserted(() -> assertThat(JsonPath.parse(get(edge, "/actuator/wsedgeroutes/chat").body())
						.<Integer>read("$.sessions")).isEqualTo(1));
				DocumentContext chat = JsonPath.parse(get(edge, "/actuator/wsedgeroutes/chat").body());
				assertThat(chat.<String>read("$.path")).isEqualTo("/ws/chat/**");
				assertThat(chat.<List<String>>read("$.upstreams")).containsExactly(upstream.uri("/proto").toString());
				// Overridden on the route.
				assertThat(chat.<Integer>read("$.limits.maxPayloadSize")).isEqualTo(64 * 1024);
				assertThat(chat.<String>read("$.limits.connectTimeout")).isEqualTo("PT2S");
				assertThat(chat.<Integer>read("$.maxConnections")).isEqualTo(50);
				// Inherited from wsedge.limits, and the defaults of what nobody set.
				assertThat(chat.<String>read("$.limits.idleTimeout")).isEqualTo("PT5M");
				assertThat(chat.<Integer>read("$.limits.upstreamMaxPayloadSize")).isEqualTo(16 * 1024 * 1024);
				assertThat(chat.<String>read("$.limits.rateLimitAction")).isEqualTo("close");
				assertThat(chat.<Integer>read("$.closePolicies.idle-timeout.code")).isEqualTo(4008);
				assertThat(chat.<Integer>read("$.closePolicies.payload-too-big.code")).isEqualTo(1009);
				assertThat(chat.<Boolean>read("$.compression.client.enabled")).isTrue();
				assertThat(chat.<Boolean>read("$.compression.upstream.enabled")).isFalse();
				assertThat(chat.<List<String>>read("$.interceptors.upgrade")).containsExactly("tenant");
				assertThat(chat.<List<String>>read("$.interceptors.client")).containsExactly("audit");
				DocumentContext echo = JsonPath.parse(get(edge, "/actuator/wsedgeroutes/echo").body());
				assertThat(echo.<Integer>read("$.limits.maxPayloadSize")).isEqualTo(2 * 1024 * 1024);
				assertThat(echo.<String>read("$.limits.connectTimeout")).isEqualTo("PT10S");
				assertThat(echo.<List<String>>read("$.upstreams")).containsExactly(upstream.uri("/echo").toString());
				assertThat(echo.<List<String>>read("$.interceptors.client")).containsExactly("audit", "counter");
				assertThat(echo.<Integer>read("$.sessions")).isZero();
				assertThat(get(edge, "/actuator/wsedgeroutes/nope").statusCode()).isEqualTo(404);
				client.close(1000, "");
				client.awaitClose(TIMEOUT);
			}
		}
	}

	private static HttpResponse<String> get(EdgeApp edge, String path) throws Exception {
		int port = Integer.parseInt(edge.context().getEnvironment().getProperty("local.management.port"));
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(TIMEOUT).build(),
					HttpResponse.BodyHandlers.ofString());
	}

	@Configuration(proxyBeanMethods = false)
	static class Interceptors {

		@Bean
		@org.springframework.core.annotation.Order(1)
		ClientFrameInterceptor audit() {
			return (frame) -> {
			};
		}

		@Bean
		@org.springframework.core.annotation.Order(2)
		ClientFrameInterceptor counter() {
			return (frame) -> {
			};
		}

		@Bean
		UpgradeInterceptor tenant() {
			return (upgrade) -> {
			};
		}

	}

}
