package io.wsedge.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.RawClient;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;
import io.wsedge.testsupport.TestUpstream.Received;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MessageMode#FRAGMENTS} interceptors end to end, on each server stack: the JDK's client sends
 * fragments ({@code sendText(part, false)}), a raw client sends the ones it cannot (a character split between
 * frames), a real upstream records what reaches it. Each connection's marker ({@code t}) picks what the
 * interceptors do.
 */
@ParameterizedClass
@EnumSource(Stack.class)
class FragmentInterceptorIntegrationTests {

	static final Map<String, BlockingQueue<String>> SEEN = new ConcurrentHashMap<>();

	@Parameter
	private Stack stack;

	private static TestUpstream upstream;

	private static EdgeApp edge;

	@BeforeParameterizedClassInvocation
	static void start(Stack stack) {
		SEEN.clear();
		upstream = TestUpstream.start();
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("wsedge.limits.ping-interval", "0s");
		route(properties, 0, "fragments", "/ws/fragments");
		properties.put("wsedge.routes[0].interceptors.include", "fragmentRecorder,fragmentActions");
		route(properties, 1, "mixed", "/ws/mixed");
		properties.put("wsedge.routes[1].interceptors.include", "fragmentRecorder,wholeRecorder");
		route(properties, 2, "limited", "/ws/limited");
		properties.put("wsedge.routes[2].interceptors.include", "fragmentRecorder");
		properties.put("wsedge.routes[2].limits.max-payload-size", "64B");
		properties.put("wsedge.routes[2].limits.max-fragments", "4");
		edge = EdgeApp.start(stack, properties, Interceptors.class);
	}

	private static void route(Map<String, String> properties, int index, String id, String path) {
		properties.put("wsedge.routes[" + index + "].id", id);
		properties.put("wsedge.routes[" + index + "].path", path);
		properties.put("wsedge.routes[" + index + "].upstream", upstream.uri("/echo").toString());
	}

	@AfterParameterizedClassInvocation
	static void stop() {
		edge.close();
		upstream.close();
	}

	@Test
	void eachFragmentRunsTheChainInOrderAndTheMessageKeepsItsFragments() throws Exception {
		TestClient client = TestClient.connect(edge.ws("/ws/fragments?t=order"));
		client.sendFragment("ab", false);
		client.sendFragment("cd", false);
		client.sendFragment("ef", true);
		assertThat(seen("order", 3)).containsExactly("TEXT 0 more ab", "TEXT 1 more cd", "TEXT 2 final ef");
		Received received = upstream.session("t=order").nextMessage();
		assertThat(received.asText()).isEqualTo("abcdef");
		if (this.stack == Stack.REACTIVE) {
			assertThat(received.frames()).isEqualTo(3);
		}
		assertThat(client.nextText()).isEqualTo("abcdef");
		client.send("whole");
		assertThat(seen("order", 1)).containsExactly("TEXT 0 final whole");
		closeNormally(client);
	}

	@Test
	void aWholeMessageInterceptorOnTheRouteMakesTheChainSeeMessagesAssembled() throws Exception {
		TestClient client = TestClient.connect(edge.ws("/ws/mixed?t=mixed"));
		client.sendFragment("ab", false);
		client.sendFragment("cd", false);
		client.sendFragment("ef", true);
		assertThat(seen("mixed", 2)).containsExactly("TEXT 0 final abcdef", "whole abcdef");
		Received received = upstream.session("t=mixed").nextMessage();
		assertThat(received.asText()).isEqualTo("abcdef");
		if (this.stack == Stack.REACTIVE) {
			assertThat(received.frames()).isEqualTo(3);
		}
		closeNormally(client);
	}

	@Test
	void droppingTheFirstFragmentDropsTheWholeMessage() throws Exception {
		TestClient client = TestClient.connect(edge.ws("/ws/fragments?t=drop-first"));
		client.sendFragment("ab", false);
		client.sendFragment("cd", true);
		client.send("next");
		assertThat(seen("drop-first", 2)).containsExactly("TEXT 0 more ab", "TEXT 0 final next");
		assertThat(upstream.session("t=drop-first").nextMessage().asText()).isEqualTo("next");
		assertThat(client.nextText()).isEqualTo("next");
		closeNormally(client);
	}

