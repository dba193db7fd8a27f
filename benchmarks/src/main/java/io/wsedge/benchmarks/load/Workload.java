package io.wsedge.benchmarks.load;

import java.time.Duration;

/**
 * What the load client does on its connections during one run.
 *
 * @param connections the connections to open
 * @param inFlight for a closed loop, the messages each connection keeps in flight (each echo sends the next);
 * 0 for an open loop at {@code ratePerSecond}
 * @param ratePerSecond for an open loop, the messages per second over all connections; 0 for none (idle)
 * @param payloadSize the message size in bytes
 * @param binary whether messages are binary (otherwise JSON text)
 * @param preamble a text message each connection sends first and expects no echo of (the interceptors' token),
 * or {@code null}
 * @param compress whether connections offer permessage-deflate
 * @param warmup the time traffic runs before the measured window
 * @param measure the measured window
 */
public record Workload(int connections, int inFlight, double ratePerSecond, int payloadSize, boolean binary,
		String preamble, boolean compress, Duration warmup, Duration measure) {

	public static Workload closedLoop(int connections, int inFlight, int payloadSize, boolean binary) {
		return new Workload(connections, inFlight, 0, payloadSize, binary, null, false, Duration.ofSeconds(3),
				Duration.ofSeconds(10));
	}

	public static Workload openLoop(int connections, double ratePerSecond, int payloadSize) {
		return new Workload(connections, 0, ratePerSecond, payloadSize, false, null, false, Duration.ofSeconds(3),
				Duration.ofSeconds(10));
	}

	public Workload withTimes(Duration warmup, Duration measure) {
		return new Workload(this.connections, this.inFlight, this.ratePerSecond, this.payloadSize, this.binary,
				this.preamble, this.compress, warmup, measure);
	}

	public Workload withPreamble(String preamble) {
		return new Workload(this.connections, this.inFlight, this.ratePerSecond, this.payloadSize, this.binary,
				preamble, this.compress, this.warmup, this.measure);
	}

	public Workload withConnections(int connections) {
		return new Workload(connections, this.inFlight, this.ratePerSecond, this.payloadSize, this.binary,
				this.preamble, this.compress, this.warmup, this.measure);
	}

	public Workload withRate(double ratePerSecond) {
		return new Workload(this.connections, this.inFlight, ratePerSecond, this.payloadSize, this.binary,
				this.preamble, this.compress, this.warmup, this.measure);
	}

	public Workload withCompression(boolean compress) {
		return new Workload(this.connections, this.inFlight, this.ratePerSecond, this.payloadSize, this.binary,
				this.preamble, compress, this.warmup, this.measure);
	}

	boolean closed() {
		return this.inFlight > 0;
	}

}
