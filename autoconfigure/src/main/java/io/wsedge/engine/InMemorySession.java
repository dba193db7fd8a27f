package io.wsedge.engine;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.http.HttpHeaders;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.DefaultEventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.EventExecutor;
import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.api.EdgeSession;
import io.wsedge.api.FrameType;
import io.wsedge.api.MessageMode;
import io.wsedge.api.SessionEndListener;
import io.wsedge.api.SessionSummary;
import io.wsedge.api.UpgradeInterceptor;
import io.wsedge.api.UpstreamFrameInterceptor;
import io.wsedge.policy.ClosePolicies;
import io.wsedge.policy.Limits;
import io.wsedge.policy.OriginPolicy;

/**
 * One session of the real engine between two in-memory legs, on a thread of its own. It exists for the
 * {@code wsedge-test} kit ({@code io.wsedge.test}), which reaches the engine only through this class: whatever
 * the engine's internals become, the kit keeps working as long as this class does. Not for production use.
 * <p>
 * The interceptors' {@link MessageMode}s count as on the edge: where all of a direction's take fragments, a
 * fragmented message runs the chain fragment by fragment.
 * <p>
 * The legs behave as {@code NettyLeg} does on the wire: a frame written after the leg's close frame is
 * released unsent, and a leg ends once it has both sent and received a close frame, or failed. Nothing is
 * ever slow: the legs are always writable, and there are no close, idle or ping timers.
 * <p>
 * Every method may be called from any thread and waits (up to the timeout given at creation) for the
 * session's thread to do the work.
 */
public final class InMemorySession implements AutoCloseable {

	private final DefaultEventLoop loop = new DefaultEventLoop();

	private final Duration timeout;

	private final ProxySession session;

	private final MemoryLeg client;

	private final MemoryLeg upstream;

	private long drops;

	private InMemorySession(Setup setup) {
		this.timeout = setup.timeout();
		List<NamedInterceptor> clientChain = new ArrayList<>();
		for (ClientFrameInterceptor interceptor : setup.clientInterceptors()) {
			clientChain.add(named(interceptor, interceptor::intercept, interceptor.messageMode()));
		}
		List<NamedInterceptor> upstreamChain = new ArrayList<>();
		for (UpstreamFrameInterceptor interceptor : setup.upstreamInterceptors()) {
			upstreamChain.add(named(interceptor, interceptor::intercept, interceptor.messageMode()));
		}
		RouteMetrics metrics = new RouteMetrics() {
			@Override
			public void dropped(Side from, String reason) {
				InMemorySession.this.drops++;
			}
		};
		EdgeRoute route = new EdgeRoute(setup.routeId(), "/", URI.create("ws://upstream.test/"),
				Limits.ofPayloadSizes(setup.maxPayloadSize(), setup.upstreamMaxPayloadSize()), ClosePolicies.DEFAULTS,
				clientChain, upstreamChain, List.of(), metrics, 0, OriginPolicy.ANY);
		this.session = new ProxySession(new EdgeEngine(setup.endListeners()), route, setup.remoteAddress(),
				setup.uri(), setup.handshakeHeaders(), setup.principal(), setup.attributes());
		this.client = new MemoryLeg(Side.CLIENT);
		this.upstream = new MemoryLeg(Side.UPSTREAM);
		onLoop(() -> {
			this.session.start(this.client, this.upstream, setup.subprotocol(), null);
			return null;
		});
	}

	/**
	 * Opens a session and starts relaying; close it when done.
	 * @param setup what the session is made of
	 * @return the open session
	 */
	public static InMemorySession open(Setup setup) {
		return new InMemorySession(setup);
	}

	/**
	 * A route that runs {@code upgradeChain} on its upgrade requests, with the default limits and close
	 * policies, for running {@code io.wsedge.upgrade.UpgradeRequest} without a server.
	 * @param routeId the route's id
	 * @param upstream the route's upstream URI
	 * @param upgradeChain the upgrade interceptors, in order
	 * @return the route
	 */
	public static EdgeRoute upgradeRoute(String routeId, URI upstream, List<UpgradeInterceptor> upgradeChain) {
		return new EdgeRoute(routeId, "/", upstream, Limits.DEFAULTS, ClosePolicies.DEFAULTS, List.of(), List.of(),
				upgradeChain, RouteMetrics.NONE, 0, OriginPolicy.ANY);
	}

	private static NamedInterceptor named(Object interceptor, NamedInterceptor.Interceptor call, MessageMode mode) {
		String name = interceptor.getClass().getSimpleName();
		return new NamedInterceptor(name.isEmpty() ? interceptor.getClass().getName() : name, call,
				NamedInterceptor.InterceptorMeter.NONE, (mode != null) ? mode : MessageMode.WHOLE);
	}

