package io.wsedge.engine;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.SilentServer;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestClient.Close;
import io.wsedge.testsupport.TestUpstream;
import io.wsedge.testsupport.TestUpstream.Received;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy end to end: the JDK's WebSocket client, a real edge on a free port, and a real upstream server,
 * on each server stack.
 */
@ParameterizedClass
@EnumSource(Stack.class)
class ProxyIntegrationTests {

	@Parameter
	private Stack stack;

	private static TestUpstream upstream;

	private static TestUpstream secureUpstream;

	private static SilentServer silent;

	private static EdgeApp edge;

	@BeforeParameterizedClassInvocation
	static void start(Stack stack) throws Exception {
		upstream = TestUpstream.start();
		secureUpstream = TestUpstream.startSecure();
		silent = new SilentServer();
		Map<String, String> properties = new LinkedHashMap<>();
		route(properties, 0, "echo", "/ws/echo", upstream.uri("/echo?from=route").toString());
		route(properties, 1, "proto", "/ws/proto", upstream.uri("/proto").toString());
		route(properties, 2, "forbidden", "/ws/forbidden", upstream.uri("/forbidden").toString());
		route(properties, 3, "dead", "/ws/dead", "ws://127.0.0.1:" + SilentServer.closedPort() + "/x");
		route(properties, 4, "hang", "/ws/hang", "ws://127.0.0.1:" + silent.port() + "/x");
		properties.put("wsedge.routes[4].limits.connect-timeout", "500ms");
		route(properties, 5, "commands", "/ws/commands/**", upstream.uri("/commands").toString());
		route(properties, 6, "tls-default", "/ws/tls/default", secureUpstream.uri("/echo").toString());
		route(properties, 7, "tls-trusted", "/ws/tls/trusted", secureUpstream.uri("/echo").toString());
		properties.put("wsedge.routes[7].ssl-bundle", "upstream");
		route(properties, 8, "large", "/ws/large", upstream.uri("/echo").toString());
		properties.put("wsedge.routes[8].limits.max-payload-size", "8MB");
		properties.put("spring.ssl.bundle.jks.upstream.truststore.location", "classpath:test-upstream-truststore.p12");
		properties.put("spring.ssl.bundle.jks.upstream.truststore.password", "changeit");
		properties.put("spring.ssl.bundle.jks.upstream.truststore.type", "PKCS12");
		edge = EdgeApp.start(stack, properties);
	}

	private static void route(Map<String, String> properties, int index, String id, String path, String uri) {
		properties.put("wsedge.routes[" + index + "].id", id);
		properties.put("wsedge.routes[" + index + "].path", path);
		properties.put("wsedge.routes[" + index + "].upstream", uri);
	}

	@AfterParameterizedClassInvocation
	static void stop() throws Exception {
		edge.close();
		upstream.close();
		secureUpstream.close();
		silent.close();
	}

	@Test
	void textBinaryEmptyAndOneMebibyteMessagesComeBackIntact() {
		TestClient client = TestClient.connect(edge.ws("/ws/echo"));
		client.send("hello, edge");
		assertThat(client.nextText()).isEqualTo("hello, edge");
		byte[] binary = new byte[300];
		ThreadLocalRandom.current().nextBytes(binary);
		client.send(binary);
		assertThat((byte[]) client.next()).isEqualTo(binary);
		client.send("");
		assertThat(client.nextText()).isEmpty();
		client.send(new byte[0]);
		assertThat((byte[]) client.next()).isEmpty();
		byte[] large = new byte[1024 * 1024];
		ThreadLocalRandom.current().nextBytes(large);
		client.send(large);
		assertThat((byte[]) client.next()).isEqualTo(large);
		client.close(1000, "done");
		assertThat(client.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1000);
	}

