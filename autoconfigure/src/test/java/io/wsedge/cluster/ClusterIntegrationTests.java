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
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.wsedge.api.EdgeMessenger;
import io.wsedge.api.OutboundMessage;
import io.wsedge.engine.ProxySession;
import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.EdgeProcess;
import io.wsedge.testsupport.JwtTestSecurity;
import io.wsedge.testsupport.RedisServer;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestClient.Close;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three edge instances in one JVM, one cluster on a Redis server of this class's own: the connection caps, the
 * principals' message rate, the session registry and sending to sessions hold across the instances, and an
 * instance that dies frees its places within the lease time. The third instance runs on the servlet stack.
 */
class ClusterIntegrationTests {

	private static final Duration LEASE = Duration.ofSeconds(2);

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static RedisServer redis;

	private static TestUpstream upstream;

	private static final List<EdgeApp> edges = new ArrayList<>();

	@BeforeAll
	static void start() {
		redis = RedisServer.start();
		upstream = TestUpstream.start();
		edges.add(edge("a", Stack.REACTIVE, Map.of()));
		edges.add(edge("b", Stack.REACTIVE, Map.of()));
		edges.add(edge("c", Stack.SERVLET, Map.of()));
	}

	static EdgeApp edge(String instance, Stack stack, Map<String, String> extra) {
		Map<String, String> p = new LinkedHashMap<>();
		p.put("spring.data.redis.host", "127.0.0.1");
		p.put("spring.data.redis.port", Integer.toString(redis.port()));
		p.put("wsedge.cluster.enabled", "true");
		p.put("wsedge.cluster.instance-id", instance);
		p.put("wsedge.cluster.lease-time", LEASE.toMillis() + "ms");
		// Generous for loaded CI machines: a slow answer must not be taken for Redis being away here.
		p.put("wsedge.cluster.timeout", "2s");
		p.put("wsedge.cluster.token-batch", "2");
		p.put("wsedge.limits.ping-interval", "0s");
		p.put("management.server.port", "0");
		p.put("management.server.address", "127.0.0.1");
		p.put("management.endpoints.web.exposure.include", "health,wsedgesessions");
		p.put("management.endpoint.health.show-details", "always");
		route(p, 0, "clients", false);
		p.put("wsedge.routes[0].limits.max-connections-per-client", "5");
		route(p, 1, "principals", true);
		p.put("wsedge.routes[1].limits.max-connections-per-principal", "2");
		route(p, 2, "rated", true);
		p.put("wsedge.routes[2].limits.messages-per-second-per-principal", "10");
		p.put("wsedge.routes[2].limits.rate-limit-action", "drop");
		route(p, 3, "crash", false);
		p.put("wsedge.routes[3].limits.max-connections-per-client", "3");
		route(p, 4, "registry", true);
		p.putAll(extra);
		return EdgeApp.startSecured(stack, p, JwtTestSecurity.class);
	}

	private static void route(Map<String, String> properties, int index, String id, boolean auth) {
		String prefix = "wsedge.routes[" + index + "]";
		properties.put(prefix + ".id", id);
		properties.put(prefix + ".path", "/ws/" + id);
		properties.put(prefix + ".upstream", upstream.uri("/echo").toString());
		if (auth) {
			properties.put(prefix + ".auth.required", "true");
			properties.put(prefix + ".auth.query-parameter", "access_token");
		}
	}

	@AfterAll
	static void stop() {
		edges.forEach(EdgeApp::close);
		upstream.close();
		redis.close();
	}

	private static URI ws(EdgeApp edge, String route, String subject) {
		return edge.ws("/ws/" + route + ((subject != null) ? "?access_token=" + JwtTestSecurity.token(subject, null)
				: ""));
	}