	/**
	 * The session as interceptors and listeners see it.
	 * @return the session
	 */
	public EdgeSession session() {
		return this.session;
	}

	/**
	 * Delivers frames that arrived on the client leg, then the end of that read.
	 * @param frames the frames, in order; owned by the session from now on
	 * @throws IllegalStateException if the client's connection has ended
	 */
	public void fromClient(List<WebSocketFrame> frames) {
		receive(this.client, frames);
	}

	/**
	 * Delivers frames that arrived on the upstream leg, then the end of that read.
	 * @param frames the frames, in order; owned by the session from now on
	 * @throws IllegalStateException if the upstream's connection has ended
	 */
	public void fromUpstream(List<WebSocketFrame> frames) {
		receive(this.upstream, frames);
	}

	/**
	 * The client's connection ends without a close frame.
	 * @throws IllegalStateException if it has ended already
	 */
	public void clientDisconnects() {
		disconnect(this.client);
	}

	/**
	 * The upstream's connection ends without a close frame.
	 * @throws IllegalStateException if it has ended already
	 */
	public void upstreamDisconnects() {
		disconnect(this.upstream);
	}

	/**
	 * The client breaks the protocol, as a frame decoder reports it (RFC 6455 §7.1.7).
	 * @param code the close status the violation implies, such as 1002
	 * @param reason what was wrong
	 */
	public void clientBreaksProtocol(int code, String reason) {
		onLoop(() -> {
			this.session.onProtocolError(Side.CLIENT, code, reason);
			return null;
		});
	}

	/**
	 * The upstream breaks the protocol, as a frame decoder reports it.
	 * @param code the close status the violation implies, such as 1002
	 * @param reason what was wrong
	 */
	public void upstreamBreaksProtocol(int code, String reason) {
		onLoop(() -> {
			this.session.onProtocolError(Side.UPSTREAM, code, reason);
			return null;
		});
	}

	/**
	 * Closes both sides with the shutdown policy, as the drain does.
	 */
	public void shutdown() {
		this.session.shutdown();
	}

	/**
	 * What the session has done so far, read consistently on the session's thread.
	 * @return the state now
	 */
	public Snapshot snapshot() {
		return onLoop(() -> new Snapshot(this.client.state(), this.upstream.state(), this.drops,
				this.session.end().isDone()));
	}

	/**
	 * Completes with the session's account once both legs have ended.
	 * @return the end of the session
	 */
	public CompletableFuture<SessionSummary> end() {
		return this.session.end();
	}

	/**
	 * Stops the session's thread. A session that has not ended never tells its end listeners.
	 */
	@Override
	public void close() {
		this.loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
	}

	private void receive(MemoryLeg leg, List<WebSocketFrame> frames) {
		onLoop(() -> {
			if (leg.ended) {
				frames.forEach(WebSocketFrame::release);
				throw new IllegalStateException("The " + leg.name() + "'s connection has ended");
			}
			for (WebSocketFrame frame : frames) {
				boolean close = frame instanceof CloseWebSocketFrame;
				if (close) {
					leg.closeReceived = true;
				}
				this.session.onFrame(leg.side, frame);
				if (close && leg.closeSent) {
					// Both close frames have passed: the closing handshake is complete (RFC 6455 §7.1.1).
					leg.terminate();
				}
			}
			this.session.onReadComplete(leg.side);
			return null;
		});
	}

	private void disconnect(MemoryLeg leg) {
		onLoop(() -> {
			if (leg.ended) {
				throw new IllegalStateException("The " + leg.name() + "'s connection has ended");
			}
			leg.ended = true;
			this.session.onClosed(leg.side);
			return null;
		});
	}

