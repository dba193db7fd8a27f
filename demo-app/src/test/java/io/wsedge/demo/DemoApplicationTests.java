package io.wsedge.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo as a user runs it: the real application with its application.yml, the edge on a free port in front
 * of the embedded upstream, and the JDK's WebSocket client.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
class DemoApplicationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

	// Found once: the placeholder is resolved more than once (the upstream and every route), and each
	// resolution must see the same port.
	private static final int UPSTREAM_PORT = freePort();

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void upstreamPort(DynamicPropertyRegistry registry) {
		registry.add("demo.upstream.port", () -> UPSTREAM_PORT);
	}

	@Test
	void echoSendsEveryMessageBack() {
		Client client = Client.connect(ws("/ws/echo"));
		client.send("hello, edge");
		assertThat(client.next()).isEqualTo("hello, edge");
		client.send("and again");
		assertThat(client.next()).isEqualTo("and again");
		client.close();
		assertThat(client.awaitClose()).isEqualTo(1000);
	}

	@Test
	void chatClientsSeeEachOthersMessages() {
		Client alice = joinChat("/ws/chat", "alice");
		Client bob = joinChat("/ws/chat?room=lobby", "bob");
		assertThat(alice.next()).isEqualTo(chat("bob", "joined"));
		alice.send(chat("alice", "hello, bob"));
		assertThat(bob.next()).isEqualTo(chat("alice", "hello, bob"));
		assertThat(alice.next()).isEqualTo(chat("alice", "hello, bob"));
		bob.send(chat("bob", "hello, alice"));
		assertThat(alice.next()).isEqualTo(chat("bob", "hello, alice"));
		assertThat(bob.next()).isEqualTo(chat("bob", "hello, alice"));
		alice.close();
		bob.close();
		assertThat(alice.awaitClose()).isEqualTo(1000);
		assertThat(bob.awaitClose()).isEqualTo(1000);
	}

	/**
	 * Connects to the chat, authenticates with the demo token (the edge drops that message) and announces
	 * itself. The room relays to everyone connected, the sender included, so a client that sees its own
	 * announcement is known to be in the room and nothing after it depends on timing.
	 */
	private Client joinChat(String pathAndQuery, String name) {
		Client client = Client.connect(ws(pathAndQuery));
		client.send("{\"token\":\"demo-token\"}");
		client.send(chat(name, "joined"));
		assertThat(client.next()).isEqualTo(chat(name, "joined"));
		return client;
	}

	private static String chat(String from, String text) {
		return "{\"from\":\"" + from + "\",\"text\":\"" + text + "\"}";
	}

	@Test
	void plainRequestToARouteGetsUpgradeRequired() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/ws/echo"))
			.timeout(TIMEOUT)
			.build();
		HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(426);
		assertThat(response.headers().firstValue("Upgrade")).hasValue("websocket");
	}

	private URI ws(String pathAndQuery) {
		return URI.create("ws://127.0.0.1:" + this.port + pathAndQuery);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A text client on the JDK's {@link WebSocket}: whole messages in a queue, the close code in a future.
	 */
	private static final class Client implements WebSocket.Listener {

		private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

		private final CompletableFuture<Integer> closed = new CompletableFuture<>();

		private final StringBuilder text = new StringBuilder();

		private WebSocket socket;

		static Client connect(URI uri) {
			Client client = new Client();
			client.socket = await(HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT).buildAsync(uri, client));
			return client;
		}

		void send(String message) {
			await(this.socket.sendText(message, true));
		}

		void close() {
			await(this.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
		}

		String next() {
			try {
				String message = this.messages.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
				assertThat(message).as("message within %s", TIMEOUT).isNotNull();
				return message;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		int awaitClose() {
			return await(this.closed);
		}

		private static <T> T await(CompletableFuture<T> future) {
			try {
				return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}

		@Override
		public void onOpen(WebSocket webSocket) {
			webSocket.request(1);
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
