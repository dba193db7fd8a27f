package io.wsedge.benchmarks.jmh;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.wsedge.benchmarks.load.Payloads;
import io.wsedge.engine.NamedInterceptor;
import io.wsedge.engine.RouteMetrics;
import io.wsedge.engine.Side;

/**
 * How an interceptor reads the payload, each case a chain of two interceptors that read it the same way (as a
 * route with two inspecting interceptors does): {@code payload()} (a copy per message, shared by both),
 * {@code payloadView()} (a read-only view of the edge's buffer, shared and rewound), {@code text()} (decoded once
 * per message). {@code none} is the same chain reading nothing. Frames are made once and retained per pass, so
 * {@code gc.alloc.rate.norm} is what the reading costs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PayloadReadBenchmark {

	/** Two interceptors that read the payload one way; what they read is summed so it is not optimised away. */
	@State(Scope.Thread)
	public static class Reading {

		@Param({ "64", "4096" })
		int size;

		@Param({ "none", "payload", "payloadView", "text" })
		String read;

		Engine engine;

		TextWebSocketFrame frame;

		long sink;

		@Setup(Level.Trial)
		public void setUp() {
			NamedInterceptor.Interceptor reader = switch (this.read) {
				case "payload" -> (context) -> this.sink += context.payload().length;
				case "payloadView" -> (context) -> {
					ByteBuffer view = context.payloadView();
					this.sink += view.remaining() + view.get(view.position());
				};
				case "text" -> (context) -> this.sink += context.text().length();
				default -> (context) -> this.sink++;
			};
			this.engine = new Engine(Engine.limits(0), RouteMetrics.NONE,
					List.of(Engine.named("first", reader), Engine.named("second", reader)), List.of());
			this.frame = new TextWebSocketFrame(Unpooled.wrappedBuffer(Payloads.text(this.size)));
		}

	}

	@Benchmark
	public long read(Reading state) {
		state.engine.session.onFrame(Side.CLIENT, state.frame.retain());
		return state.engine.upstream.frames + state.sink;
	}

}