	private <T> T onLoop(Callable<T> task) {
		try {
			return this.loop.submit(task).get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("The session's thread did not answer within " + this.timeout, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * What makes up a session.
	 *
	 * @param routeId the route's id
	 * @param uri the URI the client asked for
	 * @param remoteAddress the client's address
	 * @param handshakeHeaders the headers of the client's upgrade request
	 * @param principal the authenticated principal, or {@code null}
	 * @param attributes the session attributes seeded by upgrade interceptors
	 * @param subprotocol the subprotocol the upstream chose, or {@code null}
	 * @param clientInterceptors the client interceptors, in order
	 * @param upstreamInterceptors the upstream interceptors, in order
	 * @param maxPayloadSize the largest whole message accepted from the client
	 * @param upstreamMaxPayloadSize the largest whole message accepted from the upstream
	 * @param endListeners told when the session has ended
	 * @param timeout how long a call waits for the session's thread
	 */
	public record Setup(String routeId, URI uri, InetSocketAddress remoteAddress, HttpHeaders handshakeHeaders,
			Principal principal, Map<String, Object> attributes, String subprotocol,
			List<ClientFrameInterceptor> clientInterceptors, List<UpstreamFrameInterceptor> upstreamInterceptors,
			long maxPayloadSize, long upstreamMaxPayloadSize, List<SessionEndListener> endListeners,
			Duration timeout) {
	}

	/**
	 * The session's state at one moment.
	 *
	 * @param client what the client leg has seen
	 * @param upstream what the upstream leg has seen
	 * @param drops the messages dropped so far, by interceptors or policies
	 * @param ended whether the session has ended on both legs
	 */
	public record Snapshot(LegState client, LegState upstream, long drops, boolean ended) {
	}

	/**
	 * One leg's state at one moment.
	 *
	 * @param written every frame the edge sent on the leg, its close frame included, in order
	 * @param reading whether the edge reads from the leg (it pauses while a deferred interceptor runs)
	 * @param closeReceived whether the peer's close frame has arrived
	 * @param ended whether the connection has ended
	 */
	public record LegState(List<Written> written, boolean reading, boolean closeReceived, boolean ended) {

		/**
		 * The close frame the edge sent on the leg.
		 * @return the close frame, or {@code null} if none was sent
		 */
		public Written closeSent() {
			for (Written frame : this.written) {
				if (frame.type() == FrameType.CLOSE) {
					return frame;
				}
			}
			return null;
		}

	}

	/**
	 * A frame the edge sent on a leg.
	 *
	 * @param type the message type, continuation frames taking their message's
	 * @param payload the payload; for a close frame, its reason's UTF-8 bytes
	 * @param last whether it is the final frame of its message
	 * @param closeStatus a close frame's status ({@code 1005} when it has none), otherwise {@code -1}
	 */
	public record Written(FrameType type, byte[] payload, boolean last, int closeStatus) {
	}

	/**
	 * A leg that keeps what the engine sends instead of writing to a socket. Confined to the session's thread.
	 */
	private final class MemoryLeg implements Leg {

		private final Side side;

		private final List<Written> written = new ArrayList<>();

		private FrameType messageType = FrameType.TEXT;

		private boolean reading = true;

		private boolean closeSent;

		private boolean closeReceived;

		private boolean ended;

		MemoryLeg(Side side) {
			this.side = side;
		}

		String name() {
			return (this.side == Side.CLIENT) ? "client" : "upstream";
		}

		LegState state() {
			return new LegState(List.copyOf(this.written), this.reading, this.closeReceived, this.ended);
		}

		@Override
		public EventExecutor executor() {
			return InMemorySession.this.loop;
		}

		@Override
		public SocketAddress remoteAddress() {
			return InetSocketAddress.createUnresolved(name() + ".test", 1);
		}

		@Override
		public void write(WebSocketFrame frame) {
			try {
				if (!this.closeSent && !this.ended) {
					this.written.add(new Written(type(frame), ByteBufUtil.getBytes(frame.content()),
							frame.isFinalFragment(), -1));
				}
			}
			finally {
				frame.release();
			}
		}

		private FrameType type(WebSocketFrame frame) {
			if (frame instanceof ContinuationWebSocketFrame) {
				return this.messageType;
			}
			FrameType type;
			if (frame instanceof TextWebSocketFrame) {
				type = FrameType.TEXT;
			}
			else if (frame instanceof BinaryWebSocketFrame) {
				type = FrameType.BINARY;
			}
			else if (frame instanceof PingWebSocketFrame) {
				return FrameType.PING;
			}
			else if (frame instanceof PongWebSocketFrame) {
				return FrameType.PONG;
			}
			else {
				throw new IllegalArgumentException("Close frames are sent with close(): " + frame);
			}
			this.messageType = type;
			return type;
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
			this.reading = reading;
		}

		@Override
		public void close(int code, String reason) {
			if (this.closeSent || this.ended) {
				return;
			}
			sendClose(code, reason);
			if (this.closeReceived) {
				terminate();
			}
		}

		@Override
		public void fail(int code, String reason) {
			if (this.ended) {
				return;
			}
			if (!this.closeSent) {
				sendClose(code, reason);
			}
			terminate();
		}

		private void sendClose(int code, String reason) {
			this.closeSent = true;
			String text = (reason != null) ? reason : "";
			this.written.add(new Written(FrameType.CLOSE, text.getBytes(StandardCharsets.UTF_8), true, code));
		}

		@Override
		public boolean closeSent() {
			return this.closeSent;
		}

		@Override
		public void terminate() {
			if (this.ended) {
				return;
			}
			this.ended = true;
			// A connection reports its end after the event that ended it, as a channel's inactivity would.
			InMemorySession.this.loop.execute(() -> InMemorySession.this.session.onClosed(this.side));
		}

	}

}