	@Test
	void fragmentedMessageLargerThanTheBufferLimitStreamsThroughBothWays() {
		// The JDK client sends it in 8 KiB fragments and the upstream echoes them as they come; with no
		// interceptor they stream through, so the 4 MB max-buffered-bytes is about a slow peer, not the message.
		TestClient client = TestClient.connect(edge.ws("/ws/large"));
		byte[] large = new byte[5 * 1024 * 1024];
		ThreadLocalRandom.current().nextBytes(large);
		client.send(large);
		assertThat((byte[]) client.next()).isEqualTo(large);
		client.close(1000, "done");
		assertThat(client.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1000);
		awaitNoSessions();
	}

	@Test
	void messageSentInFiveFragmentsArrivesWholeAtTheUpstream() {
		TestClient client = TestClient.connect(edge.ws("/ws/echo?t=fragments"));
		String[] parts = { "one-", "two-", "three-", "four-", "five" };
		for (int i = 0; i < parts.length; i++) {
			client.sendFragment(parts[i], i == parts.length - 1);
		}
		Received received = upstream.session("t=fragments").nextMessage();
		assertThat(received.asText()).isEqualTo("one-two-three-four-five");
		// An unchanged message keeps its fragmentation across the edge.
		assertThat(received.frames()).isEqualTo(5);
		assertThat(client.nextText()).isEqualTo("one-two-three-four-five");
		client.close(1000, "");
	}

	@Test
	void tenThousandNumberedMessagesArriveInOrderNoneLost() {
		TestClient client = TestClient.connect(edge.ws("/ws/echo"));
		int count = 10_000;
		for (int i = 0; i < count; i++) {
			client.send("message " + i);
		}
		for (int i = 0; i < count; i++) {
			assertThat(client.nextText()).isEqualTo("message " + i);
		}
		assertThat(client.messages).isEmpty();
		client.close(1000, "");
	}

	@Test
	void clientGetsTheSubprotocolTheUpstreamChose() {
		TestClient client = TestClient.connect(edge.ws("/ws/proto"), Map.of(), "chat.v1", "chat.v2");
		assertThat(client.subprotocol()).isEqualTo("chat.v2");
		client.send("hi");
		assertThat(client.nextText()).isEqualTo("hi");
		client.close(1000, "");
	}

	@Test
	void upstreamThatPicksNoSubprotocolStillConnects() {
		TestClient client = TestClient.connect(edge.ws("/ws/echo"), Map.of(), "chat.v1");
		assertThat(client.subprotocol()).isEmpty();
		client.send("hi");
		assertThat(client.nextText()).isEqualTo("hi");
		client.close(1000, "");
	}

	@Test
	void clientOfferReachesTheUpstreamUnchanged() {
		TestClient client = TestClient.connect(edge.ws("/ws/echo?t=offer"), Map.of(), "b.v1", "a.v2");
		HttpHeaders headers = upstream.session("t=offer").headers;
		assertThat(headers.getAll("Sec-WebSocket-Protocol")).containsExactly("b.v1, a.v2");
		client.close(1000, "");
	}

	@Test
	void upstreamRefusalStatusReachesTheClient() {
		assertThat(TestClient.refusedStatus(edge.ws("/ws/forbidden"))).isEqualTo(403);
	}

	@Test
	void unreachableUpstreamGives502() {
		assertThat(TestClient.refusedStatus(edge.ws("/ws/dead"))).isEqualTo(502);
	}

	@Test
	void upstreamThatDoesNotAnswerInTimeGives504() {
		assertThat(TestClient.refusedStatus(edge.ws("/ws/hang"))).isEqualTo(504);
	}

	@Test
	void clientCloseCodeAndReasonReachTheUpstream() {
		TestClient client = TestClient.connect(edge.ws("/ws/echo?t=client-close"));
		client.send("ping");
		client.nextText();
		client.close(4001, "bye");
		WebSocketCloseStatus atUpstream = upstream.session("t=client-close").awaitClose();
		assertThat(atUpstream.code()).isEqualTo(4001);
		assertThat(atUpstream.reasonText()).isEqualTo("bye");
		// The upstream's answer (an echo of the code) comes back as the answer to the client.
		assertThat(client.awaitClose(Duration.ofSeconds(5))).isEqualTo(new Close(4001, "bye"));
		awaitNoSessions();
	}

