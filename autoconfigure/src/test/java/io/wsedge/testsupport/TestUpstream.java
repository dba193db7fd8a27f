package io.wsedge.testsupport;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * A real upstream WebSocket server for end-to-end tests, on Reactor Netty's server (a different code path
 * from the edge's), on a free loopback port. It records what reaches it so tests can assert on the upstream
 * side of the edge.
 * <ul>
 * <li>{@code /echo}: sends every frame back as it came (fragments included);</li>
 * <li>{@code /proto}: like echo, supports only the subprotocol {@code chat.v2};</li>
 * <li>{@code /sink}: records what it receives and sends nothing back but the answer to a close;</li>
 * <li>{@code /forbidden}: refuses the upgrade with 403;</li>
 * <li>{@code /commands}: echoes, except for the text commands {@code close <code> <reason>},
 * {@code die} (drops the TCP connection without a close frame), {@code send <count> <size>} and
 * {@code ping <payload>} (sends a ping; pongs are recorded, not echoed).</li>
 * </ul>
 */
public final class TestUpstream implements AutoCloseable {

	private static final int MAX_FRAME = 64 * 1024 * 1024;

	/** Every connection, in arrival order. */
	public final BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();

	private final DisposableServer server;

	private final AtomicInteger openConnections = new AtomicInteger();

	private final boolean secure;

	private volatile boolean unavailable;

	private TestUpstream(boolean secure) {
		this.secure = secure;
		HttpServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.doOnConnection((connection) -> {
				this.openConnections.incrementAndGet();
				connection.onDispose(this.openConnections::decrementAndGet);
			})
			.route(this::routes);
		if (secure) {
			server = server.secure((spec) -> spec.sslContext(Http11SslContextSpec.forServer(keyManagers())));
		}
		this.server = server.bindNow(Duration.ofSeconds(10));
	}

	public static TestUpstream start() {
		return new TestUpstream(false);
	}

	/** Serves wss:// with a self-signed certificate for localhost and 127.0.0.1. */
	public static TestUpstream startSecure() {
		return new TestUpstream(true);
	}

	/**
	 * Makes {@code /flaky} answer upgrades with 503, or echo again.
	 * @param unavailable whether it answers 503
	 */
	public void unavailable(boolean unavailable) {
		this.unavailable = unavailable;
	}

	public int port() {
		return this.server.port();
	}

	/** TCP connections open to this upstream now. */
	public int openConnections() {
		return this.openConnections.get();
	}

	/**
	 * Waits until no TCP connection is open to this upstream: the edge let go of every upstream connection.
	 * @param timeout how long to wait
	 */
	public void awaitNoConnections(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.openConnections.get() > 0 && System.nanoTime() < deadline) {
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		if (this.openConnections.get() > 0) {
			throw new AssertionError(this.openConnections.get() + " upstream connections still open after " + timeout);
		}
	}

	public URI uri(String path) {
		return URI.create((this.secure ? "wss" : "ws") + "://localhost:" + port() + path);
	}

	private void routes(HttpServerRoutes routes) {
		WebsocketServerSpec plain = WebsocketServerSpec.builder().maxFramePayloadLength(MAX_FRAME).build();
		WebsocketServerSpec chat = WebsocketServerSpec.builder()
			.maxFramePayloadLength(MAX_FRAME)
			.protocols("chat.v2")
			.build();
		routes.ws("/echo", this::echo, plain)
			.ws("/proto", this::echo, chat)
			.ws("/commands", this::commands, plain)
			.ws("/sink", this::sink, plain)
			.get("/forbidden", (request, response) -> response.status(403).sendString(Mono.just("no")))
			.get("/unavailable", (request, response) -> response.status(503).sendString(Mono.just("later")))
			.get("/flaky", (request, response) -> this.unavailable ? response.status(503).send()
					: response.sendWebsocket(this::echo, plain));
	}

	private Mono<Void> echo(WebsocketInbound in, WebsocketOutbound out) {
		Recorder recorder = new Recorder(observe(in));
		Flux<WebSocketFrame> frames = in.receiveFrames().doOnNext(recorder::record).map(WebSocketFrame::retain);
		return out.sendObject(frames).then();
	}

	private Mono<Void> sink(WebsocketInbound in, WebsocketOutbound out) {
		Recorder recorder = new Recorder(observe(in));
		// Reactor Netty answers the close frame itself.
		return in.receiveFrames().doOnNext(recorder::record).then();
	}

