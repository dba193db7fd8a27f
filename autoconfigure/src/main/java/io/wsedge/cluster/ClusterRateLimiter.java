package io.wsedge.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import io.wsedge.engine.PrincipalLimiter;

/**
 * A message rate shared by the cluster ({@code messages-per-second-per-principal}, keyed by principal, and
 * {@code wsedge.cluster.messages-per-second-per-client}, keyed by client address): one token bucket per key and
 * route in Redis, from which each instance takes a batch of tokens at a time, so that no message waits on Redis.
 * A message
 * takes a token from the instance's allowance (an atomic decrement); when the allowance runs below half a batch,
 * the next batch is fetched in the background.
 * <p>
 * The bound: the cluster's sessions of a principal never send more than the bucket gives out (its size plus the
 * rate times the time), except that before an instance's first batch arrives, and while Redis is away, its
 * sessions are held to this instance's own per-principal rate, which the delegate counts. Tokens an instance
 * holds and does not use (at most a batch and a half) are lost to the others: a principal spread over N
 * instances may get up to 1.5 N batches fewer than the rate in a second.
 * <p>
 * The sessions of each key are counted by the delegate, as on a single node.
 */
public final class ClusterRateLimiter implements PrincipalLimiter {

	private static final RedisScript<Long> TOKENS = RedisScript
		.of(new ClassPathResource("io/wsedge/cluster/tokens.lua"), Long.class);

	/** How long Redis is left alone after a failed batch before the next try. */
	private static final long RETRY_NANOS = Duration.ofSeconds(1).toNanos();

	private final ReactiveStringRedisTemplate redis;

	private final String prefix;

	private final int tokenBatch;

	private final PrincipalLimiter local;

	private final ClusterMetrics metrics;

	private final Map<Key, Allowance> allowances = new ConcurrentHashMap<>();

	/**
	 * Creates the limiter.
	 * @param redis the template on the application's Redis connection
	 * @param keyPrefix the prefix of the cluster's keys and of what this limiter counts, such as
	 * {@code {wsedge}:rate:principal:}
	 * @param tokenBatch tokens taken at a time, 0 for a tenth of a second's worth
	 * @param local what counts the sessions, and the rate while the cluster's is out of reach
	 * @param metrics where to report
	 */
	public ClusterRateLimiter(ReactiveStringRedisTemplate redis, String keyPrefix, int tokenBatch,
			PrincipalLimiter local, ClusterMetrics metrics) {
		this.redis = redis;
		this.prefix = keyPrefix;
		this.tokenBatch = tokenBatch;
		this.local = local;
		this.metrics = metrics;
	}

	@Override
	public int opened(String routeId, String principal) {
		int count = this.local.opened(routeId, principal);
		this.allowances.computeIfAbsent(new Key(routeId, principal), (key) -> new Allowance()).sessions++;
		return count;
	}

	@Override
	public void closed(String routeId, String principal) {
		this.local.closed(routeId, principal);
		this.allowances.computeIfPresent(new Key(routeId, principal),
				(key, allowance) -> (--allowance.sessions <= 0) ? null : allowance);
	}

	@Override
	public boolean tryMessage(String routeId, String principal, double perSecond, int burst) {
		Key key = new Key(routeId, principal);
		Allowance allowance = this.allowances.get(key);
		if (allowance == null) {
			return this.local.tryMessage(routeId, principal, perSecond, burst);
		}
		int batch = (this.tokenBatch > 0) ? this.tokenBatch : (int) Math.max(1, Math.ceil(perSecond / 10));
		long left = allowance.tokens.decrementAndGet();
		if (left < batch / 2 + 1) {
			refill(key, allowance, perSecond, burst, batch);
		}
		if (left >= 0) {
			return true;
		}
		allowance.tokens.incrementAndGet();
		if (!allowance.primed || allowance.failing) {
			// No batch yet, or Redis is away: this instance's own rate holds meanwhile.
			return this.local.tryMessage(routeId, principal, perSecond, burst);
		}
		return false;
	}

	private void refill(Key key, Allowance allowance, double perSecond, int burst, int batch) {
		if (allowance.failing && System.nanoTime() - allowance.failedAt < RETRY_NANOS) {
			return;
		}
		if (!allowance.refilling.compareAndSet(false, true)) {
			return;
		}
		long started = System.nanoTime();
		this.redis
			.execute(TOKENS, List.of(this.prefix + key.routeId() + ":" + key.principal()),
					List.of(Double.toString(perSecond), Integer.toString(Math.max(burst, batch)),
							Integer.toString(batch)))
			.next()
			.timeout(Duration.ofSeconds(1))
			.subscribe((taken) -> {
				this.metrics.roundTrip("tokens", System.nanoTime() - started, true);
				allowance.tokens.addAndGet(taken);
				allowance.primed = true;
				allowance.failing = false;
				allowance.refilling.set(false);
			}, (failure) -> {
				this.metrics.roundTrip("tokens", System.nanoTime() - started, false);
				allowance.failing = true;
				allowance.failedAt = System.nanoTime();
				allowance.refilling.set(false);
			});
	}

	private record Key(String routeId, String principal) {
	}

	/** One principal's tokens on one route, on this instance. */
	private static final class Allowance {

		final AtomicLong tokens = new AtomicLong();

		final AtomicBoolean refilling = new AtomicBoolean();

		/** Changed under the map's lock of the key. */
		int sessions;

		volatile boolean primed;

		volatile boolean failing;

		volatile long failedAt;

	}

}
