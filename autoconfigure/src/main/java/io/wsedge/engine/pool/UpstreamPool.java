package io.wsedge.engine.pool;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.netty.util.concurrent.EventExecutor;
import io.wsedge.engine.Leg;
import io.wsedge.engine.LegListener;
import io.wsedge.engine.ProxySession;
import io.wsedge.engine.UpstreamDialer.Upstream;
import io.wsedge.engine.pool.LoadBalancing.Strategy;
import io.wsedge.policy.CloseStatus;

/**
 * The upstream targets of one route and the choice among them: a strategy picks a target for each handshake,
 * passive health ejects targets whose dials keep failing, the active probe marks them down, and an operator
 * drains them. The choice and the outcomes take a short lock, once per handshake try; nothing here runs per
 * message.
 */
public final class UpstreamPool {

	private static final Log logger = LogFactory.getLog(UpstreamPool.class);

	/** The close status of a drained target's sessions: try again, elsewhere (RFC 6455 §7.4.1, IANA registry). */
	public static final CloseStatus SERVICE_RESTART = new CloseStatus(1012, "Service Restart");

	private final String routeId;

	private final LoadBalancing balancing;

	private final PoolMetrics metrics;

	private final LongSupplier clock;

	private final List<PoolTarget> configured;

	private final List<ServiceTarget> services;

	private volatile List<PoolTarget> targets;

	/**
	 * Creates a pool.
	 * @param routeId the route's id, for logs
	 * @param targets the targets, at least one
	 * @param balancing the strategy and health settings
	 * @param metrics where the pool reports
	 */
	public UpstreamPool(String routeId, List<PoolTarget> targets, LoadBalancing balancing, PoolMetrics metrics) {
		this(routeId, targets, List.of(), balancing, metrics, System::nanoTime);
	}

	/**
	 * Creates a pool with targets that service discovery finds.
	 * @param routeId the route's id, for logs
	 * @param targets the configured targets
	 * @param services the targets named by a service id, whose instances {@link #discovered} sets
	 * @param balancing the strategy and health settings
	 * @param metrics where the pool reports
	 */
	public UpstreamPool(String routeId, List<PoolTarget> targets, List<ServiceTarget> services,
			LoadBalancing balancing, PoolMetrics metrics) {
		this(routeId, targets, services, balancing, metrics, System::nanoTime);
	}

	UpstreamPool(String routeId, List<PoolTarget> targets, LoadBalancing balancing, PoolMetrics metrics,
			LongSupplier clock) {
		this(routeId, targets, List.of(), balancing, metrics, clock);
	}

	private UpstreamPool(String routeId, List<PoolTarget> targets, List<ServiceTarget> services,
			LoadBalancing balancing, PoolMetrics metrics, LongSupplier clock) {
		this.routeId = routeId;
		this.balancing = balancing;
		this.metrics = metrics;
		this.clock = clock;
		this.configured = List.copyOf(targets);
		this.services = List.copyOf(services);
		this.targets = this.configured;
		this.targets.forEach(metrics::added);
	}

	/**
	 * The targets named by a service id.
	 * @return the service targets, empty when discovery plays no part
	 */
	public List<ServiceTarget> services() {
		return this.services;
	}

	/**
	 * The configured targets, discovered instances aside.
	 * @return the configured targets
	 */
	public List<PoolTarget> configured() {
		return this.configured;
	}

	public LoadBalancing balancing() {
		return this.balancing;
	}

	/**
	 * The targets now.
	 * @return the targets, in configured (or discovered) order
	 */
	public List<PoolTarget> targets() {
		return this.targets;
	}

	/**
	 * Finds a target.
	 * @param id the target's id
	 * @return the target, or {@code null}
	 */
	public PoolTarget target(String id) {
		for (PoolTarget target : this.targets) {
			if (target.id().equals(id)) {
				return target;
			}
		}
		return null;
	}

	/**
	 * The pool clock's time, which {@link PoolTarget#state(long)} takes.
	 * @return nanoseconds
	 */
	public long now() {
		return this.clock.getAsLong();
	}

	/**
	 * Sets the instances discovery found, beside the configured targets. An instance whose id stays keeps its
	 * state and sessions; one that leaves takes no new session, its open sessions run on, and its meters go.
	 * @param found the instances found now
	 */
	public synchronized void discovered(List<PoolTarget> found) {
		Map<String, PoolTarget> current = new LinkedHashMap<>();
		this.targets.forEach((target) -> current.put(target.id(), target));
		List<PoolTarget> next = new ArrayList<>(this.configured);
		List<PoolTarget> fresh = new ArrayList<>();
		this.configured.forEach((target) -> current.remove(target.id()));
		for (PoolTarget target : found) {
			PoolTarget kept = current.get(target.id());
			if (kept != null && kept.uri().equals(target.uri()) && kept.weight() == target.weight()) {
				current.remove(target.id());
				next.add(kept);
			}
			else if (!fresh.stream().anyMatch((other) -> other.id().equals(target.id()))) {
				next.add(target);
				fresh.add(target);
			}
		}
		this.targets = List.copyOf(next);
		for (PoolTarget gone : current.values()) {
			gone.remove();
			this.metrics.removed(gone);
		}
		fresh.forEach(this.metrics::added);
	}