	@Test
	void aClientsSixthSessionIsRefusedWith429OnAnyInstance() {
		List<TestClient> clients = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			clients.add(echoing(TestClient.connect(ws(edges.get(i % 3), "clients", null))));
		}
		MeterRegistry meters = edges.get(0).context().getBean(MeterRegistry.class);
		double refusedBefore = clientRefusals(meters);
		for (EdgeApp edge : edges) {
			assertThat(TestClient.refusedStatus(ws(edge, "clients", null))).isEqualTo(429);
		}
		// Refused by the cluster, not by an instance's own count (each holds at most 2): the meters say so.
		assertThat(clientRefusals(meters) - refusedBefore).isEqualTo(1);
		assertThat(meters.get("wsedge.cluster.round.trip").tag("operation", "admit").tag("outcome", "success")
			.timer().count()).isPositive();
		// A place given back on one instance is free on another.
		clients.remove(0).close(1000, "");
		TestClient again = awaitConnect(ws(edges.get(2), "clients", null));
		assertThat(TestClient.refusedStatus(ws(edges.get(1), "clients", null))).isEqualTo(429);
		clients.add(again);
		closeAll(clients);
	}

	private static double clientRefusals(MeterRegistry meters) {
		io.micrometer.core.instrument.Counter counter = meters.find("wsedge.cluster.refusals")
			.tag("kind", "client")
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	@Test
	void aPrincipalsThirdSessionIsRefusedWith429OnAnyInstance() {
		TestClient first = echoing(TestClient.connect(ws(edges.get(0), "principals", "erin")));
		TestClient second = echoing(TestClient.connect(ws(edges.get(2), "principals", "erin")));
		for (EdgeApp edge : edges) {
			assertThat(TestClient.refusedStatus(ws(edge, "principals", "erin"))).isEqualTo(429);
		}
		// Another principal has places of its own.
		TestClient other = echoing(TestClient.connect(ws(edges.get(1), "principals", "frank")));
		closeAll(List.of(first, second, other));
	}

	@Test
	void anInstanceKilledAbruptlyFreesItsPlacesWithinTheLeaseTime() throws Exception {
		// An edge in a JVM of its own, killed with SIGKILL: no drain, no release, no withdrawal from Redis.
		Map<String, String> p = new LinkedHashMap<>();
		p.put("spring.data.redis.host", "127.0.0.1");
		p.put("spring.data.redis.port", Integer.toString(redis.port()));
		p.put("wsedge.cluster.enabled", "true");
		p.put("wsedge.cluster.instance-id", "doomed");
		p.put("wsedge.cluster.lease-time", LEASE.toMillis() + "ms");
		p.put("wsedge.cluster.timeout", "2s");
		p.put("wsedge.limits.ping-interval", "0s");
		p.put("wsedge.routes[0].id", "crash");
		p.put("wsedge.routes[0].path", "/ws/crash");
		p.put("wsedge.routes[0].upstream", upstream.uri("/echo").toString());
		p.put("wsedge.routes[0].limits.max-connections-per-client", "3");
		List<TestClient> onDoomed = new ArrayList<>();
		try (EdgeProcess doomed = EdgeProcess.start("256m", p)) {
			URI doomedUri = URI.create("ws://127.0.0.1:" + doomed.port() + "/ws/crash");
			for (int i = 0; i < 3; i++) {
				onDoomed.add(echoing(TestClient.connect(doomedUri)));
			}
			assertThat(TestClient.refusedStatus(ws(edges.get(0), "crash", null))).isEqualTo(429);
			doomed.kill();
			long killed = System.nanoTime();
			// Still counted right after the crash: the lease runs.
			assertThat(TestClient.refusedStatus(ws(edges.get(1), "crash", null))).isEqualTo(429);
			TestClient admitted = awaitConnect(ws(edges.get(0), "crash", null), LEASE.plusSeconds(8));
			long freedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
			// Within the lease, with room for a loaded machine.
			assertThat(freedAfter).isLessThan(LEASE.toMillis() + 3000);
			// All three of the dead instance's places are free.
			List<TestClient> more = new ArrayList<>(List.of(echoing(admitted)));
			more.add(echoing(TestClient.connect(ws(edges.get(1), "crash", null))));
			more.add(echoing(TestClient.connect(ws(edges.get(2), "crash", null))));
			assertThat(TestClient.refusedStatus(ws(edges.get(0), "crash", null))).isEqualTo(429);
			closeAll(more);
			// Nothing of the dead instance is left in Redis: not its entry in any cap, nor its registry.
			ReactiveStringRedisTemplate redisTemplate = new ReactiveStringRedisTemplate(
					edges.get(0).context().getBean(ReactiveRedisConnectionFactory.class));
			assertThat(redisTemplate.hasKey("{wsedge}:keys:doomed").block()).isFalse();
			assertThat(redisTemplate.hasKey("{wsedge}:sessions:doomed").block()).isFalse();
			assertThat(redisTemplate.opsForHash().hasKey("{wsedge}:q:client:crash:127.0.0.1", "doomed").block())
				.isFalse();
		}
	}

	@Test
	void aPrincipalsMessagesAcrossInstancesStayWithinTheClusterRate() throws Exception {
		List<TestClient> sessions = new ArrayList<>();
		for (EdgeApp edge : edges) {
			sessions.add(echoing(TestClient.connect(ws(edge, "rated", "gina"))));
		}
		// Each session sends as fast as it can for two seconds; over-rate messages are dropped.
		long started = System.nanoTime();
		int sent = 0;
		while (System.nanoTime() - started < Duration.ofSeconds(2).toNanos()) {
			for (TestClient session : sessions) {
				session.send("m");
				sent++;
			}
			Thread.sleep(2);
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		int echoed = 0;
		for (TestClient session : sessions) {
			while (session.messages.poll(500, TimeUnit.MILLISECONDS) != null) {
				echoed++;
			}
		}
		// The documented bound: the bucket's size (10) plus the rate times the time, nothing per instance on
		// top once each instance has its first batch; before that (a millisecond or so), an instance's own
		// rate holds (a burst of 10 each).
		double bound = 10 + 10 * seconds + 3 * 10;
		assertThat(sent).isGreaterThan(300);
		assertThat(echoed).isBetween(10, (int) Math.ceil(bound));
		// Far below what three instances with their own rates would let through (3 x (10 + 10 x t)).
		closeAll(sessions);
	}

	@Test
	void anInstanceListsAndClosesASessionItDoesNotHold() throws Exception {
		TestClient client = echoing(TestClient.connect(ws(edges.get(0), "registry", "hank")));
		String id = edges.get(0).engine().sessions().stream()
			.filter((session) -> session.routeId().equals("registry"))
			.map(ProxySession::id)
			.findFirst()
			.orElseThrow();
		// The registry is written as the session opens, without waiting; the listing may need a moment.
		DocumentContext listed = awaitListed(edges.get(2), "/actuator/wsedgesessions?principal=hank", 1);
		assertThat(listed.read("$.sessions[0].id", String.class)).isEqualTo(id);
		assertThat(listed.read("$.sessions[0].instance", String.class)).isEqualTo("a");
		assertThat(listed.read("$.sessions[0].route", String.class)).isEqualTo("registry");
		assertThat(listed.read("$.sessions[0].clientAddress", String.class)).isEqualTo("127.0.0.1");
		assertThat(listed.read("$.complete", Boolean.class)).isTrue();
		assertThat(request(edges.get(1), "GET", "/actuator/wsedgesessions/" + id).statusCode()).isEqualTo(200);
		// Paged: one a page.
		TestClient second = echoing(TestClient.connect(ws(edges.get(1), "registry", "hank")));
		DocumentContext page = awaitListed(edges.get(2), "/actuator/wsedgesessions?principal=hank&size=1&page=1", 2);
		assertThat(page.read("$.sessions.length()", Integer.class)).isEqualTo(1);
		assertThat(page.read("$.sessions[0].instance", String.class)).isEqualTo("b");

		HttpResponse<String> closed = request(edges.get(2), "DELETE",
				"/actuator/wsedgesessions/" + id + "?code=4001&reason=moved");
		assertThat(closed.statusCode()).isEqualTo(204);
		assertThat(client.awaitClose(Duration.ofSeconds(10))).isEqualTo(new Close(4001, "moved"));
		assertThat(request(edges.get(2), "DELETE", "/actuator/wsedgesessions/nosuchsession").statusCode())
			.isEqualTo(404);
		// Every session of a route, wherever it is.
		HttpResponse<String> route = request(edges.get(0), "DELETE",
				"/actuator/wsedgesessions?route=registry&code=4002&reason=route%20closed");
		assertThat(route.statusCode()).isEqualTo(200);
		assertThat(JsonPath.parse(route.body()).read("$.closed", Integer.class)).isEqualTo(1);
		assertThat(second.awaitClose(Duration.ofSeconds(10))).isEqualTo(new Close(4002, "route closed"));
		closeAll(List.of());
	}

	@Test
	void aMessageReachesASessionAPrincipalAndARouteAcrossInstances() throws Exception {
		TestClient ivyOnA = echoing(TestClient.connect(ws(edges.get(0), "registry", "ivy")));
		TestClient ivyOnC = echoing(TestClient.connect(ws(edges.get(2), "registry", "ivy")));
		TestClient jackOnB = echoing(TestClient.connect(ws(edges.get(1), "registry", "jack")));
		String ivyOnAId = edges.get(0).engine().sessions().stream()
			.filter((session) -> session.principal().map((p) -> p.getName().equals("ivy")).orElse(false))
			.map(ProxySession::id)
			.findFirst()
			.orElseThrow();
		EdgeMessenger fromB = edges.get(1).context().getBean(EdgeMessenger.class);

		assertThat(fromB.sendToSession(ivyOnAId, OutboundMessage.text("to one")).toCompletableFuture()
			.get(10, TimeUnit.SECONDS)).isEqualTo(1);
		assertThat(ivyOnA.nextText()).isEqualTo("to one");

		assertThat(fromB.sendToPrincipal("ivy", OutboundMessage.binary(new byte[] { 1, 2, 3 })).toCompletableFuture()
			.get(10, TimeUnit.SECONDS)).isEqualTo(2);
		assertThat((byte[]) ivyOnA.next()).containsExactly(1, 2, 3);
		assertThat((byte[]) ivyOnC.next()).containsExactly(1, 2, 3);

		// Through the actuator of an instance that holds none of them.
		HttpResponse<String> sent = request(edges.get(0), "POST", "/actuator/wsedgesessions",
				"{\"route\":\"registry\",\"text\":\"to all\"}");
		assertThat(sent.statusCode()).isEqualTo(200);
		assertThat(JsonPath.parse(sent.body()).read("$.sent", Integer.class)).isGreaterThanOrEqualTo(3);
		assertThat(ivyOnA.nextText()).isEqualTo("to all");
		assertThat(ivyOnC.nextText()).isEqualTo("to all");
		assertThat(jackOnB.nextText()).isEqualTo("to all");
		assertThat(fromB.sendToSession("nosuchsession", OutboundMessage.text("lost")).toCompletableFuture()
			.get(10, TimeUnit.SECONDS)).isZero();
		// The sessions still relay as before.
		jackOnB.send("still here");
		assertThat(jackOnB.nextText()).isEqualTo("still here");
		closeAll(List.of(ivyOnA, ivyOnC, jackOnB));
	}

	private static DocumentContext awaitListed(EdgeApp edge, String path, int total) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (true) {
			HttpResponse<String> response = request(edge, "GET", path);
			assertThat(response.statusCode()).isEqualTo(200);
			DocumentContext json = JsonPath.parse(response.body());
			if (json.read("$.total", Integer.class) == total) {
				return json;
			}
			assertThat(System.nanoTime()).as("listing %s: %s", path, response.body()).isLessThan(deadline);
			Thread.sleep(50);
		}
	}

	/** A connected client whose session echoes: the session is open on both legs. */
	private static TestClient echoing(TestClient client) {
		client.send("ping");
		assertThat(client.nextText()).isEqualTo("ping");
		return client;
	}

	static TestClient awaitConnect(URI uri) {
		return awaitConnect(uri, Duration.ofSeconds(10));
	}

	/** Connects once a place is given back, which follows a close, or a lease's end, by a little. */
	static TestClient awaitConnect(URI uri, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			try {
				return TestClient.connect(uri);
			}
			catch (IllegalStateException refused) {
				if (System.nanoTime() > deadline) {
					throw refused;
				}
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw refused;
				}
			}
		}
	}

	static void closeAll(List<TestClient> clients) {
		for (TestClient client : clients) {
			client.close(1000, "");
		}
		for (TestClient client : clients) {
			client.awaitClose(Duration.ofSeconds(10));
		}
		for (EdgeApp edge : edges) {
			edge.awaitNoSessions();
		}
	}

	static HttpResponse<String> request(EdgeApp edge, String method, String path) {
		return request(edge, method, path, null);
	}

	static HttpResponse<String> request(EdgeApp edge, String method, String path, String json) {
		int port = Integer.parseInt(edge.context().getEnvironment().getProperty("local.management.port"));
		try {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.timeout(Duration.ofSeconds(10));
			if (json != null) {
				request.header("Content-Type", "application/json")
					.method(method, HttpRequest.BodyPublishers.ofString(json));
			}
			else {
				request.method(method, HttpRequest.BodyPublishers.noBody());
			}
			return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