	private Mono<Void> commands(WebsocketInbound in, WebsocketOutbound out) {
		Recorder recorder = new Recorder(observe(in));
		Flux<WebSocketFrame> replies = in.receiveFrames().doOnNext(recorder::record).concatMap((frame) -> {
			if (frame instanceof TextWebSocketFrame text && frame.isFinalFragment()) {
				String command = text.text();
				if (command.startsWith("close ")) {
					String[] parts = command.split(" ", 3);
					// Through the same outbound stream as the replies before it, so that it cannot overtake them
					// (sendClose() writes at once, ahead of replies still queued).
					return Flux.just(new CloseWebSocketFrame(Integer.parseInt(parts[1]), parts[2]));
				}
				if (command.equals("die")) {
					in.withConnection((connection) -> connection.channel().close());
					return Flux.empty();
				}
				if (command.startsWith("ping ")) {
					byte[] payload = command.substring(5).getBytes(StandardCharsets.UTF_8);
					return Flux.just(new PingWebSocketFrame(Unpooled.wrappedBuffer(payload)));
				}
				if (command.startsWith("send ")) {
					// "send <count> <size> [<count> <size> ...]": the groups back to back, numbered within each.
					String[] parts = command.split(" ");
					return Flux.range(0, (parts.length - 1) / 2).concatMap((group) -> {
						int count = Integer.parseInt(parts[1 + 2 * group]);
						int size = Integer.parseInt(parts[2 + 2 * group]);
						return Flux.range(0, count).map((i) -> new TextWebSocketFrame(numbered(i, size)));
					});
				}
			}
			if (frame instanceof PongWebSocketFrame) {
				return Flux.empty();
			}
			return Flux.just(frame.retain());
		});
		return out.sendObject(replies).then();
	}

	private static String numbered(int i, int size) {
		StringBuilder text = new StringBuilder(size).append(i).append(':');
		while (text.length() < size) {
			text.append('x');
		}
		return text.toString();
	}

	private Session observe(WebsocketInbound in) {
		Session session = new Session(((HttpServerRequest) in).uri(), in.headers());
		in.receiveCloseStatus().subscribe(session.close::complete);
		this.sessions.add(session);
		return session;
	}

	/**
	 * The connection whose request URI contains {@code marker}, waiting for it to arrive.
	 * @param marker a string unique to one test's connection, such as a query parameter
	 * @return the connection
	 */
	public Session session(String marker) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (System.nanoTime() < deadline) {
			for (Session session : this.sessions) {
				if (session.uri.contains(marker)) {
					return session;
				}
			}
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		throw new AssertionError("No upstream connection for " + marker + " within 10s");
	}

	/** One upstream connection: what the edge sent it. */
	public static final class Session {

		public final String uri;

		public final HttpHeaders headers;

		public final BlockingQueue<Received> messages = new LinkedBlockingQueue<>();

		/** The payloads of the pongs received, as text. */
		public final BlockingQueue<String> pongs = new LinkedBlockingQueue<>();

		public final CompletableFuture<WebSocketCloseStatus> close = new CompletableFuture<>();

		Session(String uri, HttpHeaders headers) {
			this.uri = uri;
			this.headers = headers;
		}

		public Received nextMessage() {
			try {
				Received received = this.messages.poll(10, TimeUnit.SECONDS);
				if (received == null) {
					throw new AssertionError("The upstream received no message within 10s");
				}
				return received;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		public WebSocketCloseStatus awaitClose() {
			try {
				return this.close.get(10, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				throw new AssertionError("The upstream saw no close within 10s", ex);
			}
		}

	}

	@Override
	public void close() {
		// Generous: a loaded 2-core CI machine needs more than Reactor Netty's default after thousands of sessions;
		// whether the edge let go of its upstream connections is asserted by awaitNoConnections, not here.
		this.server.disposeNow(Duration.ofSeconds(30));
	}

	private static KeyManagerFactory keyManagers() {
		try (InputStream in = TestUpstream.class.getResourceAsStream("/test-upstream-keystore.p12")) {
			KeyStore store = KeyStore.getInstance("PKCS12");
			store.load(in, "changeit".toCharArray());
			KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			factory.init(store, "changeit".toCharArray());
			return factory;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A whole message as the upstream received it, and how many frames carried it. */
	public record Received(boolean text, byte[] payload, int frames) {

		public String asText() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

	}

	/** Reassembles messages from frames per connection. */
	private static final class Recorder {

		private final Session session;

		private ByteBuf partial;

		private boolean text;

		private int frames;

		Recorder(Session session) {
			this.session = session;
		}

		void record(WebSocketFrame frame) {
			if (frame instanceof PongWebSocketFrame) {
				this.session.pongs.add(frame.content().toString(StandardCharsets.UTF_8));
				return;
			}
			if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
				this.partial = Unpooled.buffer();
				this.text = frame instanceof TextWebSocketFrame;
				this.frames = 0;
			}
			else if (!(frame instanceof ContinuationWebSocketFrame) || this.partial == null) {
				return;
			}
			this.frames++;
			this.partial.writeBytes(frame.content(), frame.content().readerIndex(), frame.content().readableBytes());
			if (frame.isFinalFragment()) {
				this.session.messages.add(new Received(this.text, ByteBufUtil.getBytes(this.partial), this.frames));
				this.partial.release();
				this.partial = null;
			}
		}

	}

}
