package io.wsedge.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-node counting of principals' sessions and messages.
 */
class LocalPrincipalLimiterTests {

	private final LocalPrincipalLimiter limiter = new LocalPrincipalLimiter();

	@Test
	void sessionsAreCountedPerPrincipalAndRoute() {
		assertThat(this.limiter.opened("chat", "alice")).isEqualTo(1);
		assertThat(this.limiter.opened("chat", "alice")).isEqualTo(2);
		assertThat(this.limiter.opened("echo", "alice")).isEqualTo(1);
		assertThat(this.limiter.opened("chat", "bob")).isEqualTo(1);
		this.limiter.closed("chat", "alice");
		assertThat(this.limiter.opened("chat", "alice")).isEqualTo(2);
	}

	@Test
	void sessionsOfAPrincipalShareOneBucketThatGoesWithTheLastSession() {
		this.limiter.opened("chat", "alice");
		this.limiter.opened("chat", "alice");
		assertThat(this.limiter.tryMessage("chat", "alice", 0.001, 2)).isTrue();
		assertThat(this.limiter.tryMessage("chat", "alice", 0.001, 2)).isTrue();
		assertThat(this.limiter.tryMessage("chat", "alice", 0.001, 2)).isFalse();
		this.limiter.closed("chat", "alice");
		assertThat(this.limiter.tryMessage("chat", "alice", 0.001, 2)).isFalse();
		this.limiter.closed("chat", "alice");
		this.limiter.opened("chat", "alice");
		assertThat(this.limiter.tryMessage("chat", "alice", 0.001, 2)).isTrue();
	}

	@Test
	void concurrentUpgradesAtTheCapSeeDistinctCounts() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			for (int round = 0; round < 200; round++) {
				String principal = "p" + round;
				CountDownLatch start = new CountDownLatch(1);
				List<Future<Integer>> counts = new ArrayList<>();
				for (int i = 0; i < 8; i++) {
					counts.add(threads.submit(() -> {
						start.await();
						return this.limiter.opened("chat", principal);
					}));
				}
				start.countDown();
				List<Integer> seen = new ArrayList<>();
				for (Future<Integer> count : counts) {
					seen.add(count.get(10, TimeUnit.SECONDS));
				}
				assertThat(seen).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8);
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

}
