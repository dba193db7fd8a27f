package io.wsedge.test;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.EventExecutor;

import org.springframework.http.HttpHeaders;

import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.api.EdgeSession;
import io.wsedge.api.FrameType;
import io.wsedge.api.UpstreamFrameInterceptor;
import io.wsedge.policy.OriginPolicy;
import io.wsedge.policy.ClosePolicies;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.Leg;
import io.wsedge.policy.Limits;
import io.wsedge.engine.NamedInterceptor;
import io.wsedge.engine.ProxySession;
import io.wsedge.engine.RouteMetrics;
import io.wsedge.engine.Side;

/**
 * Runs interceptors on messages without a network, through the same engine the edge runs, and tells what
 * the edge would do with each message: forward it (as it is or rewritten), drop it, or close the session.
 * The test kit counterpart of Ktor's {@code handleWebSocketConversation}.
 * <pre class="code">
 * try (ChainRunner runner = ChainRunner.builder().clientInterceptors(new RedactingInterceptor()).build()) {
 *     ChainRunner.Outcome outcome = runner.fromClient().text("card 4111-1111");
 *     assertThat(outcome.forwardedText()).isEqualTo("card ****");
 * }
 * </pre>
 * Each runner is one session. Deferred interceptors are waited for (up to the builder's timeout); messages are
 * handled in order, one at a time, on a thread of the runner's own, as on the edge's event loop.
 */
public final class ChainRunner implements AutoCloseable {

	private final DefaultEventLoop loop = new DefaultEventLoop();

	private final ProxySession session;

	private final RecordingLeg client;

	private final RecordingLeg upstream;

	private final Duration timeout;

	private int drops;

	private ChainRunner(Builder builder) {
		this.timeout = builder.timeout;
		Limits limits = Limits.ofPayloadSizes(builder.maxPayloadSize, builder.upstreamMaxPayloadSize);
		RouteMetrics metrics = new RouteMetrics() {
			@Override
			public void dropped(Side from, String reason) {
				ChainRunner.this.drops++;
			}
		};
		EdgeRoute route = new EdgeRoute(builder.routeId, "/", URI.create("ws://upstream.test/"), limits,
				ClosePolicies.DEFAULTS, named(builder.client), named(builder.upstream), List.of(), metrics, 0,
				OriginPolicy.ANY);
		this.session = new ProxySession(new EdgeEngine(List.of()), route,
				InetSocketAddress.createUnresolved("client.test", 50000), URI.create("ws://edge.test/"),
				builder.headers, null, builder.attributes);
		this.client = new RecordingLeg(this.loop);
		this.upstream = new RecordingLeg(this.loop);
		String subprotocol = builder.subprotocol;
		onLoop(() -> {
			this.session.start(this.client, this.upstream, subprotocol, null);
			return null;
		});
	}

	private static List<NamedInterceptor> named(List<Map.Entry<String, NamedInterceptor.Interceptor>> list) {
		List<NamedInterceptor> named = new ArrayList<>();
		for (Map.Entry<String, NamedInterceptor.Interceptor> entry : list) {
			named.add(new NamedInterceptor(entry.getKey(), entry.getValue(), NamedInterceptor.InterceptorMeter.NONE));
		}
		return named;
	}

	/**
	 * Starts a runner.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Messages sent by the client, through the {@link ClientFrameInterceptor}s.
	 * @return the client's sender
	 */
	public Sender fromClient() {
		return new Sender(Side.CLIENT);
	}

	/**
	 * Messages sent by the upstream, through the {@link UpstreamFrameInterceptor}s.
	 * @return the upstream's sender
	 */
	public Sender fromUpstream() {
		return new Sender(Side.UPSTREAM);
	}

	/**
	 * The session the interceptors see.
	 * @return the session
	 */
	public EdgeSession session() {
		return this.session;
	}

	/**
	 * Whether the session is closing: an interceptor or a limit closed it, or a close frame passed.
	 * @return whether a close frame went to either side
	 */
	public boolean isClosed() {
		return onLoop(() -> this.client.close != null || this.upstream.close != null);
	}