	@Test
	void upstreamCloseCodeAndReasonReachTheClient() {
		for (int code : new int[] { 4001, 1000, 1003, 1008, 1011, 1012, 1013, 1014, 3000, 4999 }) {
			TestClient client = TestClient.connect(edge.ws("/ws/commands"));
			client.send("close " + code + " bye");
			assertThat(client.awaitClose(Duration.ofSeconds(5))).isEqualTo(new Close(code, "bye"));
		}
		awaitNoSessions();
	}

	@Test
	void upstreamKilledMidStreamClosesTheClientWithTheUpstreamFailureCode() {
		TestClient client = TestClient.connect(edge.ws("/ws/commands"));
		client.send("send 100 64");
		for (int i = 0; i < 100; i++) {
			assertThat(client.nextText()).startsWith(i + ":");
		}
		long started = System.nanoTime();
		client.send("die");
		Close close = client.awaitClose(Duration.ofSeconds(2));
		assertThat(close.code()).isEqualTo(1014);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
		awaitNoSessions();
	}

	@Test
	void upstreamPingReachesTheClientAndItsPongGoesBack() throws Exception {
		CompletableFuture<String> pong = new CompletableFuture<>();
		TestClient client = TestClient.connectWithPongs(edge.ws("/ws/commands?t=upstream-ping"), pong);
		client.send("ping from-upstream");
		// The JDK client answers the relayed ping itself; its pong is relayed to the upstream.
		assertThat(upstream.session("t=upstream-ping").pongs.poll(10, TimeUnit.SECONDS)).isEqualTo("from-upstream");
		assertThat(pong).isNotDone();
		client.close(1000, "");
		client.awaitClose(Duration.ofSeconds(5));
	}

	@Test
	void endToEndHeadersAreForwardedAndHopByHopHeadersAreNot() {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("X-Custom", "custom-value");
		headers.put("Authorization", "Bearer token-1");
		headers.put("Keep-Alive", "timeout=5");
		headers.put("Proxy-Authorization", "Basic c2VjcmV0");
		headers.put("X-Forwarded-For", "203.0.113.7");
		TestClient client = TestClient.connect(edge.ws("/ws/echo?t=headers"), headers);
		HttpHeaders received = upstream.session("t=headers").headers;
		assertThat(received.get("X-Custom")).isEqualTo("custom-value");
		assertThat(received.get("Authorization")).isEqualTo("Bearer token-1");
		assertThat(received.contains("Keep-Alive")).isFalse();
		assertThat(received.contains("Proxy-Authorization")).isFalse();
		// The client is no trusted proxy: what it forwards is dropped.
		assertThat(received.get("X-Forwarded-For")).isEqualTo("127.0.0.1");
		assertThat(received.get("X-Forwarded-Proto")).isEqualTo("http");
		assertThat(received.get("X-Forwarded-Host")).isEqualTo("127.0.0.1:" + edge.port());
		// The JDK client sends no Origin, so none may reach the upstream.
		assertThat(received.contains("Origin")).isFalse();
		client.close(1000, "");
	}

	@Test
	void clientQueryIsAppendedToTheUpstreamQuery() {
		TestClient client = TestClient.connect(edge.ws("/ws/echo?t=query&room=a%20b"));
		assertThat(upstream.session("t=query").uri).isEqualTo("/echo?from=route&t=query&room=a%20b");
		client.close(1000, "");
	}

	@Test
	void selfSignedUpstreamIsRefusedByDefaultAndAcceptedWithItsTrustStore() {
		assertThat(TestClient.refusedStatus(edge.ws("/ws/tls/default"))).isEqualTo(502);
		TestClient client = TestClient.connect(edge.ws("/ws/tls/trusted"));
		client.send("over tls");
		assertThat(client.nextText()).isEqualTo("over tls");
		client.close(1000, "");
	}

	@Test
	void pathsWithoutARouteAreLeftToTheApplication() throws Exception {
		java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
			.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + edge.port() + "/nothing"))
				.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(404);
	}

	private static void awaitNoSessions() {
		edge.awaitNoSessions();
	}

}
