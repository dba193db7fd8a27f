package io.wsedge.benchmarks.jmh;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.wsedge.api.FrameType;
import io.wsedge.benchmarks.load.Payloads;
import io.wsedge.metrics.MicrometerEdgeMetrics;
import io.wsedge.engine.RouteMetrics;
import io.wsedge.engine.Side;

/**
 * The other steps of the per-message path, each against a baseline of one 64-byte text frame relayed with no
 * interceptor ({@link ChainBenchmark} with 0): fragment aggregation, a payload rewrite (from bytes, which the
 * engine checks as UTF-8, and from a string), the demo's card-number
 * redactor, the Micrometer metrics, the size and rate checks, and a fresh frame per message (what a socket
 * read costs in allocation). Frames other than the fresh ones are made once and retained per pass.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MessageBenchmark {

	private static final byte[] TEXT = Payloads.text(64);

	/** A message in three frames: 22 + 21 + 21 bytes. */
	@State(Scope.Thread)
	public static class Fragmented {

		Engine engine;

		TextWebSocketFrame first;

		ContinuationWebSocketFrame middle;

		ContinuationWebSocketFrame last;

		@Setup
		public void setUp() {
			this.engine = new Engine(Engine.limits(0), RouteMetrics.NONE, Engine.noOps(1), List.of());
			this.first = new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(TEXT, 0, 22));
			this.middle = new ContinuationWebSocketFrame(false, 0, Unpooled.wrappedBuffer(TEXT, 22, 21));
			this.last = new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(TEXT, 43, 21));
		}

	}

	/** One interceptor that replaces every payload with bytes of the same size. */
	@State(Scope.Thread)
	public static class Rewriting {

		private static final byte[] REPLACEMENT = new String(TEXT, StandardCharsets.US_ASCII)
			.replace("4111 1111 1111", "**** **** ****")
			.getBytes(StandardCharsets.US_ASCII);

		Engine engine;

		TextWebSocketFrame frame;

		@Setup
		public void setUp() {
			this.engine = new Engine(Engine.limits(0), RouteMetrics.NONE,
					List.of(Engine.named("rewrite", (context) -> context.setPayload(REPLACEMENT))), List.of());
			this.frame = new TextWebSocketFrame(Unpooled.wrappedBuffer(TEXT));
		}

	}

	/** One interceptor that replaces every payload with a string of the same size. */
	@State(Scope.Thread)
	public static class RewritingText {

		private static final String REPLACEMENT = new String(Rewriting.REPLACEMENT, StandardCharsets.US_ASCII);

		Engine engine;

		TextWebSocketFrame frame;

		@Setup
		public void setUp() {
			this.engine = new Engine(Engine.limits(0), RouteMetrics.NONE,
					List.of(Engine.named("rewrite", (context) -> context.setPayload(REPLACEMENT))), List.of());
			this.frame = new TextWebSocketFrame(Unpooled.wrappedBuffer(TEXT));
		}

	}

	/** The demo's card-number redactor on upstream messages: a regex over text(), a rewrite on a match. */
	@State(Scope.Thread)
	public static class Redacting {

		private static final Pattern CARD = Pattern.compile("\\b(?:\\d{4}[ -]?){3}(\\d{4})\\b");

		Engine engine;

		TextWebSocketFrame frame;

		@Setup
		public void setUp() {
			this.engine = new Engine(Engine.limits(0), RouteMetrics.NONE, List.of(),
					List.of(Engine.named("redactor", (context) -> {
						if (context.type() != FrameType.TEXT) {
							return;
						}
						Matcher matcher = CARD.matcher(context.text());
						if (matcher.find()) {
							context.setPayload(matcher.replaceAll("**** **** **** $1"));
						}
					})));
			this.frame = new TextWebSocketFrame(Unpooled.wrappedBuffer(TEXT));
		}

	}

	/** The route's meters from {@link MicrometerEdgeMetrics} on a {@link SimpleMeterRegistry}. */
	@State(Scope.Thread)
	public static class Metered {

		Engine engine;

		RouteMetrics metrics;

		TextWebSocketFrame frame;

		@Setup
		public void setUp() {
			this.metrics = new MicrometerEdgeMetrics(new SimpleMeterRegistry()).route("bench");
			this.engine = new Engine(Engine.limits(0), this.metrics, List.of(), List.of());
			this.frame = new TextWebSocketFrame(Unpooled.wrappedBuffer(TEXT));
		}

	}

	/** A rate limit that never bites (10^12 messages per second), so every message takes a token. */
	@State(Scope.Thread)
	public static class RateLimited {

		Engine engine;

		TextWebSocketFrame frame;

		@Setup
		public void setUp() {
			this.engine = new Engine(Engine.limits(1e12), RouteMetrics.NONE, List.of(), List.of());
			this.frame = new TextWebSocketFrame(Unpooled.wrappedBuffer(TEXT));
		}

	}

	/** No interceptor, no meters, no rate limit: the baseline. */
	@State(Scope.Thread)
	public static class Plain {

		Engine engine;

		TextWebSocketFrame frame;

		@Setup
		public void setUp() {
			this.engine = new Engine(Engine.limits(0), RouteMetrics.NONE, List.of(), List.of());
			this.frame = new TextWebSocketFrame(Unpooled.wrappedBuffer(TEXT));
		}

	}

	@Benchmark
	public long baseline(Plain state) {
		state.engine.session.onFrame(Side.CLIENT, state.frame.retain());
		return state.engine.upstream.frames;
	}

	@Benchmark
	public long freshFrame(Plain state) {
		state.engine.session.onFrame(Side.CLIENT, new TextWebSocketFrame(Unpooled.wrappedBuffer(TEXT)));
		return state.engine.upstream.frames;
	}

	@Benchmark
	public long fragments(Fragmented state) {
		state.engine.session.onFrame(Side.CLIENT, state.first.retain());
		state.engine.session.onFrame(Side.CLIENT, state.middle.retain());
		state.engine.session.onFrame(Side.CLIENT, state.last.retain());
		return state.engine.upstream.frames;
	}

	@Benchmark
	public long rewrite(Rewriting state) {
		state.engine.session.onFrame(Side.CLIENT, state.frame.retain());
		return state.engine.upstream.frames;
	}

	@Benchmark
	public long rewriteText(RewritingText state) {
		state.engine.session.onFrame(Side.CLIENT, state.frame.retain());
		return state.engine.upstream.frames;
	}

	@Benchmark
	public long redactor(Redacting state) {
		state.engine.session.onFrame(Side.UPSTREAM, state.frame.retain());
		return state.engine.client.frames;
	}

	@Benchmark
	public long metrics(Metered state) {
		state.engine.session.onFrame(Side.CLIENT, state.frame.retain());
		return state.engine.upstream.frames;
	}

	@Benchmark
	public void metricsRecordOnly(Metered state) {
		state.metrics.received(Side.CLIENT, FrameType.TEXT, 64);
	}

	@Benchmark
	public long sizeAndRateChecks(RateLimited state) {
		state.engine.session.onFrame(Side.CLIENT, state.frame.retain());
		return state.engine.upstream.frames;
	}

}
