package io.wsedge.metrics;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.api.FrameType;
import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.RawClient;
import io.wsedge.testsupport.SilentServer;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code wsedge.*} meters end to end: traffic through a real edge into a real {@link SimpleMeterRegistry},
 * each meter checked by name and tags.
 */
class MetricsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static TestUpstream upstream;

	private static SilentServer silent;

	private static EdgeApp edge;

	private static MeterRegistry registry;

	@BeforeAll
	static void start() throws Exception {
		upstream = TestUpstream.start();
		silent = new SilentServer();
		Map<String, String> properties = new LinkedHashMap<>();
		route(properties, 0, "echo", "/ws/echo", upstream.uri("/echo").toString());
		route(properties, 1, "commands", "/ws/commands", upstream.uri("/commands").toString());
		route(properties, 2, "small", "/ws/small", upstream.uri("/echo").toString());
		properties.put("wsedge.routes[2].limits.max-payload-size", "1KB");
		// Frames may be larger, so that the edge's message limit (not the frame decoder) refuses the message.
		properties.put("wsedge.routes[2].limits.max-frame-size", "64KB");
		route(properties, 3, "dead", "/ws/dead", "ws://127.0.0.1:" + SilentServer.closedPort() + "/x");
		route(properties, 4, "hang", "/ws/hang", "ws://127.0.0.1:" + silent.port() + "/x");
		properties.put("wsedge.routes[4].limits.connect-timeout", "300ms");
		route(properties, 5, "forbidden", "/ws/forbidden", upstream.uri("/forbidden").toString());
		route(properties, 6, "limited", "/ws/limited", upstream.uri("/echo").toString());
		properties.put("wsedge.routes[6].limits.messages-per-second", "1");
		properties.put("wsedge.routes[6].limits.message-burst", "1");
		properties.put("wsedge.routes[6].limits.rate-limit-action", "drop");
		route(properties, 7, "rate-closed", "/ws/rate-closed", upstream.uri("/echo").toString());
		properties.put("wsedge.routes[7].limits.messages-per-second", "1");
		properties.put("wsedge.routes[7].limits.message-burst", "1");
		properties.put("wsedge.routes[7].limits.rate-limit-action", "close");
		route(properties, 8, "frames", "/ws/frames", upstream.uri("/echo").toString());
		properties.put("wsedge.routes[8].limits.max-frame-size", "1KB");
		edge = EdgeApp.start(properties, MetricsConfiguration.class);
		registry = edge.context().getBean(MeterRegistry.class);
	}

	private static void route(Map<String, String> properties, int index, String id, String path, String uri) {
		properties.put("wsedge.routes[" + index + "].id", id);
		properties.put("wsedge.routes[" + index + "].path", path);
		properties.put("wsedge.routes[" + index + "].upstream", uri);
	}

	@AfterAll
	static void stop() throws Exception {
		edge.close();
		upstream.close();
		silent.close();
	}

	@Test
	void edgeRecordsIntoTheApplicationsRegistry() {
		assertThat(registry).isSameAs(edge.context().getBean(MetricsConfiguration.class).registry);
		assertThat(registry.find(MicrometerEdgeMetrics.MESSAGES).tag("route", "echo").counters()).hasSize(10);
	}

	@Test
	void sessionOnEchoMovesSessionHandshakeConnectMessageByteAndCloseMeters() {
		double handshakes = counter(MicrometerEdgeMetrics.HANDSHAKES, "route", "echo", "outcome", "accepted", "status",
				"101");
		long connects = timerCount(MicrometerEdgeMetrics.UPSTREAM_CONNECT, "route", "echo", "outcome", "success");
		long sessions = timerCount(MicrometerEdgeMetrics.SESSIONS_DURATION, "route", "echo");
		double closes = counter(MicrometerEdgeMetrics.CLOSES, "route", "echo", "side", "client", "code", "1000");
		Map<String, Double> messages = new LinkedHashMap<>();
		Map<String, Double> bytes = new LinkedHashMap<>();
		for (String direction : new String[] { "client", "upstream" }) {
			for (FrameType type : FrameType.values()) {
				String key = direction + "/" + type.name().toLowerCase();
				messages.put(key, traffic(MicrometerEdgeMetrics.MESSAGES, "echo", direction, type));
				bytes.put(key, traffic(MicrometerEdgeMetrics.BYTES, "echo", direction, type));
			}
		}

		TestClient client = TestClient.connect(edge.ws("/ws/echo"));
		awaitGauge("echo", 1);
		client.send("hello");
		assertThat(client.nextText()).isEqualTo("hello");
		client.send(new byte[300]);
		assertThat((byte[]) client.next()).hasSize(300);
		client.close(1000, "done");
		assertThat(client.awaitClose(TIMEOUT).code()).isEqualTo(1000);
		edge.awaitNoSessions();

		awaitGauge("echo", 0);
		assertThat(counter(MicrometerEdgeMetrics.HANDSHAKES, "route", "echo", "outcome", "accepted", "status", "101"))
			.isEqualTo(handshakes + 1);
		assertThat(timerCount(MicrometerEdgeMetrics.UPSTREAM_CONNECT, "route", "echo", "outcome", "success"))
			.isEqualTo(connects + 1);
		assertThat(timerCount(MicrometerEdgeMetrics.SESSIONS_DURATION, "route", "echo")).isEqualTo(sessions + 1);
		assertThat(counter(MicrometerEdgeMetrics.CLOSES, "route", "echo", "side", "client", "code", "1000"))
			.isEqualTo(closes + 1);
		assertMoved(messages, MicrometerEdgeMetrics.MESSAGES, "client/text", 1);
		assertMoved(bytes, MicrometerEdgeMetrics.BYTES, "client/text", 5);
		assertMoved(messages, MicrometerEdgeMetrics.MESSAGES, "client/binary", 1);
		assertMoved(bytes, MicrometerEdgeMetrics.BYTES, "client/binary", 300);
		assertMoved(messages, MicrometerEdgeMetrics.MESSAGES, "upstream/text", 1);
		assertMoved(bytes, MicrometerEdgeMetrics.BYTES, "upstream/text", 5);
		assertMoved(messages, MicrometerEdgeMetrics.MESSAGES, "upstream/binary", 1);
		assertMoved(bytes, MicrometerEdgeMetrics.BYTES, "upstream/binary", 300);
		// The client's close frame carries 2 bytes of code and 4 of reason; the upstream echoes it.
		assertMoved(messages, MicrometerEdgeMetrics.MESSAGES, "client/close", 1);
		assertMoved(bytes, MicrometerEdgeMetrics.BYTES, "client/close", 6);
		assertMoved(messages, MicrometerEdgeMetrics.MESSAGES, "upstream/close", 1);
	}

	@Test
	void pingAndPongFromTheClientAreCountedAsControlFrames() throws Exception {
		double pings = traffic(MicrometerEdgeMetrics.MESSAGES, "echo", "client", FrameType.PING);
		double pingBytes = traffic(MicrometerEdgeMetrics.BYTES, "echo", "client", FrameType.PING);
		double pongs = traffic(MicrometerEdgeMetrics.MESSAGES, "echo", "client", FrameType.PONG);
		TestClient client = TestClient.connect(edge.ws("/ws/echo"));
		client.socket().sendPing(ByteBuffer.wrap(new byte[] { 1, 2, 3 })).get(10, TimeUnit.SECONDS);
		client.socket().sendPong(ByteBuffer.wrap(new byte[] { 4 })).get(10, TimeUnit.SECONDS);
		// A text message after them, echoed, proves the edge has handled both control frames.
		client.send("after");
		assertThat(client.nextText()).isEqualTo("after");
		assertThat(traffic(MicrometerEdgeMetrics.MESSAGES, "echo", "client", FrameType.PING)).isEqualTo(pings + 1);
		assertThat(traffic(MicrometerEdgeMetrics.BYTES, "echo", "client", FrameType.PING)).isEqualTo(pingBytes + 3);
		// The upstream echoes the ping, and the client answers the echo with a pong of its own.
		assertThat(traffic(MicrometerEdgeMetrics.MESSAGES, "echo", "client", FrameType.PONG))
			.isGreaterThanOrEqualTo(pongs + 1);
		client.close(1000, "");
		edge.awaitNoSessions();
	}

	@Test
	void upstreamThatClosesFirstIsCountedWithItsCode() {
		double closes = counter(MicrometerEdgeMetrics.CLOSES, "route", "commands", "side", "upstream", "code", "4xxx");
		TestClient client = TestClient.connect(edge.ws("/ws/commands"));
		client.send("close 4001 bye");
		assertThat(client.awaitClose(TIMEOUT).code()).isEqualTo(4001);
		edge.awaitNoSessions();
		assertThat(counter(MicrometerEdgeMetrics.CLOSES, "route", "commands", "side", "upstream", "code", "4xxx"))
			.isEqualTo(closes + 1);
	}

	@Test
	void messageOverTheLimitCountsAViolationAndAnEdgeClose() {
		double violations = counter(MicrometerEdgeMetrics.POLICY_VIOLATIONS, "route", "small", "policy",
				"payload-too-big");
		double closes = counter(MicrometerEdgeMetrics.CLOSES, "route", "small", "side", "edge", "code", "1009");
		TestClient client = TestClient.connect(edge.ws("/ws/small"));
		client.send("x".repeat(2048));
		assertThat(client.awaitClose(TIMEOUT).code()).isEqualTo(1009);
		edge.awaitNoSessions();
		assertThat(counter(MicrometerEdgeMetrics.POLICY_VIOLATIONS, "route", "small", "policy", "payload-too-big"))
			.isEqualTo(violations + 1);
		assertThat(counter(MicrometerEdgeMetrics.CLOSES, "route", "small", "side", "edge", "code", "1009"))
			.isEqualTo(closes + 1);
	}

	@Test
	void messageDroppedByAnInterceptorIsCountedAndInterceptorsAreTimed() {
		double dropped = counter(MicrometerEdgeMetrics.MESSAGES_DROPPED, "route", "echo", "direction", "client",
				"reason", "interceptor");
		long runs = timerCount(MicrometerEdgeMetrics.INTERCEPTOR_DURATION, "interceptor", "dropper");
		TestClient client = TestClient.connect(edge.ws("/ws/echo"));
		client.send("drop me");
		client.send("keep me");
		assertThat(client.nextText()).isEqualTo("keep me");
		assertThat(counter(MicrometerEdgeMetrics.MESSAGES_DROPPED, "route", "echo", "direction", "client", "reason",
				"interceptor"))
			.isEqualTo(dropped + 1);
		// Both messages ran through the interceptor; the dropped one was not relayed to the upstream.
		assertThat(timerCount(MicrometerEdgeMetrics.INTERCEPTOR_DURATION, "interceptor", "dropper"))
			.isGreaterThanOrEqualTo(runs + 2);
		client.close(1000, "");
		edge.awaitNoSessions();
	}

	@Test
	void rateLimitCountsEachDroppedMessageAndOneViolationPerEpisode() {
		double droppedBefore = counter(MicrometerEdgeMetrics.MESSAGES_DROPPED, "route", "limited", "direction",
				"client", "reason", "rate-limit");
		double violationsBefore = counter(MicrometerEdgeMetrics.POLICY_VIOLATIONS, "route", "limited", "policy",
				"rate-limit");
		TestClient client = TestClient.connect(edge.ws("/ws/limited"));
		// A burst of one at one message a second: the first passes, the next two are dropped (one episode).
		client.send("one");
		client.send("two");
		client.send("three");
		assertThat(client.nextText()).isEqualTo("one");
		// Probes until one passes again, which ends the episode; the probes dropped meanwhile belong to it.
		int[] probes = new int[1];
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
			client.send("probe " + probes[0]++);
			return client.messages.poll() != null;
		});
		// Right after the probe that passed, the bucket is empty: a second episode.
		client.send("four");
		client.send("five");
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(counter(MicrometerEdgeMetrics.MESSAGES_DROPPED, "route", "limited",
					"direction", "client", "reason", "rate-limit"))
				.isEqualTo(droppedBefore + 2 + (probes[0] - 1) + 2));
		assertThat(counter(MicrometerEdgeMetrics.POLICY_VIOLATIONS, "route", "limited", "policy", "rate-limit"))
			.isEqualTo(violationsBefore + 2);
		client.close(1000, "");
		edge.awaitNoSessions();
	}

	@Test
	void frameOverTheFrameLimitCountsAViolationAndAnEdgeClose() {
		double violations = counter(MicrometerEdgeMetrics.POLICY_VIOLATIONS, "route", "frames", "policy",
				"payload-too-big");
		TestClient client = TestClient.connect(edge.ws("/ws/frames"));
		// One frame of 2 KB: refused by the frame decoder, before any message limit.
		client.send("x".repeat(2048));
		assertThat(client.awaitClose(TIMEOUT).code()).isEqualTo(1009);
		edge.awaitNoSessions();
		assertThat(counter(MicrometerEdgeMetrics.POLICY_VIOLATIONS, "route", "frames", "policy", "payload-too-big"))
			.isEqualTo(violations + 1);
		assertThat(counter(MicrometerEdgeMetrics.CLOSES, "route", "frames", "side", "edge", "code", "1009"))
			.isEqualTo(1);
		assertThat(registry.find(MicrometerEdgeMetrics.CLOSES).tags("route", "frames", "side", "client").counters())
			.isEmpty();
	}

	@Test
	void floodOverTheRateLimitIsOneViolationForTheOneClose() throws Exception {
		double violations = counter(MicrometerEdgeMetrics.POLICY_VIOLATIONS, "route", "rate-closed", "policy",
				"rate-limit");
		try (RawClient client = RawClient.connect(edge.port(), "/ws/rate-closed", 0)) {
			assertThat(client.status()).isEqualTo(101);
			// Thirty messages in one write: the edge reads most of them after the second one has closed the session.
			ByteArrayOutputStream flood = new ByteArrayOutputStream();
			for (int i = 0; i < 30; i++) {
				flood.write(RawClient.frame(true, 0x1, ("message " + i).getBytes(StandardCharsets.UTF_8), true));
			}
			client.sendRaw(flood.toByteArray());
			assertThat(client.readUntilClose().closeCode()).isEqualTo(1008);
		}
		edge.awaitNoSessions();
		assertThat(counter(MicrometerEdgeMetrics.POLICY_VIOLATIONS, "route", "rate-closed", "policy", "rate-limit"))
			.isEqualTo(violations + 1);
	}

	@Test
	void interceptorThatThrowsCountsAnErrorAViolationAndAnEdgeClose() {
		double errors = counter(MicrometerEdgeMetrics.INTERCEPTOR_ERRORS, "interceptor", "exploder");
		double violations = counter(MicrometerEdgeMetrics.POLICY_VIOLATIONS, "route", "echo", "policy",
				"interceptor-error");
		double closes = counter(MicrometerEdgeMetrics.CLOSES, "route", "echo", "side", "edge", "code", "1011");
		TestClient client = TestClient.connect(edge.ws("/ws/echo"));
		client.send("boom");
		assertThat(client.awaitClose(TIMEOUT).code()).isEqualTo(1011);
		edge.awaitNoSessions();
		assertThat(counter(MicrometerEdgeMetrics.INTERCEPTOR_ERRORS, "interceptor", "exploder")).isEqualTo(errors + 1);
		assertThat(counter(MicrometerEdgeMetrics.POLICY_VIOLATIONS, "route", "echo", "policy", "interceptor-error"))
			.isEqualTo(violations + 1);
		assertThat(counter(MicrometerEdgeMetrics.CLOSES, "route", "echo", "side", "edge", "code", "1011"))
			.isEqualTo(closes + 1);
	}

	@Test
	void upgradeOnARouteIsNotAnHttpServerRequestObservationButAPlainRequestIs() throws Exception {
		long plain = timerCount("http.server.requests", "status", "426");
		long all = requests();

		TestClient client = TestClient.connect(edge.ws("/ws/echo"));
		client.send("hello");
		assertThat(client.nextText()).isEqualTo("hello");
		client.close(1000, "done");
		assertThat(client.awaitClose(TIMEOUT).code()).isEqualTo(1000);
		edge.awaitNoSessions();
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/ws/echo")).timeout(TIMEOUT).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(426);

		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(timerCount("http.server.requests", "status", "426")).isEqualTo(plain + 1));
		// Only the plain request: WebFlux would have recorded the upgrade too, with the status 200 it leaves.
		assertThat(requests()).isEqualTo(all + 1);
	}

	@Test
	void refusedUpgradesAreCountedWithTheirStatusAndConnectOutcome() {
		assertThat(TestClient.refusedStatus(edge.ws("/ws/dead"))).isEqualTo(502);
		assertThat(TestClient.refusedStatus(edge.ws("/ws/hang"))).isEqualTo(504);
		assertThat(TestClient.refusedStatus(edge.ws("/ws/forbidden"))).isEqualTo(403);
		assertThat(counter(MicrometerEdgeMetrics.HANDSHAKES, "route", "dead", "outcome", "rejected", "status", "502"))
			.isEqualTo(1);
		assertThat(counter(MicrometerEdgeMetrics.HANDSHAKES, "route", "hang", "outcome", "rejected", "status", "504"))
			.isEqualTo(1);
		assertThat(counter(MicrometerEdgeMetrics.HANDSHAKES, "route", "forbidden", "outcome", "rejected", "status",
				"403"))
			.isEqualTo(1);
		assertThat(timerCount(MicrometerEdgeMetrics.UPSTREAM_CONNECT, "route", "dead", "outcome", "unreachable"))
			.isEqualTo(1);
		Timer timeout = registry.find(MicrometerEdgeMetrics.UPSTREAM_CONNECT)
			.tags("route", "hang", "outcome", "timeout")
			.timer();
		assertThat(timeout).isNotNull();
		assertThat(timeout.count()).isEqualTo(1);
		assertThat(timeout.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(250);
		assertThat(timerCount(MicrometerEdgeMetrics.UPSTREAM_CONNECT, "route", "forbidden", "outcome", "refused"))
			.isEqualTo(1);
		// Nothing was opened on these routes.
		assertThat(timerCount(MicrometerEdgeMetrics.SESSIONS_DURATION, "route", "dead")).isZero();
		// The wsedge.upstream.connect observation's own timer (with an error tag) stays out: one meter, as documented.
		assertThat(registry.find(MicrometerEdgeMetrics.UPSTREAM_CONNECT).meters()).isNotEmpty()
			.allSatisfy((meter) -> assertThat(meter.getId().getTags()).extracting(Tag::getKey)
				.containsExactlyInAnyOrder("route", "outcome"));
		assertThat(registry.find(MicrometerEdgeMetrics.UPSTREAM_CONNECT + ".active").meters()).isEmpty();
		// The upgrade's observation is timed by Boot's meter handler, with its refusing step.
		assertThat(timerCount("wsedge.upgrade", "route", "dead", "outcome", "refused", "status", "502", "refused.by",
				"upstream"))
			.isEqualTo(1);
	}

	private static void assertMoved(Map<String, Double> before, String name, String key, double by) {
		String[] parts = key.split("/");
		double now = traffic(name, "echo", parts[0], FrameType.valueOf(parts[1].toUpperCase()));
		assertThat(now).as(name + " " + key).isEqualTo(before.get(key) + by);
	}

	private static double traffic(String name, String route, String direction, FrameType type) {
		return counter(name, "route", route, "direction", direction, "type", type.name().toLowerCase());
	}

	private static double counter(String name, String... tags) {
		Counter counter = registry.find(name).tags(tags).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static long requests() {
		return registry.find("http.server.requests").timers().stream().mapToLong(Timer::count).sum();
	}

	private static long timerCount(String name, String... tags) {
		Timer timer = registry.find(name).tags(tags).timer();
		return (timer != null) ? timer.count() : 0;
	}

	private static void awaitGauge(String route, double value) {
		await().atMost(TIMEOUT).untilAsserted(() -> {
			Gauge gauge = registry.find(MicrometerEdgeMetrics.SESSIONS_ACTIVE).tag("route", route).gauge();
			assertThat(gauge).isNotNull();
			assertThat(gauge.value()).isEqualTo(value);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class MetricsConfiguration {

		final SimpleMeterRegistry registry = new SimpleMeterRegistry();

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return this.registry;
		}

		@Bean
		ClientFrameInterceptor dropper() {
			return (frame) -> {
				if (frame.type() == FrameType.TEXT && frame.text().equals("drop me")) {
					frame.drop();
				}
			};
		}

		@Bean
		ClientFrameInterceptor exploder() {
			return (frame) -> {
				if (frame.type() == FrameType.TEXT && frame.text().equals("boom")) {
					throw new IllegalStateException("boom");
				}
			};
		}

	}

}
