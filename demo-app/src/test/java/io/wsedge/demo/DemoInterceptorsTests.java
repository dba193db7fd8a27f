package io.wsedge.demo;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The demo's example interceptors, through the real demo app with the JDK's WebSocket client, on the reactive
 * stack (the default) and on the servlet stack (the {@code mvc} profile).
 */
@ParameterizedClass
@ValueSource(strings = { "default", "mvc" })
class DemoInterceptorsTests {

	@Parameter
	private String profile;

	private static ConfigurableApplicationContext demo;

	private static int port;

	@BeforeParameterizedClassInvocation
	static void start(String profile) throws Exception {
		int upstreamPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			upstreamPort = socket.getLocalPort();
		}
		demo = new SpringApplicationBuilder(DemoApplication.class).profiles(profile)
			.run("--server.port=0", "--demo.upstream.port=" + upstreamPort, "--management.server.port=0");
		port = Integer.parseInt(demo.getEnvironment().getProperty("local.server.port"));
	}

	@AfterParameterizedClassInvocation
	static void stop() {
		demo.close();
	}

	@Test
	void profileChoosesTheServerStack() {
		Class<?> expected = this.profile.equals("mvc") ? ServletWebServerApplicationContext.class
				: ReactiveWebServerApplicationContext.class;
		assertThat(demo).isInstanceOf(expected);
	}

	@Test
	void privateRouteNeedsTheApiKey() throws Exception {
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> connect("/ws/private", null))
			.havingCause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(refused) -> assertThat(refused.getResponse().statusCode()).isEqualTo(401));
		Client client = connect("/ws/private?api_key=demo-key", null);
		client.socket.sendText("hi", true).get(5, TimeUnit.SECONDS);
		assertThat(client.next()).isEqualTo("hi");
	}

	@Test
	void echoRedactsCardNumbers() throws Exception {
		Client client = connect("/ws/echo", null);
		client.socket.sendText("pay with 4111 1111 1111 1234", true).get(5, TimeUnit.SECONDS);
		assertThat(client.next()).isEqualTo("pay with **** **** **** 1234");
	}

	@Test
	void chatNeedsTheTokenFirstAndThenJson() throws Exception {
		Client alice = connect("/ws/chat", null);
		Client bob = connect("/ws/chat", null);
		alice.socket.sendText("{\"token\":\"demo-token\"}", true).get(5, TimeUnit.SECONDS);
		bob.socket.sendText("{\"token\":\"demo-token\"}", true).get(5, TimeUnit.SECONDS);
		// The token messages were dropped, so the first thing anyone sees is a chat message. Bob hears his own
		// message once he is in the room, which makes sure he is listening before Alice speaks.
		bob.socket.sendText("{\"text\":\"bob here\"}", true).get(5, TimeUnit.SECONDS);
		assertThat(bob.next()).isEqualTo("{\"text\":\"bob here\"}");
		alice.socket.sendText("{\"text\":\"hello bob\"}", true).get(5, TimeUnit.SECONDS);
		assertThat(bob.next()).isEqualTo("{\"text\":\"hello bob\"}");
		assertThat(alice.messages).doesNotContain("{\"token\":\"demo-token\"}");
		bob.socket.sendText("not json", true).get(5, TimeUnit.SECONDS);
		assertThat(bob.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1007);
	}

	@Test
	void chatWithAWrongTokenIsClosedWithPolicyViolation() throws Exception {
		Client mallory = connect("/ws/chat", null);
		mallory.socket.sendText("{\"token\":\"guess\"}", true).get(5, TimeUnit.SECONDS);
		assertThat(mallory.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1008);
	}

	private static Client connect(String path, String apiKey) throws Exception {
		Client client = new Client();
		WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
		if (apiKey != null) {
			builder.header("X-Api-Key", apiKey);
		}
		client.socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + path), client)
			.get(10, TimeUnit.SECONDS);
		return client;
	}

	static final class Client implements WebSocket.Listener {

		final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

		final CompletableFuture<Integer> closed = new CompletableFuture<>();

		private final StringBuilder text = new StringBuilder();

		WebSocket socket;

		String next() throws InterruptedException {
			String message = this.messages.poll(10, TimeUnit.SECONDS);
			assertThat(message).as("a message within 10s").isNotNull();
			return message;
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				this.messages.add(this.text.toString());
				this.text.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.closed.complete(statusCode);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			this.closed.completeExceptionally(error);
		}

	}

}