	@Test
	void droppingALaterFragmentIsRefusedAndEmptyingItKeepsTheMessageWellFormed() throws Exception {
		TestClient client = TestClient.connect(edge.ws("/ws/fragments?t=drop-later"));
		client.sendFragment("ab", false);
		client.sendFragment("cd", false);
		client.sendFragment("ef", true);
		assertThat(seen("drop-later", 4)).contains("refused IllegalStateException");
		assertThat(upstream.session("t=drop-later").nextMessage().asText()).isEqualTo("abef");
		assertThat(client.nextText()).isEqualTo("abef");
		closeNormally(client);
	}

	@Test
	void setPayloadOnAFragmentReplacesThatFragmentOnly() throws Exception {
		TestClient client = TestClient.connect(edge.ws("/ws/fragments?t=rewrite"));
		client.sendFragment("ab", false);
		client.sendFragment("cd", false);
		client.sendFragment("ef", true);
		seen("rewrite", 3);
		Received received = upstream.session("t=rewrite").nextMessage();
		assertThat(received.asText()).isEqualTo("ab[X]ef");
		if (this.stack == Stack.REACTIVE) {
			assertThat(received.frames()).isEqualTo(3);
		}
		assertThat(client.nextText()).isEqualTo("ab[X]ef");
		closeNormally(client);
	}

	@Test
	void closeOnAFragmentClosesBothSidesWithTheirCodes() throws Exception {
		TestClient client = TestClient.connect(edge.ws("/ws/fragments?t=close"));
		client.sendFragment("ab", false);
		client.sendFragment("cd", false);
		client.sendFragment("ef", true);
		TestClient.Close close = client.awaitClose(Duration.ofSeconds(10));
		assertThat(close.code()).isEqualTo(4001);
		assertThat(close.reason()).isEqualTo("enough");
		TestUpstream.Session session = upstream.session("t=close");
		WebSocketCloseStatus upstreamClose = session.awaitClose();
		assertThat(upstreamClose.code()).isEqualTo(4002);
		assertThat(session.messages).isEmpty();
	}

	@Test
	void aTextFragmentThatSplitsACharacterCannotBeReplaced() throws Exception {
		byte[] eAcute = "é".getBytes(StandardCharsets.UTF_8);
		try (RawClient client = RawClient.connect(edge.port(), "/ws/fragments?t=split", 0)) {
			assertThat(client.status()).isEqualTo(101);
			// "aéb", the é split between the two frames.
			client.sendFrame(false, 0x1, new byte[] { 'a', eAcute[0] }, true);
			client.sendFrame(true, 0x0, new byte[] { eAcute[1], 'b' }, true);
			// "aéb" again, split between characters.
			client.sendFrame(false, 0x1, "aé".getBytes(StandardCharsets.UTF_8), true);
			client.sendFrame(true, 0x0, new byte[] { 'b' }, true);
			TestUpstream.Session session = upstream.session("t=split");
			if (this.stack == Stack.REACTIVE) {
				assertThat(seen("split-actions", 4)).containsExactly("refused IllegalStateException",
						"refused IllegalStateException", "replaced", "replaced");
				assertThat(session.nextMessage().asText()).isEqualTo("aéb");
			}
			else {
				// Tomcat hands text over as strings, split between characters: every fragment can be replaced.
				assertThat(seen("split-actions", 4)).containsOnly("replaced");
				assertThat(session.nextMessage().asText()).isEqualTo("AÉB");
			}
			assertThat(session.nextMessage().asText()).isEqualTo("AÉB");
			client.sendClose(1000, "done");
			assertThat(client.readUntilClose().closeCode()).isEqualTo(1000);
		}
	}

	@Test
	void payloadLimitIsCountedAsFragmentsPass() throws Exception {
		TestClient client = TestClient.connect(edge.ws("/ws/limited?t=too-big"));
		String thirty = "x".repeat(30);
		client.sendFragment(thirty, false);
		client.sendFragment(thirty, false);
		sendIgnoringClose(client, thirty, true);
		assertThat(client.awaitClose(Duration.ofSeconds(10)).code()).isEqualTo(1009);
		assertThat(upstream.session("t=too-big").awaitClose().code()).isEqualTo(1001);
		assertThat(seen("too-big", 2)).containsExactly("TEXT 0 more " + thirty, "TEXT 1 more " + thirty);
	}

