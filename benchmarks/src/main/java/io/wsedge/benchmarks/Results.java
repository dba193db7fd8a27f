package io.wsedge.benchmarks;

import org.HdrHistogram.Histogram;

/**
 * What the runner measured.
 */
final class Results {

	private Results() {
	}

	/**
	 * One traffic scenario against one target, over the measured window.
	 *
	 * @param scenario the scenario's id
	 * @param target {@code direct}, {@code edge} or {@code nginx}
	 * @param connections the connections that opened
	 * @param failed the connections that did not
	 * @param nanos the window
	 * @param messages echoes received in the window (each crossed the proxy twice)
	 * @param bytes payload bytes of those echoes
	 * @param latency round-trip times in nanoseconds
	 * @param proxyCpuNanos CPU the proxy used in the window (0 for direct)
	 * @param loadCpuNanos CPU the load client and the upstream used
	 * @param otherCpuNanos CPU every other process used
	 * @param softirqNanos CPU the machine spent in soft interrupts (the loopback network)
	 * @param errors wrong-sized echoes, failures, unexpected closes
	 * @param skipped open-loop sends skipped as too many were in flight
	 */
	record Traffic(String scenario, String target, int connections, int failed, long nanos, long messages, long bytes,
			Histogram latency, long proxyCpuNanos, long loadCpuNanos, long otherCpuNanos, long softirqNanos,
			long errors, long skipped) {

		double seconds() {
			return this.nanos / 1e9;
		}

		double messagesPerSecond() {
			return this.messages / seconds();
		}

		double megabytesPerSecond() {
			return this.bytes / seconds() / 1e6;
		}

		/** Proxy CPU per message relayed in one direction; a round trip is two. */
		double cpuMicrosPerMessage() {
			return (this.messages == 0) ? Double.NaN : this.proxyCpuNanos / 1e3 / (2.0 * this.messages);
		}

		double percentileMicros(double percentile) {
			return (this.latency.getTotalCount() == 0) ? Double.NaN
					: this.latency.getValueAtPercentile(percentile) / 1e3;
		}

		/** CPU of other processes as a percentage of one core. */
		double otherPercent() {
			return 100.0 * this.otherCpuNanos / this.nanos;
		}

		double loadPercent() {
			return 100.0 * this.loadCpuNanos / this.nanos;
		}

		double proxyPercent() {
			return 100.0 * this.proxyCpuNanos / this.nanos;
		}

	}

	/**
	 * Idle sessions opened on one target.
	 *
	 * @param target {@code direct}, {@code edge} or {@code nginx}
	 * @param sessions the sessions that opened
	 * @param failed the sessions that did not
	 * @param handshakeNanos the time from the first connect to the last handshake
	 * @param proxyCpuNanos the proxy's CPU during the handshakes
	 * @param rssBefore the proxy's resident memory before (bytes)
	 * @param rssOpen the proxy's resident memory with the sessions open
	 * @param heapBefore the edge's live heap after a full GC before, -1 when not a JVM of ours
	 * @param heapOpen the edge's live heap after a full GC with the sessions open
	 * @param otherCpuNanos CPU every other process used while the handshakes ran
	 * @param echoed the sessions one message went through and back, after {@code rssOpen} and {@code heapOpen}
	 * @param rssUsed the proxy's resident memory after that message
	 * @param heapUsed the edge's live heap after that message, -1 when not a JVM of ours
	 */
	record Idle(String target, int sessions, int failed, long handshakeNanos, long proxyCpuNanos, long rssBefore,
			long rssOpen, long heapBefore, long heapOpen, long otherCpuNanos, long echoed, long rssUsed,
			long heapUsed) {

		double handshakesPerSecond() {
			return (this.handshakeNanos == 0) ? Double.NaN : this.sessions / (this.handshakeNanos / 1e9);
		}

		double rssPerSessionKb() {
			return (this.rssOpen == 0 || this.sessions == 0) ? Double.NaN
					: (this.rssOpen - this.rssBefore) / 1024.0 / this.sessions;
		}

		double heapPerSessionKb() {
			return (this.heapBefore < 0 || this.sessions == 0) ? Double.NaN
					: (this.heapOpen - this.heapBefore) / 1024.0 / this.sessions;
		}

		/** RSS growth per session from before the sessions opened to after one message went through each. */
		double rssPerUsedSessionKb() {
			return (this.rssUsed == 0 || this.sessions == 0) ? Double.NaN
					: (this.rssUsed - this.rssBefore) / 1024.0 / this.sessions;
		}

		/** Live heap growth per session from before the sessions opened to after one message through each. */
		double heapPerUsedSessionKb() {
			return (this.heapBefore < 0 || this.sessions == 0) ? Double.NaN
					: (this.heapUsed - this.heapBefore) / 1024.0 / this.sessions;
		}

		double cpuMicrosPerHandshake() {
			return (this.sessions == 0 || this.proxyCpuNanos == 0) ? Double.NaN
					: this.proxyCpuNanos / 1e3 / this.sessions;
		}

		double otherPercent() {
			return (this.handshakeNanos == 0) ? Double.NaN : 100.0 * this.otherCpuNanos / this.handshakeNanos;
		}

	}

}
