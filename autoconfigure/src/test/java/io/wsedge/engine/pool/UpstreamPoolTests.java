package io.wsedge.engine.pool;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.wsedge.engine.pool.LoadBalancing.HashOn;
import io.wsedge.engine.pool.LoadBalancing.Strategy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The choice among a pool's targets and their passive health, on a clock the test moves.
 */
class UpstreamPoolTests {

	private final AtomicLong clock = new AtomicLong(1_000_000_000L);

	@Test
	void roundRobinFollowsTheWeightsSmoothly() {
		List<PoolTarget> targets = targets(1, 2, 3);
		UpstreamPool pool = pool(targets, Strategy.ROUND_ROBIN);
		Map<PoolTarget, Integer> counts = new HashMap<>();
		List<PoolTarget> sequence = new ArrayList<>();
		for (int i = 0; i < 600; i++) {
			PoolTarget chosen = pool.choose(null, List.of());
			sequence.add(chosen);
			counts.merge(chosen, 1, Integer::sum);
		}
		assertThat(counts).containsEntry(targets.get(0), 100)
			.containsEntry(targets.get(1), 200)
			.containsEntry(targets.get(2), 300);
		// Smooth: the heaviest target never gets three turns in a row (plain weighted round robin gives it three).
		for (int i = 2; i < sequence.size(); i++) {
			assertThat(sequence.get(i) == sequence.get(i - 1) && sequence.get(i) == sequence.get(i - 2)).isFalse();
		}
	}

	@Test
	void leastSessionsPicksTheFewestForTheWeight() {
		List<PoolTarget> targets = targets(1, 1, 2);
		UpstreamPool pool = pool(targets, Strategy.LEAST_SESSIONS);
		for (int i = 0; i < 40; i++) {
			pool.choose(null, List.of());
		}
		// Weight-adjusted: the target of weight 2 holds twice as many.
		assertThat(targets.get(0).sessions()).isEqualTo(10);
		assertThat(targets.get(1).sessions()).isEqualTo(10);
		assertThat(targets.get(2).sessions()).isEqualTo(20);
		for (int i = 0; i < 5; i++) {
			pool.refused(targets.get(1));
		}
		for (int i = 0; i < 5; i++) {
			assertThat(pool.choose(null, List.of())).isSameAs(targets.get(1));
		}
	}

	@Test
	void leastSessionsBreaksTiesAtRandom() {
		List<PoolTarget> targets = targets(1, 1, 1);
		UpstreamPool pool = pool(targets, Strategy.LEAST_SESSIONS);
		Map<PoolTarget, Integer> firsts = new HashMap<>();
		for (int i = 0; i < 300; i++) {
			PoolTarget chosen = pool.choose(null, List.of());
			firsts.merge(chosen, 1, Integer::sum);
			pool.refused(chosen);
		}
		assertThat(firsts).hasSize(3);
		assertThat(firsts.values()).allSatisfy((count) -> assertThat(count).isBetween(50, 150));
	}

	@Test
	void hashingMovesOnlyTheRemovedTargetsKeys() {
		List<PoolTarget> four = targets(1, 1, 1, 1);
		Map<String, PoolTarget> before = new HashMap<>();
		for (int i = 0; i < 10_000; i++) {
			String key = "user-" + i;
			before.put(key, UpstreamPool.rendezvous(four, key));
		}
		PoolTarget removed = four.get(2);
		List<PoolTarget> three = new ArrayList<>(four);
		three.remove(removed);
		int moved = 0;
		for (Map.Entry<String, PoolTarget> entry : before.entrySet()) {
			PoolTarget after = UpstreamPool.rendezvous(three, entry.getKey());
			if (after != entry.getValue()) {
				moved++;
				// Only keys of the removed target move.
				assertThat(entry.getValue()).isSameAs(removed);
			}
		}
		// About 1/N of the keys: 2,500 of 10,000 for N = 4.
		assertThat(moved).isBetween(2_200, 2_800);
		List<PoolTarget> five = new ArrayList<>(four);
		PoolTarget added = PoolTarget.of(URI.create("ws://10.0.0.9:8080/ws"), 1, 0);
		five.add(added);
		int taken = 0;
		for (Map.Entry<String, PoolTarget> entry : before.entrySet()) {
			PoolTarget after = UpstreamPool.rendezvous(five, entry.getKey());
			if (after != entry.getValue()) {
				taken++;
				assertThat(after).isSameAs(added);
			}
		}
		// About 1/5 move to the new target.
		assertThat(taken).isBetween(1_700, 2_300);
	}

