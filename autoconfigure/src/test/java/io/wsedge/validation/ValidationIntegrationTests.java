package io.wsedge.validation;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestClient.Close;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code wsedge.routes[].validation} end to end on each server stack, in both directions: what passes, what
 * closes the session with the invalid-message policy, what is dropped and counted, and the nested-array bomb.
 */
@ParameterizedClass
@EnumSource(Stack.class)
class ValidationIntegrationTests {

	private static final String CHAT = "{\"type\":\"chat\",\"text\":\"hello\"}";

	@Parameter
	private Stack stack;

	private static TestUpstream upstream;

	private static EdgeApp edge;

	private static int index;

	@BeforeParameterizedClassInvocation
	static void start(Stack stack) {
		index = 0;
		upstream = TestUpstream.start();
		Map<String, String> p = new LinkedHashMap<>();
		p.put("wsedge.limits.ping-interval", "0s");
		p.put("wsedge.limits.max-payload-size", "2MB");
		route(p, "client-close", "validation.client.schema", "classpath:schemas/chat-message.json");
		route(p, "client-drop", "validation.client.schema", "classpath:schemas/chat-message.json",
				"validation.client.action", "drop");
		route(p, "upstream-close", "validation.upstream.schema", "classpath:schemas/chat-message.json");
		route(p, "no-binary", "validation.client.allow-binary", "false");
		route(p, "upstream-drop", "validation.upstream.schema", "classpath:schemas/chat-message.json",
				"validation.upstream.action", "drop");
		edge = EdgeApp.start(stack, p);
	}

	private static void route(Map<String, String> properties, String id, String... settings) {
		String prefix = "wsedge.routes[" + index++ + "]";
		properties.put(prefix + ".id", id);
		properties.put(prefix + ".path", "/ws/" + id);
		properties.put(prefix + ".upstream", upstream.uri("/echo").toString());
		for (int i = 0; i < settings.length; i += 2) {
			properties.put(prefix + "." + settings[i], settings[i + 1]);
		}
	}

	@AfterParameterizedClassInvocation
	static void stop() {
		edge.close();
		upstream.close();
	}

	private TestClient connect(String route, String marker) {
		return TestClient.connect(edge.ws("/ws/" + route + "?t=" + marker + "-" + this.stack));
	}

	private TestUpstream.Session upstreamOf(String marker) {
		return upstream.session("t=" + marker + "-" + this.stack);
	}

	@Test
	void validClientMessagePassesAndAnInvalidOneClosesWith1007NamingWhere() {
		TestClient client = connect("client-close", "schema");
		client.send(CHAT);
		assertThat(client.nextText()).isEqualTo(CHAT);
		client.send("{\"type\":\"shout\"}");
		Close close = client.awaitClose(Duration.ofSeconds(5));
		assertThat(close.code()).isEqualTo(1007);
		assertThat(close.reason()).startsWith("invalid message: /type");
		WebSocketCloseStatus peer = upstreamOf("schema").awaitClose();
		assertThat(peer.code()).isEqualTo(1001);
		assertThat(peer.reasonText()).isEqualTo("peer sent an invalid message");
		// The invalid message never reached the upstream.
		TestUpstream.Session session = upstreamOf("schema");
		assertThat(session.nextMessage().asText()).isEqualTo(CHAT);
		assertThat(session.messages).isEmpty();
	}

	@Test
	void clientTextThatIsNotJsonClosesWithoutEchoingIt() {
		TestClient client = connect("client-close", "not-json");
		client.send("hello secret-" + "x".repeat(300));
		Close close = client.awaitClose(Duration.ofSeconds(5));
		assertThat(close.code()).isEqualTo(1007);
		assertThat(close.reason()).startsWith("invalid message: not JSON").doesNotContain("secret");
		assertThat(close.reason().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
	}

	@Test
	void nestedArrayBombFromTheClientIsRefusedWith1007() {
		TestClient client = connect("client-close", "bomb");
		client.send(bomb());
		Close close = client.awaitClose(Duration.ofSeconds(5));
		assertThat(close).isEqualTo(new Close(1007, "invalid message: JSON nested deeper than 64 levels"));
		assertThat(upstreamOf("bomb").awaitClose().code()).isEqualTo(1001);
	}

	@Test
	void invalidClientMessageIsDroppedAndCountedWhenTheActionIsDrop() {
		TestClient client = connect("client-drop", "drop");
		client.send("{\"type\":\"shout\"}");
		client.send("not json");
		client.send(CHAT);
		assertThat(client.nextText()).isEqualTo(CHAT);
		assertThat(upstreamOf("drop").nextMessage().asText()).isEqualTo(CHAT);
		assertThat(client.closed).isNotDone();
		MeterRegistry registry = edge.context().getBean(MeterRegistry.class);
		assertThat(registry.get("wsedge.messages.invalid")
			.tags("route", "client-drop", "direction", "client", "action", "drop")
			.counter()
			.count()).isGreaterThanOrEqualTo(2);
		client.close(1000, "");
	}

	@Test
	void invalidUpstreamMessageClosesTheUpstreamWith1007AndTheClientWithThePeerCode() {
		// The client's side is not validated on this route: the echo upstream sends the text back, and its
		// direction is.
		TestClient client = connect("upstream-close", "upstream");
		client.send(CHAT);
		assertThat(client.nextText()).isEqualTo(CHAT);
		client.send("{\"type\":1}");
		Close close = client.awaitClose(Duration.ofSeconds(5));
		assertThat(close).isEqualTo(new Close(1001, "peer sent an invalid message"));
		WebSocketCloseStatus toUpstream = upstreamOf("upstream").awaitClose();
		assertThat(toUpstream.code()).isEqualTo(1007);
		assertThat(toUpstream.reasonText()).startsWith("invalid message: /type");
	}

	@Test
	void upstreamTextThatIsNotJsonIsDroppedAndCountedWhenTheActionIsDrop() {
		TestClient client = connect("upstream-drop", "upstream-drop");
		client.send("not json from the upstream");
		client.send(CHAT);
		// The echo sent both back; only the valid one reached the client.
		assertThat(client.nextText()).isEqualTo(CHAT);
		assertThat(client.messages).isEmpty();
		MeterRegistry registry = edge.context().getBean(MeterRegistry.class);
		assertThat(registry.get("wsedge.messages.invalid")
			.tags("route", "upstream-drop", "direction", "upstream", "action", "drop")
			.counter()
			.count()).isGreaterThanOrEqualTo(1);
		client.close(1000, "");
	}

	@Test
	void nestedArrayBombFromTheUpstreamIsRefusedWith1007() {
		TestClient client = connect("upstream-close", "upstream-bomb");
		client.send(bomb());
		assertThat(client.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1001);
		WebSocketCloseStatus toUpstream = upstreamOf("upstream-bomb").awaitClose();
		assertThat(toUpstream.code()).isEqualTo(1007);
		assertThat(toUpstream.reasonText()).isEqualTo("invalid message: JSON nested deeper than 64 levels");
	}

	@Test
	void binaryMessagesAreRefusedWhereConfiguredAndTextPasses() {
		TestClient client = connect("no-binary", "binary");
		client.send("any text, not checked");
		assertThat(client.nextText()).isEqualTo("any text, not checked");
		client.send(new byte[] { 1, 2, 3 });
		assertThat(client.awaitClose(Duration.ofSeconds(5)))
			.isEqualTo(new Close(1007, "invalid message: binary messages are not accepted"));
	}

	/** One mebibyte of nested arrays. */
	private static String bomb() {
		int half = 512 * 1024;
		return "[".repeat(half) + "]".repeat(half);
	}

}
