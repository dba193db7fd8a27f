package io.wsedge.benchmarks;

import java.util.Collection;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every JMH benchmark once, in this JVM and for a moment: that each one runs, not how fast.
 */
class JmhSmokeTests {

	@Test
	void everyBenchmarkRuns() throws RunnerException {
		Options options = new OptionsBuilder().include("io\\.wsedge\\.benchmarks\\.jmh\\..*")
			.forks(0)
			.warmupIterations(0)
			.measurementIterations(1)
			.measurementTime(TimeValue.milliseconds(100))
			.shouldFailOnError(true)
			.build();
		Collection<RunResult> results = new Runner(options).run();
		// ChainBenchmark with 0, 1, 3 and 10 interceptors, the nine of MessageBenchmark, and PayloadReadBenchmark's
		// four ways to read at two sizes, and ValidationBenchmark's three messages.
		assertThat(results).hasSize(24);
		assertThat(results).allSatisfy((result) -> assertThat(result.getPrimaryResult().getScore()).isPositive());
	}

}