	@Test
	void fragmentLimitIsCountedAsFragmentsPass() throws Exception {
		TestClient client = TestClient.connect(edge.ws("/ws/limited?t=too-many"));
		for (int i = 0; i < 4; i++) {
			client.sendFragment("f" + i, false);
		}
		sendIgnoringClose(client, "f4", true);
		assertThat(client.awaitClose(Duration.ofSeconds(10)).code()).isEqualTo(1009);
		assertThat(upstream.session("t=too-many").awaitClose().code()).isEqualTo(1001);
		assertThat(seen("too-many", 4)).containsExactly("TEXT 0 more f0", "TEXT 1 more f1", "TEXT 2 more f2",
				"TEXT 3 more f3");
	}

	private static void sendIgnoringClose(TestClient client, String part, boolean last) {
		try {
			client.sendFragment(part, last);
		}
		catch (IllegalStateException ex) {
			// The edge may have closed the connection already.
		}
	}

	private static void closeNormally(TestClient client) {
		client.close(1000, "done");
		assertThat(client.awaitClose(Duration.ofSeconds(10)).code()).isEqualTo(1000);
	}

	private static List<String> seen(String marker, int count) throws InterruptedException {
		BlockingQueue<String> queue = queue(marker);
		List<String> seen = new java.util.ArrayList<>();
		for (int i = 0; i < count; i++) {
			String next = queue.poll(10, TimeUnit.SECONDS);
			assertThat(next).as("what the interceptors saw after %s", seen).isNotNull();
			seen.add(next);
		}
		return seen;
	}

	static BlockingQueue<String> queue(String marker) {
		return SEEN.computeIfAbsent(marker, (key) -> new LinkedBlockingQueue<>());
	}

	static String utf8(ByteBuffer view) {
		byte[] bytes = new byte[view.remaining()];
		view.get(bytes);
		return new String(bytes, StandardCharsets.UTF_8);
	}

	@Configuration(proxyBeanMethods = false)
	static class Interceptors {

		@Bean
		@Order(0)
		ClientFrameInterceptor fragmentRecorder() {
			return new FragmentInterceptor() {
				@Override
				public void intercept(FrameContext frame) {
					if (frame.type() == FrameType.TEXT) {
						queue(InterceptorTestConfiguration.marker(frame.session())).add(frame.type() + " "
								+ frame.fragmentIndex() + (frame.isFinal() ? " final " : " more ")
								+ utf8(frame.payloadView()));
					}
				}
			};
		}

		@Bean
		@Order(5)
		ClientFrameInterceptor wholeRecorder() {
			return (frame) -> {
				if (frame.type() == FrameType.TEXT) {
					queue(InterceptorTestConfiguration.marker(frame.session())).add("whole " + frame.text());
				}
			};
		}

		@Bean
		@Order(10)
		ClientFrameInterceptor fragmentActions() {
			return new FragmentInterceptor() {
				@Override
				public void intercept(FrameContext frame) {
					if (frame.type() != FrameType.TEXT) {
						return;
					}
					String marker = InterceptorTestConfiguration.marker(frame.session());
					int index = frame.fragmentIndex();
					switch (marker) {
						case "drop-first" -> {
							if (index == 0 && !frame.isFinal()) {
								frame.drop();
							}
						}
						case "drop-later" -> {
							if (index == 1) {
								try {
									frame.drop();
								}
								catch (IllegalStateException ex) {
									queue(marker).add("refused " + ex.getClass().getSimpleName());
									frame.setPayload(new byte[0]);
								}
							}
						}
						case "rewrite" -> {
							if (index == 1) {
								frame.setPayload("[X]");
							}
						}
						case "close" -> {
							if (index == 2) {
								frame.close(4001, "enough", 4002, "client sent too much");
							}
						}
						case "split" -> {
							try {
								frame.setPayload(utf8(frame.payloadView()).toUpperCase());
								queue(marker + "-actions").add("replaced");
							}
							catch (IllegalStateException ex) {
								queue(marker + "-actions").add("refused " + ex.getClass().getSimpleName());
							}
						}
						default -> {
						}
					}
				}
			};
		}

	}

	/** A client interceptor that takes fragments. */
	abstract static class FragmentInterceptor implements ClientFrameInterceptor {

		@Override
		public MessageMode messageMode() {
			return MessageMode.FRAGMENTS;
		}

	}

}
