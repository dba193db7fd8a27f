package io.wsedge.engine;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jitter added to {@code max-session-duration}.
 */
class SessionLifetimeTests {

	@Test
	void lifetimeIsTheMaximumPlusAJitterOfUpToTenPercentThatSpreadsSessions() {
		Duration max = Duration.ofMinutes(10);
		Set<Long> seconds = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			long lifetime = ProxySession.lifetime(max);
			assertThat(lifetime).isBetween(max.toNanos(), max.toNanos() + max.toNanos() / 10);
			seconds.add(Duration.ofNanos(lifetime).toSeconds());
		}
		// 1000 draws over 60 seconds of jitter: sessions opened together do not end together.
		assertThat(seconds).hasSizeGreaterThan(30);
	}

}
