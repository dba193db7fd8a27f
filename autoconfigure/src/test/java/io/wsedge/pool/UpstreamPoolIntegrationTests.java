package io.wsedge.pool;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.wsedge.api.UpgradeInterceptor;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.engine.pool.PoolTarget;
import io.wsedge.engine.pool.UpstreamPool;
import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.NoLeaks;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.SilentServer;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestClient.Close;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routes with several upstreams, end to end on both stacks: three real upstream servers on loopback, a closed
 * port, a black hole (accepts TCP, never answers) and an upstream answering 503, behind a real edge (one per
 * stack, with a route per case), with the JDK's WebSocket client. Which upstream got a session is read from the upstream's side, by a marker in the
 * query that the edge passes on.
 */
@ExtendWith(NoLeaks.class)
class UpstreamPoolIntegrationTests {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static TestUpstream a;

	private static TestUpstream b;

	private static TestUpstream c;

	private static SilentServer blackHole;

	private static int closedPort;

	private static final Map<Stack, EdgeApp> edges = new EnumMap<>(Stack.class);

	private static final Map<String, Integer> UPGRADES = new ConcurrentHashMap<>();

	@BeforeAll
	static void start() throws Exception {
		a = TestUpstream.start();
		b = TestUpstream.start();
		c = TestUpstream.start();
		blackHole = new SilentServer();
		closedPort = SilentServer.closedPort();
	}

	@AfterAll
	static void stop() throws Exception {
		edges.values().forEach(EdgeApp::close);
		a.close();
		b.close();
		c.close();
		blackHole.close();
	}

	private static EdgeApp edge(Stack stack) {
		return edges.computeIfAbsent(stack, (key) -> EdgeApp.start(key, properties(), CountingUpgrades.class));
	}