	/**
	 * Chooses a target for one try of a handshake, and counts the handshake on it: the caller gives it back
	 * with {@link #failed}, {@link #refused} or {@link #connected}. Skipped are the targets tried already, those
	 * draining and those at their cap; ejected and down targets too, unless no other target is left, when the
	 * one that failed least recently is tried rather than none.
	 * @param key the request's hash key, or {@code null} (then a hash route goes round robin)
	 * @param tried the targets this handshake tried already
	 * @return the target, or {@code null} when none is left to try
	 */
	public synchronized PoolTarget choose(String key, Collection<PoolTarget> tried) {
		long now = now();
		List<PoolTarget> eligible = new ArrayList<>(this.targets.size());
		PoolTarget fallback = null;
		for (PoolTarget target : this.targets) {
			if (tried.contains(target) || target.draining() || target.full()) {
				continue;
			}
			if (target.down() || target.ejected(now)) {
				if (fallback == null || leastRecentlyFailed(target, fallback)) {
					fallback = target;
				}
				continue;
			}
			eligible.add(target);
		}
		PoolTarget chosen = eligible.isEmpty() ? fallback : pick(eligible, key);
		if (chosen != null) {
			chosen.acquire();
		}
		return chosen;
	}

	private static boolean leastRecentlyFailed(PoolTarget target, PoolTarget than) {
		if (!target.failedOnce || !than.failedOnce) {
			return !target.failedOnce && than.failedOnce;
		}
		return target.lastFailure - than.lastFailure < 0;
	}

	private PoolTarget pick(List<PoolTarget> eligible, String key) {
		if (eligible.size() == 1) {
			return eligible.get(0);
		}
		Strategy strategy = this.balancing.strategy();
		if (strategy == Strategy.LEAST_SESSIONS) {
			return leastSessions(eligible);
		}
		if (strategy == Strategy.HASH && key != null) {
			return rendezvous(eligible, key);
		}
		return smoothRoundRobin(eligible);
	}

	/** nginx's smooth weighted round robin: spreads a heavy target's turns between the others'. */
	private static PoolTarget smoothRoundRobin(List<PoolTarget> eligible) {
		long total = 0;
		PoolTarget best = null;
		for (PoolTarget target : eligible) {
			target.currentWeight += target.weight();
			total += target.weight();
			if (best == null || target.currentWeight > best.currentWeight) {
				best = target;
			}
		}
		best.currentWeight -= total;
		return best;
	}

	private static PoolTarget leastSessions(List<PoolTarget> eligible) {
		PoolTarget best = null;
		int ties = 0;
		for (PoolTarget target : eligible) {
			int compared = (best == null) ? -1
					: Long.compare((long) target.sessions() * best.weight(), (long) best.sessions() * target.weight());
			if (compared < 0) {
				best = target;
				ties = 1;
			}
			else if (compared == 0 && ThreadLocalRandom.current().nextInt(++ties) == 0) {
				// Reservoir sampling: each of the tied targets is kept with the same chance.
				best = target;
			}
		}
		return best;
	}

	/**
	 * Weighted rendezvous (highest random weight) hashing: each target scores the key, the highest wins. Removing
	 * a target moves only the keys it won; adding one takes about 1/N of the keys from the others.
	 */
	static PoolTarget rendezvous(List<PoolTarget> eligible, String key) {
		long keyHash = hash(key);
		PoolTarget best = null;
		double bestScore = Double.NEGATIVE_INFINITY;
		for (PoolTarget target : eligible) {
			double score = score(keyHash, target);
			if (score > bestScore) {
				bestScore = score;
				best = target;
			}
		}
		return best;
	}

	static double score(long keyHash, PoolTarget target) {
		long mixed = mix(keyHash ^ hash(target.id()));
		// A uniform double in (0, 1) from the top 53 bits; -w / ln(u) is weighted rendezvous (Schindelhauer).
		double unit = ((mixed >>> 11) + 0.5) / (double) (1L << 53);
		return -target.weight() / Math.log(unit);
	}

