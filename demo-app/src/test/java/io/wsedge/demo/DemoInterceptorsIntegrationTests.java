package io.wsedge.demo;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Collections;
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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The demo's example interceptors and its route and management set-up, through the real demo app with the JDK's
 * WebSocket and HTTP clients, on the reactive stack (the default) and on the servlet stack (the {@code mvc}
 * profile). The interceptors' own cases are in {@link DemoInterceptorsTests}, on the test kit.
 */
@ParameterizedClass
@ValueSource(strings = { "default", "mvc" })
class DemoInterceptorsIntegrationTests {

	@Parameter
	private String profile;

	private static ConfigurableApplicationContext demo;

	private static int port;

	private static int upstreamPort;

	private static int managementPort;

	@BeforeParameterizedClassInvocation
	static void start(String profile) throws Exception {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			upstreamPort = socket.getLocalPort();
		}
		// The management address is left as application.yml has it.
		demo = new SpringApplicationBuilder(DemoApplication.class).profiles(profile)
			.run("--server.port=0", "--demo.upstream.port=" + upstreamPort, "--management.server.port=0");
		port = Integer.parseInt(demo.getEnvironment().getProperty("local.server.port"));
		managementPort = Integer.parseInt(demo.getEnvironment().getProperty("local.management.port"));
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
		assertThat(client.next()).isEqualTo("[demo] hi");
	}

	@Test
	void echoRouteDoesNotReachThePrivateUpstream() throws Exception {
		// Even with the key: the echo route leads to the plain echo, never to what the key guards.
		Client client = connect("/ws/echo?api_key=demo-key", "demo-key");
		client.socket.sendText("hi", true).get(5, TimeUnit.SECONDS);
		assertThat(client.next()).isEqualTo("hi");
		Client other = connect("/ws/private?api_key=demo-key", null);
		other.socket.sendText("hi", true).get(5, TimeUnit.SECONDS);
		assertThat(other.next()).isEqualTo("[demo] hi");
	}

	@Test
	void privateUpstreamRefusesCallersTheEdgeDidNotVouchFor() {
		URI direct = URI.create("ws://127.0.0.1:" + upstreamPort + "/private");
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> HttpClient.newHttpClient()
				.newWebSocketBuilder()
				.buildAsync(direct, new Client())
				.get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(refused) -> assertThat(refused.getResponse().statusCode()).isEqualTo(403));
	}

	@Test
	void managementServerListensOnLoopbackOnly() throws Exception {
		HttpRequest health = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/health"))
			.timeout(Duration.ofSeconds(10))
			.build();
		assertThat(HttpClient.newHttpClient().send(health, HttpResponse.BodyHandlers.discarding()).statusCode())
			.isEqualTo(200);
		InetAddress external = nonLoopbackAddress();
		assumeTrue(external != null, "this machine has no non-loopback address to try the management port on");
		try (Socket socket = new Socket()) {
			assertThatExceptionOfType(ConnectException.class)
				.isThrownBy(() -> socket.connect(new InetSocketAddress(external, managementPort), 5000));
		}
		// The application port, bound to every interface, answers on the same address: the refusal above is
		// the management server's binding, not a firewall.
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(external, port), 5000);
			assertThat(socket.isConnected()).isTrue();
		}
	}

	private static InetAddress nonLoopbackAddress() throws SocketException {
		for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
			if (!network.isUp() || network.isLoopback()) {
				continue;
			}
			for (InetAddress address : Collections.list(network.getInetAddresses())) {
				if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
					return address;
				}
			}
		}
		return null;
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

	@Test
	void secureRouteLetsInADemoTokenWithTheChatScopeOnly() throws Exception {
		Client client = connect("/ws/secure?access_token=" + demoToken("alice", "chat", 300), null);
		client.socket.sendText("hi", true).get(5, TimeUnit.SECONDS);
		assertThat(client.next()).isEqualTo("hi");
		assertThat(refusedStatus("/ws/secure")).isEqualTo(401);
		assertThat(refusedStatus("/ws/secure?access_token=not.a.jwt")).isEqualTo(401);
		assertThat(refusedStatus("/ws/secure?access_token=" + demoToken("bob", "read", 300))).isEqualTo(403);
	}

	@Test
	void secureRouteTakesTheTokenAfterTheSubprotocolMarker() throws Exception {
		Client client = new Client();
		client.socket = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.subprotocols("bearer.wsedge", demoToken("carol", "chat", 300))
			.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/secure"), client)
			.get(10, TimeUnit.SECONDS);
		assertThat(client.socket.getSubprotocol()).isEqualTo("bearer.wsedge");
		client.socket.sendText("hi", true).get(5, TimeUnit.SECONDS);
		assertThat(client.next()).isEqualTo("hi");
	}

	@Test
	void secureSessionEndsWithItsTokenUnlessTheClientReauthenticates() throws Exception {
		Client expiring = connect("/ws/secure?access_token=" + demoToken("dave", "chat", 2), null);
		Client renewing = connect("/ws/secure?access_token=" + demoToken("erin", "chat", 2), null);
		renewing.socket.sendText("{\"reauth\":\"" + demoToken("erin", "chat", 300) + "\"}", true)
			.get(5, TimeUnit.SECONDS);
		assertThat(expiring.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
		Thread.sleep(1000);
		assertThat(renewing.closed).isNotDone();
		renewing.socket.sendText("still here", true).get(5, TimeUnit.SECONDS);
		// The reauth message was the edge's: the echo never saw it.
		assertThat(renewing.next()).isEqualTo("still here");
	}

	@Test
	void chatRefusesMessagesAgainstItsSchemaWith1007() throws Exception {
		Client client = connect("/ws/chat", null);
		client.socket.sendText("{\"token\":\"demo-token\"}", true).get(5, TimeUnit.SECONDS);
		client.socket.sendText("{\"text\":42}", true).get(5, TimeUnit.SECONDS);
		assertThat(client.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1007);
	}

	private static String demoToken(String subject, String scope, long seconds) throws Exception {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + port + "/demo/token?subject=" + subject + "&scope=" + scope
					+ "&seconds=" + seconds))
			.timeout(Duration.ofSeconds(10))
			.build();
		HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body().trim();
	}

	private static int refusedStatus(String path) {
		try {
			connect(path, null).socket.abort();
		}
		catch (Exception ex) {
			if (ex.getCause() instanceof WebSocketHandshakeException refused) {
				return refused.getResponse().statusCode();
			}
			throw new IllegalStateException(ex);
		}
		throw new AssertionError(path + " was accepted");
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
