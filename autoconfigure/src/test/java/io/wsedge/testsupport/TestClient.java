package io.wsedge.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.io.ByteArrayOutputStream;

/**
 * A WebSocket client for end-to-end tests built on the JDK's {@link java.net.http.WebSocket}, so that the edge
 * is checked against a client that shares none of its code.
 */
public final class TestClient implements WebSocket.Listener {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	/** Whole messages received: a {@link String} for text, a {@code byte[]} for binary. */
	public final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();

	/** Completes when the edge's close frame arrives (or the connection fails). */
	public final CompletableFuture<Close> closed = new CompletableFuture<>();

	private final StringBuilder text = new StringBuilder();

	private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

	private WebSocket socket;

	private CompletableFuture<String> pong;

	private TestClient() {
	}

	/**
	 * Connects and completes {@code pong} with the payload of the first pong received.
	 * @param uri where to connect
	 * @param pong completed with the first pong's payload as text
	 * @return the client
	 */
	public static TestClient connectWithPongs(URI uri, CompletableFuture<String> pong) {
		TestClient client = new TestClient();
		client.pong = pong;
		try {
			client.socket = HTTP.newWebSocketBuilder().buildAsync(uri, client).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Handshake with " + uri + " failed", ex);
		}
		return client;
	}

	public static TestClient connect(URI uri) {
		return connect(uri, Map.of());
	}

	public static TestClient connect(URI uri, Map<String, String> headers, String... subprotocols) {
		TestClient client = new TestClient();
		WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
		headers.forEach(builder::header);
		if (subprotocols.length > 0) {
			builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
		}
		try {
			client.socket = builder.buildAsync(uri, client).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Handshake with " + uri + " failed", ex);
		}
		return client;
	}

	/**
	 * The HTTP status of a handshake the server refuses.
	 * @param uri where to connect
	 * @return the status of the refusal
	 */
	public static int refusedStatus(URI uri) {
		return refusedStatus(uri, Map.of());
	}

	/**
	 * The HTTP status of a handshake with headers and subprotocols that the server refuses.
	 * @param uri where to connect
	 * @param headers request headers
	 * @param subprotocols the subprotocols offered
	 * @return the status of the refusal
	 */
	public static int refusedStatus(URI uri, Map<String, String> headers, String... subprotocols) {
		try {
			WebSocket.Builder builder = HTTP.newWebSocketBuilder();
			headers.forEach(builder::header);
			if (subprotocols.length > 0) {
				builder.subprotocols(subprotocols[0],
						java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
			}
			builder.buildAsync(uri, new WebSocket.Listener() {
			}).get(15, TimeUnit.SECONDS).abort();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof WebSocketHandshakeException refused) {
				return refused.getResponse().statusCode();
			}
			throw new IllegalStateException("Handshake failed without an HTTP status", ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		throw new AssertionError("The handshake with " + uri + " was accepted");
	}

	public WebSocket socket() {
		return this.socket;
	}

	public String subprotocol() {
		return this.socket.getSubprotocol();
	}

	public void send(String message) {
		join(this.socket.sendText(message, true));
	}

	public void sendFragment(String part, boolean last) {
		join(this.socket.sendText(part, last));
	}

	public void send(byte[] message) {
		join(this.socket.sendBinary(ByteBuffer.wrap(message), true));
	}

	public void close(int code, String reason) {
		join(this.socket.sendClose(code, reason));
	}

	/** The next whole message, failing the test after the timeout. */
	public Object next() {
		try {
			Object message = this.messages.poll(10, TimeUnit.SECONDS);
			if (message == null) {
				throw new AssertionError("No message within 10s");
			}
			return message;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public String nextText() {
		return (String) next();
	}

	/** The close frame the edge sent, failing the test if none arrives in time. */
	public Close awaitClose(Duration timeout) {
		try {
			return this.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("No close frame within " + timeout, ex);
		}
	}

	private static void join(CompletableFuture<WebSocket> future) {
		try {
			future.get(10, TimeUnit.SECONDS);
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
	public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
		byte[] bytes = new byte[data.remaining()];
		data.get(bytes);
		this.binary.writeBytes(bytes);
		if (last) {
			this.messages.add(this.binary.toByteArray());
			this.binary.reset();
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
		if (this.pong != null) {
			byte[] bytes = new byte[message.remaining()];
			message.get(bytes);
			this.pong.complete(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.closed.complete(new Close(statusCode, reason));
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		this.closed.completeExceptionally(error);
	}

	/** A close frame as received. */
	public record Close(int code, String reason) {
	}

}