	@Override
	public void close() {
		this.loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
	}

	private Outcome send(Side from, WebSocketFrame frame) {
		RecordingLeg target = (from == Side.CLIENT) ? this.upstream : this.client;
		int[] before = onLoop(() -> new int[] { target.written.size(), this.drops, closes() });
		if (onLoop(() -> this.client.close != null && this.upstream.close != null)) {
			frame.release();
			throw new IllegalStateException("The session is closed");
		}
		onLoop(() -> {
			this.session.onFrame(from, frame);
			this.session.onReadComplete(from);
			return null;
		});
		long deadline = System.nanoTime() + this.timeout.toNanos();
		while (true) {
			Outcome outcome = onLoop(() -> outcome(target, before));
			if (outcome != null) {
				return outcome;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("No outcome within " + this.timeout
						+ "; does a deferred stage never complete?");
			}
			sleep();
		}
	}

	private Outcome outcome(RecordingLeg target, int[] before) {
		List<Frame> forwarded = new ArrayList<>(target.written.subList(before[0], target.written.size()));
		boolean dropped = this.drops > before[1];
		boolean closed = closes() > before[2];
		if (forwarded.isEmpty() && !dropped && !closed) {
			return null;
		}
		return new Outcome(forwarded, dropped, this.client.close, this.upstream.close);
	}

	private int closes() {
		return ((this.client.close != null) ? 1 : 0) + ((this.upstream.close != null) ? 1 : 0);
	}