	/** FNV-1a over the UTF-8 bytes, then mixed: stable across runs and JVMs, unlike {@code String.hashCode}. */
	static long hash(String text) {
		long hash = 0xcbf29ce484222325L;
		for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
			hash ^= (b & 0xff);
			hash *= 0x100000001b3L;
		}
		return mix(hash);
	}

	/** MurmurHash3's 64-bit finaliser. */
	private static long mix(long value) {
		long h = value;
		h ^= h >>> 33;
		h *= 0xff51afd7ed558ccdL;
		h ^= h >>> 33;
		h *= 0xc4ceb9fe1a85ec53L;
		h ^= h >>> 33;
		return h;
	}

	/**
	 * A try reached its target: the target's failures in a row are forgiven, and the upstream is counted on the
	 * target until the session that binds it ends (or it is aborted).
	 * @param target the target
	 * @param upstream the connected upstream
	 * @param failedOver whether an earlier target of the handshake failed
	 * @return the upstream to hand to the session
	 */
	public Upstream connected(PoolTarget target, Upstream upstream, boolean failedOver) {
		synchronized (this) {
			target.consecutiveFailures = 0;
			if (!target.ejected(now())) {
				target.ejections = 0;
			}
		}
		if (failedOver) {
			this.metrics.failedOver(target);
		}
		return new PooledUpstream(upstream, target);
	}

	/**
	 * A try of a target answered with a refusal that is the client's business (a 4xx): the target is healthy,
	 * the handshake ends.
	 * @param target the target
	 */
	public void refused(PoolTarget target) {
		target.release();
	}

	/**
	 * A try of a target failed (unreachable, reset, TLS, a 5xx answer or no answer in time): counts toward its
	 * ejection.
	 * @param target the target
	 * @param retrying whether the handshake tries another target
	 */
	public void failed(PoolTarget target, boolean retrying) {
		target.release();
		target.failed();
		boolean ejected = false;
		Duration ejection = null;
		synchronized (this) {
			long now = now();
			target.lastFailure = now;
			target.failedOnce = true;
			target.consecutiveFailures++;
			int threshold = this.balancing.consecutiveFailures();
			if (threshold > 0 && target.consecutiveFailures >= threshold && !target.ejected(now)
					&& ejectedCount(now) < maxEjected()) {
				target.ejections++;
				ejection = ejectionTime(target.ejections);
				target.ejectedUntil = now + ejection.toNanos();
				target.consecutiveFailures = 0;
				ejected = true;
			}
		}
		if (retrying) {
			this.metrics.retried(target);
		}
		if (ejected) {
			this.metrics.ejected(target);
			logger.warn("Upstream " + target + " of route '" + this.routeId + "' is ejected for " + ejection
					+ " after " + this.balancing.consecutiveFailures() + " failed handshakes in a row");
		}
	}

	private Duration ejectionTime(int ejections) {
		Duration base = this.balancing.ejectionTime();
		Duration max = this.balancing.maxEjectionTime();
		// Doubles per consecutive ejection; the shift is bounded so that it cannot overflow.
		Duration time = base.multipliedBy(1L << Math.min(ejections - 1, 20));
		return (time.compareTo(max) > 0) ? max : time;
	}

	private int ejectedCount(long now) {
		int count = 0;
		for (PoolTarget target : this.targets) {
			if (target.ejected(now)) {
				count++;
			}
		}
		return count;
	}

	private int maxEjected() {
		int percent = this.balancing.maxEjectionPercent();
		return (percent <= 0) ? 0 : Math.max(1, this.targets.size() * percent / 100);
	}

	/**
	 * Stops new sessions to a target and, optionally, closes its open sessions with 1012 (Service Restart),
	 * spread evenly over a period so that their clients do not all reconnect at once.
	 * @param target the target
	 * @param closeOver the period to close the open sessions over, or {@code null} to leave them open
	 * @return how many sessions are being closed
	 */
	public int drain(PoolTarget target, Duration closeOver) {
		target.draining(true);
		logger.info("Upstream " + target + " of route '" + this.routeId + "' drains"
				+ ((closeOver != null) ? "; its sessions close over " + closeOver : ""));
		if (closeOver == null) {
			return 0;
		}
		List<ProxySession> sessions = new ArrayList<>(target.openSessions());
		Scheduler timer = Schedulers.parallel();
		long step = sessions.isEmpty() ? 0 : closeOver.toNanos() / sessions.size();
		for (int i = 0; i < sessions.size(); i++) {
			ProxySession session = sessions.get(i);
			timer.schedule(() -> {
				if (target.draining()) {
					session.closeFromOutside(SERVICE_RESTART);
				}
			}, step * i, TimeUnit.NANOSECONDS);
		}
		return sessions.size();
	}

	/**
	 * Lets a drained target take new sessions again.
	 * @param target the target
	 */
	public void resume(PoolTarget target) {
		target.draining(false);
		logger.info("Upstream " + target + " of route '" + this.routeId + "' takes new sessions again");
	}

	/** An upstream counted on its target from its dial until its session ends. */
	private static final class PooledUpstream implements Upstream {

		private final Upstream upstream;

		private final PoolTarget target;

		PooledUpstream(Upstream upstream, PoolTarget target) {
			this.upstream = upstream;
			this.target = target;
		}

		@Override
		public Leg leg() {
			return this.upstream.leg();
		}

		@Override
		public String subprotocol() {
			return this.upstream.subprotocol();
		}

		@Override
		public void bind(LegListener session, EventExecutor executor) {
			if (session instanceof ProxySession proxy) {
				this.target.attach(proxy);
				proxy.end().whenComplete((summary, failure) -> {
					this.target.detach(proxy);
					this.target.release();
				});
			}
			else {
				// Nothing tells this listener's end: the target does not count it.
				this.target.release();
			}
			this.upstream.bind(session, executor);
		}

		@Override
		public void abort() {
			this.target.release();
			this.upstream.abort();
		}

	}

}
