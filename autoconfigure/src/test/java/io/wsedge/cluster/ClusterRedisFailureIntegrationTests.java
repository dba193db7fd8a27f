package io.wsedge.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import com.jayway.jsonpath.JsonPath;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.RedisServer;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis, a server of this class's own, stopped in the middle: an instance in fail-open mode keeps admitting
 * under its own limits and reports the cluster DOWN; one in fail-closed mode refuses new upgrades with 503; open
 * sessions are kept on both, and when Redis comes back (empty, as after a crash) both share their limits again
 * and the registry lists every session, those opened meanwhile too.
 */
class ClusterRedisFailureIntegrationTests {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static RedisServer redis;

	private static TestUpstream upstream;

	private static EdgeApp open;

	private static EdgeApp closed;

	@BeforeAll
	static void start() {
		redis = RedisServer.start();
		upstream = TestUpstream.start();
		open = edge("open", "fail-open");
		closed = edge("closed", "fail-closed");
	}

	private static EdgeApp edge(String instance, String mode) {
		Map<String, String> p = new LinkedHashMap<>();
		p.put("spring.data.redis.host", "127.0.0.1");
		p.put("spring.data.redis.port", Integer.toString(redis.port()));
		p.put("spring.data.redis.timeout", "500ms");
		p.put("wsedge.cluster.enabled", "true");
		p.put("wsedge.cluster.instance-id", instance);
		p.put("wsedge.cluster.lease-time", "3s");
		p.put("wsedge.cluster.on-redis-failure", mode);
		p.put("wsedge.limits.ping-interval", "0s");
		p.put("management.server.port", "0");
		p.put("management.server.address", "127.0.0.1");
		p.put("management.endpoints.web.exposure.include", "health,wsedgesessions");
		p.put("management.endpoint.health.show-details", "always");
		p.put("wsedge.routes[0].id", "echo");
		p.put("wsedge.routes[0].path", "/ws/echo");
		p.put("wsedge.routes[0].upstream", upstream.uri("/echo").toString());
		// 3 across the cluster, and on each instance alone while Redis is away.
		p.put("wsedge.routes[0].limits.max-connections-per-client", "3");
		return EdgeApp.start(p);
	}

	@AfterAll
	static void stop() {
		open.close();
		closed.close();
		upstream.close();
		redis.close();
	}

	@Test
	void failOpenAdmitsUnderLocalLimitsFailClosedRefusesAndBothRecoverWithoutLosingASession() throws Exception {
		List<TestClient> clients = new ArrayList<>();
		clients.add(echoing(TestClient.connect(open.ws("/ws/echo"))));
		clients.add(echoing(TestClient.connect(closed.ws("/ws/echo"))));
		assertThat(health(open)).isEqualTo("UP");

		redis.stop();
		// Fail-closed: new upgrades get 503 (within the timeout, not a hang), open sessions go on.
		assertThat(TestClient.refusedStatus(closed.ws("/ws/echo"))).isEqualTo(503);
		await(() -> "DOWN".equals(health(closed)), "closed reports the cluster DOWN");
		// Fail-open: admitted under the instance's own limits (3 from a client), and health says so.
		clients.add(echoing(TestClient.connect(open.ws("/ws/echo"))));
		clients.add(echoing(TestClient.connect(open.ws("/ws/echo"))));
		assertThat(TestClient.refusedStatus(open.ws("/ws/echo"))).isEqualTo(429);
		await(() -> "DOWN".equals(health(open)), "open reports the cluster DOWN");
		for (TestClient client : clients) {
			echoing(client);
		}
		assertThat(open.context().getBean(MeterRegistry.class).get("wsedge.cluster.unavailable")
			.tag("mode", "fail-open").counter().count()).isGreaterThanOrEqualTo(1);

		redis.restart();
		await(() -> "UP".equals(health(open)) && "UP".equals(health(closed)), "both report the cluster UP");
		// The registry of the restarted, empty Redis lists every session again, those opened meanwhile too.
		await(() -> JsonPath.parse(request(closed, "/actuator/wsedgesessions").body()).read("$.total",
				Integer.class) == 4, "the registry lists the four sessions");
		// And the cluster counts them: the client holds 4 places, over its cap of 3 after the fail-open period.
		await(() -> TestClient.refusedStatus(closed.ws("/ws/echo")) == 429, "the cluster-wide cap holds again");
		for (TestClient client : clients) {
			echoing(client);
		}
		// Two places given back on one instance leave room for one on the other.
		for (int i = 0; i < 2; i++) {
			TestClient leaving = clients.remove(clients.size() - 1);
			leaving.close(1000, "");
			leaving.awaitClose(Duration.ofSeconds(10));
		}
		clients.add(echoing(ClusterIntegrationTests.awaitConnect(closed.ws("/ws/echo"))));
		// Commands between instances work again too: the other instance closes the first client's session.
		TestClient onOpen = clients.remove(0);
		String onOpenId = open.engine().sessions().iterator().next().id();
		assertThat(ClusterIntegrationTests.request(closed, "DELETE",
				"/actuator/wsedgesessions/" + onOpenId + "?code=4003&reason=moved").statusCode()).isEqualTo(204);
		assertThat(onOpen.awaitClose(Duration.ofSeconds(10))).isEqualTo(new TestClient.Close(4003, "moved"));
		for (TestClient client : clients) {
			client.close(1000, "");
			client.awaitClose(Duration.ofSeconds(10));
		}
		// A clean shutdown leaves nothing of the instance in Redis.
		open.awaitNoSessions();
		open.close();
		ReactiveStringRedisTemplate redisTemplate = new ReactiveStringRedisTemplate(
				closed.context().getBean(ReactiveRedisConnectionFactory.class));
		assertThat(redisTemplate.opsForZSet().score("{wsedge}:instances", "open").blockOptional()).isEmpty();
		assertThat(redisTemplate.hasKey("{wsedge}:keys:open").block()).isFalse();
		assertThat(redisTemplate.hasKey("{wsedge}:sessions:open").block()).isFalse();
		assertThat(redisTemplate.opsForHash().hasKey("{wsedge}:q:client:echo:127.0.0.1", "open").block()).isFalse();
	}

	private static void await(BooleanSupplier condition, String what) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as(what).isLessThan(deadline);
			Thread.sleep(100);
		}
	}

	private static String health(EdgeApp edge) {
		HttpResponse<String> response = request(edge, "/actuator/health/wsedgeCluster");
		return JsonPath.parse(response.body()).read("$.status", String.class);
	}

	private static TestClient echoing(TestClient client) {
		client.send("ping");
		assertThat(client.nextText()).isEqualTo("ping");
		return client;
	}

	private static HttpResponse<String> request(EdgeApp edge, String path) {
		int port = Integer.parseInt(edge.context().getEnvironment().getProperty("local.management.port"));
		try {
			return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
