package io.wsedge.benchmarks.jmh;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;

import org.springframework.http.HttpHeaders;

import io.wsedge.policy.OriginPolicy;
import io.wsedge.policy.ClosePolicies;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.Leg;
import io.wsedge.policy.Limits;
import io.wsedge.engine.NamedInterceptor;
import io.wsedge.engine.ProxySession;
import io.wsedge.engine.RouteMetrics;

/**
 * One session of the real engine between two legs that write nowhere, as {@code io.wsedge.test.ChainRunner}
 * drives it, but without its hand-off to an event loop: the benchmark thread is the session's executor. A
 * benchmark passes frames to {@link #session}'s {@code onFrame}; the target leg counts and releases them.
 */
final class Engine {

	final ProxySession session;

	final CountingLeg client = new CountingLeg();

	final CountingLeg upstream = new CountingLeg();

	Engine(Limits limits, RouteMetrics metrics, List<NamedInterceptor> clientChain,
			List<NamedInterceptor> upstreamChain) {
		EdgeRoute route = new EdgeRoute("bench", "/", URI.create("ws://upstream.test/"), limits,
				ClosePolicies.DEFAULTS, clientChain, upstreamChain, List.of(), metrics, 0, OriginPolicy.ANY);
		this.session = new ProxySession(new EdgeEngine(List.of()), route,
				InetSocketAddress.createUnresolved("client.test", 50000), URI.create("ws://edge.test/"),
				new HttpHeaders(), null, null);
		this.session.start(this.client, this.upstream, null, null);
	}

	/**
	 * Limits as the edge's defaults but without timers (no idle timeout, no pings), as in a benchmark there is
	 * no event loop to run them.
	 * @param messagesPerSecond the client rate limit, 0 for none
	 * @return the limits
	 */
	static Limits limits(double messagesPerSecond) {
		Limits defaults = Limits.DEFAULTS;
		return new Limits(defaults.maxPayloadSize(), defaults.upstreamMaxPayloadSize(), defaults.maxFrameSize(),
				defaults.maxBufferedBytes(), defaults.connectTimeout(), defaults.closeTimeout(),
				java.time.Duration.ZERO, java.time.Duration.ZERO, defaults.pongTimeout(), 0, messagesPerSecond,
				(messagesPerSecond > 0) ? Integer.MAX_VALUE : 0, false, defaults.maxFragments(), java.time.Duration.ZERO, 0, 0);
	}

	/**
	 * {@code count} interceptors that do nothing, each of its own class, as the beans of an application are:
	 * the chain's call site sees as many receiver types as a real chain does.
	 * @param count how many, up to 10
	 * @return the chain
	 */
	static List<NamedInterceptor> noOps(int count) {
		NamedInterceptor.Interceptor[] all = { new NoOp0(), new NoOp1(), new NoOp2(), new NoOp3(), new NoOp4(),
				new NoOp5(), new NoOp6(), new NoOp7(), new NoOp8(), new NoOp9() };
		List<NamedInterceptor> chain = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			chain.add(named("noOp" + i, all[i]));
		}
		return chain;
	}

	static NamedInterceptor named(String name, NamedInterceptor.Interceptor interceptor) {
		return new NamedInterceptor(name, interceptor, NamedInterceptor.InterceptorMeter.NONE);
	}

	/**
	 * A leg that counts what it is given and releases it, as a socket's write would once done.
	 */
	static final class CountingLeg implements Leg {

		long frames;

		long bytes;

		@Override
		public EventExecutor executor() {
			return ImmediateEventExecutor.INSTANCE;
		}

		@Override
		public SocketAddress remoteAddress() {
			return InetSocketAddress.createUnresolved("peer.test", 1);
		}

		@Override
		public void write(WebSocketFrame frame) {
			this.frames++;
			this.bytes += frame.content().readableBytes();
			frame.release();
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
			throw new IllegalStateException("The benchmark session closed: " + code + " " + reason);
		}

		@Override
		public void fail(int code, String reason) {
			close(code, reason);
		}

		@Override
		public boolean closeSent() {
			return false;
		}

		@Override
		public void terminate() {
		}

	}

	// Ten distinct no-op classes.

	static final class NoOp0 implements NamedInterceptor.Interceptor {

		@Override
		public void intercept(io.wsedge.api.FrameContext frame) {
		}

	}

	static final class NoOp1 implements NamedInterceptor.Interceptor {

		@Override
		public void intercept(io.wsedge.api.FrameContext frame) {
		}

	}

	static final class NoOp2 implements NamedInterceptor.Interceptor {

		@Override
		public void intercept(io.wsedge.api.FrameContext frame) {
		}

	}

	static final class NoOp3 implements NamedInterceptor.Interceptor {

		@Override
		public void intercept(io.wsedge.api.FrameContext frame) {
		}

	}

	static final class NoOp4 implements NamedInterceptor.Interceptor {

		@Override
		public void intercept(io.wsedge.api.FrameContext frame) {
		}

	}

	static final class NoOp5 implements NamedInterceptor.Interceptor {

		@Override
		public void intercept(io.wsedge.api.FrameContext frame) {
		}

	}

	static final class NoOp6 implements NamedInterceptor.Interceptor {

		@Override
		public void intercept(io.wsedge.api.FrameContext frame) {
		}

	}

	static final class NoOp7 implements NamedInterceptor.Interceptor {

		@Override
		public void intercept(io.wsedge.api.FrameContext frame) {
		}

	}

	static final class NoOp8 implements NamedInterceptor.Interceptor {

		@Override
		public void intercept(io.wsedge.api.FrameContext frame) {
		}

	}

	static final class NoOp9 implements NamedInterceptor.Interceptor {

		@Override
		public void intercept(io.wsedge.api.FrameContext frame) {
		}

	}

}
