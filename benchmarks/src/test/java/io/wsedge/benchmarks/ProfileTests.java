package io.wsedge.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Profiles a window of a real JFR recording of this JVM, in which one method kept a thread busy, and one window
 * in which nothing was recorded.
 */
class ProfileTests {

	@TempDir
	Path dir;

	private volatile long sink;

	@Test
	@Timeout(60)
	void countsTheBusyMethodInItsWindowOnly() throws Exception {
		Path file = this.dir.resolve("test.jfr");
		Instant from;
		Instant to;
		try (Recording recording = new Recording()) {
			recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
			recording.start();
			from = Instant.now();
			spin(Duration.ofSeconds(2));
			to = Instant.now();
			recording.stop();
			recording.dump(file);
		}
		List<Profile> profiles = Profile.of(file, List.of(new Profile.Window("busy", from, to),
				new Profile.Window("before", from.minusSeconds(60), from.minusSeconds(30))));
		Profile busy = profiles.get(0);
		assertThat(busy.samples()).isPositive();
		assertThat(busy.markdown("busy", 5)).contains("#### busy (", "| Layer of the top frame (self time) |",
				"ProfileTests.spin", "Steps anywhere on the stack");
		assertThat(profiles.get(1).samples()).isZero();
		assertThat(profiles.get(1).markdown("before", 5)).contains("No samples in this window.");
	}

	/** Keeps this thread on the CPU in Java code, where JFR samples it. */
	private void spin(Duration duration) {
		long end = System.nanoTime() + duration.toNanos();
		long x = 1;
		while (System.nanoTime() < end) {
			for (int i = 0; i < 10_000; i++) {
				x = x * 6364136223846793005L + 1442695040888963407L;
			}
		}
		this.sink = x;
	}

}