	private static Map<String, String> properties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("management.server.port", "0");
		properties.put("management.server.address", "127.0.0.1");
		properties.put("management.endpoints.web.exposure.include", "wsedgeupstreams");
		properties.put("wsedge.limits.close-timeout", "1s");
		// No active probes: they would mark the closed port and the black hole down before any dial tries them,
		// and these tests are about what a dial does.
		properties.put("management.health.wsedge.enabled", "false");
		route(properties, 0, "spread", "round-robin", a.uri("/echo") + "|1", b.uri("/echo") + "|2",
				c.uri("/echo") + "|3");
		route(properties, 1, "dead", "round-robin", "ws://127.0.0.1:" + closedPort + "/echo|1", a.uri("/echo") + "|1");
		route(properties, 2, "black-hole", "round-robin", "ws://127.0.0.1:" + blackHole.port() + "/echo|1",
				b.uri("/echo") + "|1");
		// Two tries share the connect budget: the black hole costs half of it, the next target has the rest.
		properties.put("wsedge.routes[2].limits.connect-timeout", "3s");
		route(properties, 3, "unavailable", "round-robin", c.uri("/unavailable") + "|1", a.uri("/echo") + "|1");
		route(properties, 4, "least", "least-sessions", a.uri("/echo") + "|1", b.uri("/echo") + "|1",
				c.uri("/echo") + "|1");
		route(properties, 5, "hash", "hash", a.uri("/echo") + "|1", b.uri("/echo") + "|1", c.uri("/echo") + "|1");
		properties.put("wsedge.routes[5].load-balancer.hash-on", "header");
		properties.put("wsedge.routes[5].load-balancer.hash-key", "X-User");
		route(properties, 6, "flaky", "round-robin", a.uri("/flaky") + "|1", b.uri("/echo") + "|1");
		properties.put("wsedge.routes[6].load-balancer.consecutive-failures", "2");
		properties.put("wsedge.routes[6].load-balancer.ejection-time", "1s");
		route(properties, 7, "drain", "round-robin", a.uri("/echo") + "|1", b.uri("/echo") + "|1",
				c.uri("/echo") + "|1");
		route(properties, 8, "all-dead", "round-robin", "ws://127.0.0.1:" + closedPort + "/one|1",
				"ws://127.0.0.1:" + closedPort + "/two|1");
		route(properties, 9, "forbidden", "round-robin", a.uri("/forbidden") + "|1", b.uri("/echo") + "|1");
		return properties;
	}

	private static void route(Map<String, String> properties, int index, String id, String strategy,
			String... targets) {
		String prefix = "wsedge.routes[" + index + "]";
		properties.put(prefix + ".id", id);
		properties.put(prefix + ".path", "/ws/" + id);
		properties.put(prefix + ".load-balancer.strategy", strategy);
		for (int i = 0; i < targets.length; i++) {
			String[] target = targets[i].split("\\|");
			properties.put(prefix + ".upstreams[" + i + "].uri", target[0]);
			properties.put(prefix + ".upstreams[" + i + "].weight", target[1]);
		}
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void roundRobinSpreadsThreeThousandSessionsByWeight(Stack stack) {
		EdgeApp edge = edge(stack);
		String marker = "spread-" + stack;
		int total = 3_000;
		for (int i = 0; i < total; i++) {
			TestClient client = TestClient.connect(edge.ws("/ws/spread?m=" + marker + "&i=" + i));
			client.close(1000, "done");
		}
		await(() -> count(a, marker) + count(b, marker) + count(c, marker) == total, "every session upstream");
		// Weights 1, 2, 3: within 5% of 500, 1,000 and 1,500.
		assertThat(count(a, marker)).isBetween(475L, 525L);
		assertThat(count(b, marker)).isBetween(950L, 1_050L);
		assertThat(count(c, marker)).isBetween(1_425L, 1_575L);
		edge.awaitNoSessions();
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void aClosedPortIsFailedOverWithoutAClientError(Stack stack) {
		assertFailsOver(edge(stack), "dead", a);
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void aBlackHoleIsFailedOverWithinTheConnectBudget(Stack stack) {
		long started = System.nanoTime();
		assertFailsOver(edge(stack), "black-hole", b);
		// Three tries of the black hole at most (then it is ejected), 1.5 s each, and six quick sessions.
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void anUpstreamAnswering503IsFailedOverWithoutAClientError(Stack stack) {
		assertFailsOver(edge(stack), "unavailable", a);
	}

	private static void assertFailsOver(EdgeApp edge, String route, TestUpstream good) {
		UpstreamPool pool = pool(edge, route);
		PoolTarget bad = pool.targets().get(0);
		long failuresBefore = bad.failures();
		String marker = route + "-" + System.nanoTime();
		for (int i = 0; i < 6; i++) {
			// TestClient.connect fails the test if the handshake does.
			TestClient client = TestClient.connect(edge.ws("/ws/" + route + "?m=" + marker + "&i=" + i));
			client.send("hello " + i);
			assertThat(client.nextText()).isEqualTo("hello " + i);
			client.close(1000, "done");
			// However many targets the handshake tried, the upgrade interceptors ran once.
			assertThat(UPGRADES.get("m=" + marker + "&i=" + i)).isEqualTo(1);
		}
		assertThat(count(good, marker)).isEqualTo(6);
		assertThat(bad.failures()).isGreaterThan(failuresBefore);
		edge.awaitNoSessions();
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void theClientGets502OnlyWhenEveryTryFailedAndA4xxIsNotRetried(Stack stack) {
		EdgeApp edge = edge(stack);
		UPGRADES.clear();
		assertThat(TestClient.refusedStatus(edge.ws("/ws/all-dead?m=" + stack + "-all-dead"))).isEqualTo(502);
		assertThat(pool(edge, "all-dead").targets()).allSatisfy((target) -> assertThat(target.failures()).isOne());
		assertThat(UPGRADES.get("m=" + stack + "-all-dead")).isEqualTo(1);
		// Round robin starts with the first target, which answers 403: the client gets it, b is not tried.
		UpstreamPool forbidden = pool(edge, "forbidden");
		assertThat(TestClient.refusedStatus(edge.ws("/ws/forbidden?m=" + stack + "-forbidden-0"))).isEqualTo(403);
		assertThat(count(b, stack + "-forbidden-0")).isZero();
		assertThat(forbidden.targets().get(0).failures()).isZero();
		edge.awaitNoSessions();
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void leastSessionsSendsNewSessionsToTheEmptiestTarget(Stack stack) {
		EdgeApp edge = edge(stack);
		UpstreamPool pool = pool(edge, "least");
		Map<TestUpstream, List<TestClient>> clients = new HashMap<>();
		for (int i = 0; i < 6; i++) {
			String marker = stack + "-least-first-" + i;
			TestClient client = TestClient.connect(edge.ws("/ws/least?m=" + marker));
			clients.computeIfAbsent(upstreamOf(marker), (key) -> new ArrayList<>()).add(client);
		}
		assertThat(clients.values()).allSatisfy((list) -> assertThat(list).hasSize(2));
		// Uneven lengths: both sessions on b end, one on c ends, a's go on.
		clients.remove(b).forEach((client) -> client.close(1000, "short"));
		clients.get(c).remove(0).close(1000, "short");
		await(() -> target(pool, b).sessions() == 0 && target(pool, c).sessions() == 1, "short sessions ended");
		assertThat(upstreamOf(connect(edge, stack + "-least-next-0", clients))).isSameAs(b);
		List<TestUpstream> next = List.of(upstreamOf(connect(edge, stack + "-least-next-1", clients)),
				upstreamOf(connect(edge, stack + "-least-next-2", clients)));
		assertThat(next).containsExactlyInAnyOrder(b, c);
		clients.values().forEach((list) -> list.forEach((client) -> client.close(1000, "done")));
		edge.awaitNoSessions();
	}

	private static String connect(EdgeApp edge, String marker, Map<TestUpstream, List<TestClient>> clients) {
		TestClient client = TestClient.connect(edge.ws("/ws/least?m=" + marker));
		clients.computeIfAbsent(upstreamOf(marker), (key) -> new ArrayList<>()).add(client);
		return marker;
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void hashingKeepsAKeyOnItsTarget(Stack stack) {
		EdgeApp edge = edge(stack);
		Map<TestUpstream, Integer> users = new HashMap<>();
		for (int user = 0; user < 30; user++) {
			TestUpstream first = null;
			for (int i = 0; i < 3; i++) {
				String marker = stack + "-hash-" + user + "-" + i;
				TestClient client = TestClient.connect(edge.ws("/ws/hash?m=" + marker), Map.of("X-User", "u" + user));
				TestUpstream upstream = upstreamOf(marker);
				if (first == null) {
					first = upstream;
					users.merge(upstream, 1, Integer::sum);
				}
				assertThat(upstream).as("user %d, session %d", user, i).isSameAs(first);
				client.close(1000, "done");
			}
		}
		// 30 keys over three targets: every target gets some.
		assertThat(users).hasSize(3);
		edge.awaitNoSessions();
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void aFailingTargetIsEjectedAndReturnsAfterTheEjectionTime(Stack stack) {
		EdgeApp edge = edge(stack);
		UpstreamPool pool = pool(edge, "flaky");
		PoolTarget flaky = pool.targets().get(0);
		a.unavailable(true);
		try {
			for (int i = 0; i < 10 && flaky.state(pool.now()) != PoolTarget.State.EJECTED; i++) {
				echo(edge, "flaky", stack + "-flaky-down-" + i);
			}
			assertThat(flaky.state(pool.now())).isEqualTo(PoolTarget.State.EJECTED);
			long failures = flaky.failures();
			for (int i = 0; i < 4; i++) {
				echo(edge, "flaky", stack + "-flaky-ejected-" + i);
			}
			// Ejected: not tried.
			assertThat(flaky.failures()).isEqualTo(failures);
		}
		finally {
			a.unavailable(false);
		}
		await(() -> flaky.state(pool.now()) == PoolTarget.State.UP, "the ejection to end");
		for (int i = 0; i < 4; i++) {
			echo(edge, "flaky", stack + "-flaky-back-" + i);
		}
		assertThat(count(a, stack + "-flaky-back-")).isGreaterThanOrEqualTo(1);
		edge.awaitNoSessions();
	}

	private static void echo(EdgeApp edge, String route, String marker) {
		TestClient client = TestClient.connect(edge.ws("/ws/" + route + "?m=" + marker));
		client.send(marker);
		assertThat(client.nextText()).isEqualTo(marker);
		client.close(1000, "done");
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void aDrainedTargetsSessionsCloseWith1012OverTheGivenTimeAndReconnectElsewhere(Stack stack) throws Exception {
		EdgeApp edge = edge(stack);
		UpstreamPool pool = pool(edge, "drain");
		Map<TestUpstream, List<TestClient>> clients = new HashMap<>();
		for (int i = 0; i < 9; i++) {
			String marker = stack + "-drain-" + i;
			TestClient client = TestClient.connect(edge.ws("/ws/drain?m=" + marker));
			clients.computeIfAbsent(upstreamOf(marker), (key) -> new ArrayList<>()).add(client);
		}
		assertThat(clients.get(a)).hasSize(3);
		List<Long> closedAt = new CopyOnWriteArrayList<>();
		clients.get(a).forEach((client) -> client.closed.thenRun(() -> closedAt.add(System.nanoTime())));
		long started = System.nanoTime();
		HttpResponse<String> response = post(edge, "/actuator/wsedgeupstreams/drain",
				"{\"target\": \"" + target(pool, a).id() + "\", \"action\": \"drain\", \"over\": \"PT5S\"}");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"state\":\"draining\"").contains("\"closing\":3");
		for (TestClient client : clients.get(a)) {
			Close close = client.awaitClose(Duration.ofSeconds(15));
			assertThat(close.code()).isEqualTo(1012);
			// The client reconnects, and lands on another target.
			String marker = stack + "-drain-again-" + System.nanoTime();
			TestClient again = TestClient.connect(edge.ws("/ws/drain?m=" + marker));
			assertThat(upstreamOf(marker)).isNotSameAs(a);
			again.close(1000, "done");
		}
		// Spread over the five seconds, not all at once: the last close comes seconds after the first.
		assertThat(Duration.ofNanos(closedAt.get(2) - closedAt.get(0))).isGreaterThan(Duration.ofSeconds(2));
		assertThat(Duration.ofNanos(closedAt.get(2) - started)).isLessThan(Duration.ofSeconds(10));
		// The other targets' sessions go on.
		for (TestClient client : clients.get(b)) {
			client.send("still");
			assertThat(client.nextText()).isEqualTo("still");
		}
		String listed = HTTP.send(HttpRequest.newBuilder(management(edge, "/actuator/wsedgeupstreams/drain")).build(),
				HttpResponse.BodyHandlers.ofString()).body();
		assertThat(listed).contains("\"state\":\"draining\"");
		response = post(edge, "/actuator/wsedgeupstreams/drain",
				"{\"target\": \"" + target(pool, a).id() + "\", \"action\": \"resume\"}");
		assertThat(response.body()).contains("\"state\":\"up\"");
		assertThat(post(edge, "/actuator/wsedgeupstreams/drain", "{\"target\": \"ws://nowhere:1/x\", \"action\": \"drain\"}")
			.statusCode()).isEqualTo(404);
		assertThat(post(edge, "/actuator/wsedgeupstreams/drain",
				"{\"target\": \"" + target(pool, a).id() + "\", \"action\": \"explode\"}")
			.statusCode()).isEqualTo(400);
		clients.get(b).forEach((client) -> client.close(1000, "done"));
		clients.get(c).forEach((client) -> client.close(1000, "done"));
		edge.awaitNoSessions();
	}

	/** Counts the upgrade interceptor's runs per request query. */
	@Configuration(proxyBeanMethods = false)
	static class CountingUpgrades {

		@Bean
		UpgradeInterceptor countingUpgrades() {
			return (upgrade) -> UPGRADES.merge(upgrade.uri().getRawQuery(), 1, Integer::sum);
		}

	}

	private static HttpResponse<String> post(EdgeApp edge, String path, String json) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(management(edge, path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static URI management(EdgeApp edge, String path) {
		int port = Integer.parseInt(edge.context().getEnvironment().getProperty("local.management.port"));
		return URI.create("http://127.0.0.1:" + port + path);
	}

	private static UpstreamPool pool(EdgeApp edge, String route) {
		return edge.context().getBean(EdgeRoutes.class).find(route).pool();
	}

	private static PoolTarget target(UpstreamPool pool, TestUpstream upstream) {
		return pool.targets()
			.stream()
			.filter((target) -> target.uri().getPort() == upstream.port())
			.findFirst()
			.orElseThrow();
	}

	private static long count(TestUpstream upstream, String marker) {
		return upstream.sessions.stream().filter((session) -> session.uri.contains(marker)).count();
	}

	/** The upstream that got the one session with this marker, waiting for it to arrive. */
	private static TestUpstream upstreamOf(String marker) {
		String exact = "m=" + marker;
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			for (TestUpstream upstream : List.of(a, b, c)) {
				if (upstream.sessions.stream().anyMatch((session) -> session.uri.endsWith(exact))) {
					return upstream;
				}
			}
			sleep();
		}
		throw new AssertionError("No upstream got " + marker);
	}

	private static void await(BooleanSupplier condition, String what) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Timed out waiting for " + what);
			}
			sleep();
		}
	}

	private static void sleep() {
		try {
			Thread.sleep(10);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
