package io.wsedge.benchmarks.jmh;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
import io.wsedge.engine.RouteMetrics;
import io.wsedge.engine.Side;

/**
 * A single-frame 64-byte text message from the client through a chain of N interceptors that do nothing, to
 * the upstream leg. The frame is made once and retained for each pass (the leg releases it), so that what
 * {@code -prof gc} reports per operation is the engine's own allocation, not the payload's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChainBenchmark {

	@Param({ "0", "1", "3", "10" })
	public int interceptors;

	private Engine engine;

	private TextWebSocketFrame frame;

	@Setup
	public void setUp() {
		this.engine = new Engine(Engine.limits(0), RouteMetrics.NONE, Engine.noOps(this.interceptors), List.of());
		this.frame = new TextWebSocketFrame(Unpooled.wrappedBuffer(Payloads.text(64)));
	}

	@Benchmark
	public long relay() {
		this.engine.session.onFrame(Side.CLIENT, this.frame.retain());
		return this.engine.upstream.frames;
	}

}