	private <T> T onLoop(Callable<T> task) {
		try {
			return this.loop.submit(task).get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void sleep() {
		try {
			Thread.sleep(2);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Sends messages from one side.
	 */
	public final class Sender {

		private final Side side;

		private Sender(Side side) {
			this.side = side;
		}

		/**
		 * Sends a text message.
		 * @param text the message
		 * @return what the edge did with it
		 */
		public Outcome text(String text) {
			return send(this.side, new TextWebSocketFrame(text));
		}

		/**
		 * Sends a binary message.
		 * @param payload the message
		 * @return what the edge did with it
		 */
		public Outcome binary(byte[] payload) {
			return send(this.side, new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload.clone())));
		}

		/**
		 * Sends a text message in fragments, as a client sending continuation frames would.
		 * @param fragments the fragments, at least two
		 * @return what the edge did with the whole message
		 */
		public Outcome fragmentedText(String... fragments) {
			if (fragments.length < 2) {
				throw new IllegalArgumentException("A fragmented message has at least two fragments");
			}
			for (int i = 0; i < fragments.length - 1; i++) {
				WebSocketFrame frame = (i == 0) ? new TextWebSocketFrame(false, 0, fragments[i])
						: new ContinuationWebSocketFrame(false, 0, fragments[i]);
				onLoop(() -> {
					ChainRunner.this.session.onFrame(this.side, frame);
					return null;
				});
			}
			return send(this.side, new ContinuationWebSocketFrame(true, 0,
					fragments[fragments.length - 1]));
		}

		/**
		 * Sends a ping.
		 * @param payload at most 125 bytes
		 * @return what the edge did with it
		 */
		public Outcome ping(byte[] payload) {
			return send(this.side, new PingWebSocketFrame(Unpooled.wrappedBuffer(payload.clone())));
		}

		/**
		 * Sends a pong.
		 * @param payload at most 125 bytes
		 * @return what the edge did with it
		 */
		public Outcome pong(byte[] payload) {
			return send(this.side, new PongWebSocketFrame(Unpooled.wrappedBuffer(payload.clone())));
		}

		/**
		 * Sends a close frame.
		 * @param status the status code
		 * @param reason the reason
		 * @return what the edge did with it
		 */
		public Outcome close(int status, String reason) {
			return send(this.side, new CloseWebSocketFrame(status, reason));
		}

	}

	/**
	 * What the edge did with one message.
	 *
	 * @param forwarded the frames sent on to the other side (usually one; an unchanged fragmented message keeps
	 * its fragments)
	 * @param dropped whether an interceptor dropped it
	 * @param clientClose the close frame sent to the client, if the session is closing
	 * @param upstreamClose the close frame sent to the upstream, if the session is closing
	 */
	public record Outcome(List<Frame> forwarded, boolean dropped, Frame clientClose, Frame upstreamClose) {

		/**
		 * Whether the message went on to the other side.
		 * @return whether anything was forwarded
		 */
		public boolean isForwarded() {
			return !this.forwarded.isEmpty();
		}

		/**
		 * The forwarded message as text (fragments joined).
		 * @return the text
		 * @throws IllegalStateException if nothing was forwarded
		 */
		public String forwardedText() {
			return new String(forwardedPayload(), StandardCharsets.UTF_8);
		}

		/**
		 * The forwarded message's payload (fragments joined).
		 * @return the payload
		 * @throws IllegalStateException if nothing was forwarded
		 */
		public byte[] forwardedPayload() {
			if (this.forwarded.isEmpty()) {
				throw new IllegalStateException("Nothing was forwarded: " + this);
			}
			int length = this.forwarded.stream().mapToInt((frame) -> frame.payload().length).sum();
			byte[] joined = new byte[length];
			int offset = 0;
			for (Frame frame : this.forwarded) {
				System.arraycopy(frame.payload(), 0, joined, offset, frame.payload().length);
				offset += frame.payload().length;
			}
			return joined;
		}

		/**
		 * Whether the session is closing after this message.
		 * @return whether a close frame went to either side
		 */
		public boolean isClosed() {
			return this.clientClose != null || this.upstreamClose != null;
		}

	}

	/**
	 * A frame the edge sent.
	 *
	 * @param type the frame type
	 * @param payload the payload (for close frames the reason)
	 * @param closeStatus the status of a close frame ({@code 1005} for none), otherwise {@code -1}
	 */
	public record Frame(FrameType type, byte[] payload, int closeStatus) {

		/**
		 * The payload as text.
		 * @return the payload decoded as UTF-8
		 */
		public String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		@Override
		public String toString() {
			return this.type + ((this.closeStatus != -1) ? " " + this.closeStatus : "") + " '" + text() + "'";
		}

	}

	/**
	 * Configures a runner.
	 */
	public static final class Builder {

		private final List<Map.Entry<String, NamedInterceptor.Interceptor>> client = new ArrayList<>();

		private final List<Map.Entry<String, NamedInterceptor.Interceptor>> upstream = new ArrayList<>();

		private final HttpHeaders headers = new HttpHeaders();

		private final Map<String, Object> attributes = new LinkedHashMap<>();

		private String routeId = "test";

		private String subprotocol;

		private long maxPayloadSize = Limits.DEFAULTS.maxPayloadSize();

		private long upstreamMaxPayloadSize = Limits.DEFAULTS.upstreamMaxPayloadSize();

		private Duration timeout = Duration.ofSeconds(5);

		private Builder() {
		}

		/**
		 * Adds client interceptors, run in the order given.
		 * @param interceptors the interceptors
		 * @return this builder
		 */
		public Builder clientInterceptors(ClientFrameInterceptor... interceptors) {
			for (ClientFrameInterceptor interceptor : interceptors) {
				this.client.add(Map.entry(name(interceptor), interceptor::intercept));
			}
			return this;
		}

		/**
		 * Adds upstream interceptors, run in the order given.
		 * @param interceptors the interceptors
		 * @return this builder
		 */
		public Builder upstreamInterceptors(UpstreamFrameInterceptor... interceptors) {
			for (UpstreamFrameInterceptor interceptor : interceptors) {
				this.upstream.add(Map.entry(name(interceptor), interceptor::intercept));
			}
			return this;
		}

		/**
		 * Sets the session's route id.
		 * @param routeId the route id
		 * @return this builder
		 */
		public Builder routeId(String routeId) {
			this.routeId = Objects.requireNonNull(routeId);
			return this;
		}

		/**
		 * Adds a header of the client's upgrade request.
		 * @param name the header name
		 * @param value the header value
		 * @return this builder
		 */
		public Builder handshakeHeader(String name, String value) {
			this.headers.add(name, value);
			return this;
		}

		/**
		 * Sets the session's subprotocol.
		 * @param subprotocol the subprotocol
		 * @return this builder
		 */
		public Builder subprotocol(String subprotocol) {
			this.subprotocol = subprotocol;
			return this;
		}

		/**
		 * Seeds a session attribute, as an upgrade interceptor would.
		 * @param name the attribute name
		 * @param value the value
		 * @return this builder
		 */
		public Builder attribute(String name, Object value) {
			this.attributes.put(name, value);
			return this;
		}

		/**
		 * Sets the payload limit for client messages ({@code max-payload-size}).
		 * @param bytes the limit
		 * @return this builder
		 */
		public Builder maxPayloadSize(long bytes) {
			this.maxPayloadSize = bytes;
			return this;
		}

		/**
		 * Sets the payload limit for upstream messages ({@code upstream-max-payload-size}).
		 * @param bytes the limit
		 * @return this builder
		 */
		public Builder upstreamMaxPayloadSize(long bytes) {
			this.upstreamMaxPayloadSize = bytes;
			return this;
		}

		/**
		 * Sets how long to wait for a deferred interceptor before failing.
		 * @param timeout the timeout, 5 seconds by default
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			this.timeout = Objects.requireNonNull(timeout);
			return this;
		}

		/**
		 * Creates the runner; close it when done.
		 * @return the runner
		 */
		public ChainRunner build() {
			return new ChainRunner(this);
		}

		private static String name(Object interceptor) {
			String name = interceptor.getClass().getSimpleName();
			return name.isEmpty() ? interceptor.getClass().getName() : name;
		}

	}

	/**
	 * A leg that records what the engine sends instead of writing to a socket.
	 */
	private static final class RecordingLeg implements Leg {

		private final EventExecutor executor;

		private final List<Frame> written = new ArrayList<>();

		private Frame close;

		private FrameType messageType = FrameType.TEXT;

		RecordingLeg(EventExecutor executor) {
			this.executor = executor;
		}

		@Override
		public EventExecutor executor() {
			return this.executor;
		}

		@Override
		public SocketAddress remoteAddress() {
			return InetSocketAddress.createUnresolved("peer.test", 1);
		}

		@Override
		public void write(WebSocketFrame frame) {
			try {
				if (this.close == null) {
					this.written.add(new Frame(type(frame), ByteBufUtil.getBytes(frame.content()), -1));
					if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
						this.messageType = type(frame);
					}
				}
			}
			finally {
				frame.release();
			}
		}

		private FrameType type(WebSocketFrame frame) {
			// A continuation frame carries on the message's type.
			if (frame instanceof ContinuationWebSocketFrame) {
				return this.messageType;
			}
			return (frame instanceof TextWebSocketFrame) ? FrameType.TEXT
					: (frame instanceof BinaryWebSocketFrame) ? FrameType.BINARY
							: (frame instanceof io.netty.handler.codec.http.websocketx.PingWebSocketFrame) ? FrameType.PING
									: FrameType.PONG;
		}

		@Override
		public void flush() {
		}

		@Override
		public boolean isWritable() {
			return true;
		}

		@Override
		public long queuedBytes() {
			return 0;
		}

		@Override
		public void setReading(boolean reading) {
		}

		@Override
		public void close(int code, String reason) {
			if (this.close == null) {
				this.close = new Frame(FrameType.CLOSE, reason.getBytes(StandardCharsets.UTF_8), code);
			}
		}

		@Override
		public void fail(int code, String reason) {
			close(code, reason);
		}

		@Override
		public boolean closeSent() {
			return this.close != null;
		}

		@Override
		public void terminate() {
		}

	}

}