	@Test
	void hashingSpreadsKeysByWeightAndSticks() {
		List<PoolTarget> targets = targets(1, 1, 2);
		UpstreamPool pool = pool(targets, Strategy.HASH);
		Map<PoolTarget, Integer> counts = new HashMap<>();
		for (int i = 0; i < 10_000; i++) {
			PoolTarget chosen = pool.choose("key-" + i, List.of());
			assertThat(pool.choose("key-" + i, List.of())).isSameAs(chosen);
			counts.merge(chosen, 1, Integer::sum);
		}
		assertThat(counts.get(targets.get(0))).isBetween(2_200, 2_800);
		assertThat(counts.get(targets.get(2))).isBetween(4_500, 5_500);
	}

	@Test
	void aTargetFailingInARowIsEjectedThenReturnsAndADoubledEjectionFollows() {
		List<PoolTarget> targets = targets(1, 1, 1);
		UpstreamPool pool = pool(targets, Strategy.ROUND_ROBIN);
		PoolTarget failing = targets.get(0);
		fail(pool, failing, 3);
		assertThat(failing.state(pool.now())).isEqualTo(PoolTarget.State.EJECTED);
		for (int i = 0; i < 20; i++) {
			PoolTarget chosen = pool.choose(null, List.of());
			assertThat(chosen).isNotSameAs(failing);
			pool.refused(chosen);
		}
		this.clock.addAndGet(Duration.ofSeconds(10).toNanos());
		assertThat(failing.state(pool.now())).isEqualTo(PoolTarget.State.UP);
		fail(pool, failing, 3);
		this.clock.addAndGet(Duration.ofSeconds(10).toNanos());
		// The second ejection in a row lasts 20 s.
		assertThat(failing.state(pool.now())).isEqualTo(PoolTarget.State.EJECTED);
		this.clock.addAndGet(Duration.ofSeconds(10).toNanos());
		assertThat(failing.state(pool.now())).isEqualTo(PoolTarget.State.UP);
	}

	@Test
	void noMoreThanTheMaxEjectionPercentIsEjected() {
		List<PoolTarget> targets = targets(1, 1, 1, 1);
		UpstreamPool pool = pool(targets, Strategy.ROUND_ROBIN);
		for (PoolTarget target : targets) {
			fail(pool, target, 3);
		}
		long ejected = targets.stream().filter((t) -> t.state(pool.now()) == PoolTarget.State.EJECTED).count();
		assertThat(ejected).isEqualTo(2);
	}

	@Test
	void withEveryTargetOutTheLeastRecentlyFailedIsTried() {
		List<PoolTarget> targets = targets(1, 1);
		UpstreamPool pool = pool(targets, Strategy.ROUND_ROBIN);
		fail(pool, targets.get(1), 3);
		this.clock.addAndGet(1_000);
		targets.get(0).down(true);
		fail(pool, targets.get(0), 1);
		assertThat(targets.get(1).state(pool.now())).isEqualTo(PoolTarget.State.EJECTED);
		assertThat(targets.get(0).state(pool.now())).isEqualTo(PoolTarget.State.DOWN);
		assertThat(pool.choose(null, List.of())).isSameAs(targets.get(1));
		assertThat(pool.choose(null, List.of(targets.get(1)))).isSameAs(targets.get(0));
		assertThat(pool.choose(null, targets)).isNull();
	}

	@Test
	void drainingAndFullTargetsAreSkipped() {
		List<PoolTarget> targets = List.of(PoolTarget.of(URI.create("ws://a:1/ws"), 1, 1),
				PoolTarget.of(URI.create("ws://b:1/ws"), 1, 0));
		UpstreamPool pool = pool(targets, Strategy.ROUND_ROBIN);
		pool.drain(targets.get(1), null);
		assertThat(targets.get(1).state(pool.now())).isEqualTo(PoolTarget.State.DRAINING);
		assertThat(pool.choose(null, List.of())).isSameAs(targets.get(0));
		assertThat(pool.choose(null, List.of())).isNull();
		pool.resume(targets.get(1));
		assertThat(pool.choose(null, List.of())).isSameAs(targets.get(1));
	}

	private void fail(UpstreamPool pool, PoolTarget target, int times) {
		for (int i = 0; i < times; i++) {
			target.acquire();
			pool.failed(target, false);
		}
	}

	private UpstreamPool pool(List<PoolTarget> targets, Strategy strategy) {
		LoadBalancing balancing = new LoadBalancing(strategy, HashOn.HEADER, "X-User", 2, 3, Duration.ofSeconds(10),
				Duration.ofMinutes(5), 50);
		return new UpstreamPool("test", targets, balancing, PoolMetrics.NONE, this.clock::get);
	}

	private static List<PoolTarget> targets(int... weights) {
		List<PoolTarget> targets = new ArrayList<>();
		for (int i = 0; i < weights.length; i++) {
			targets.add(PoolTarget.of(URI.create("ws://10.0.0." + (i + 1) + ":8080/ws"), weights[i], 0));
		}
		return targets;
	}

}
