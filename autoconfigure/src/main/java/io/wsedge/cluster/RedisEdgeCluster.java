package io.wsedge.cluster;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import io.wsedge.engine.AdmissionResult;
import io.wsedge.engine.EdgeCluster;
import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.ProxySession;

/**
 * An edge's membership of a cluster through Redis: the cluster-wide connection caps and the session registry.
 * <p>
 * Each cap is a Redis hash of the sessions each instance holds under it; an instance's entries count while its
 * lease in the instances' sorted set runs, renewed by a heartbeat of a third of the lease time, so the sessions
 * of an instance that dies stop counting when its lease runs out: the next upgrade or heartbeat of any instance
 * clears its entries from every cap it held places in (a set of them is kept per instance). An upgrade checks and
 * takes its places in every cap in one Lua script, one round trip, bounded by the timeout.
 * <p>
 * This instance's own counts and sessions are kept here too, as the truth: when Redis was away (or lost its
 * data, or the lease ran out), the next heartbeat that reaches it puts them back, so no session is lost.
 */
public final class RedisEdgeCluster implements EdgeCluster, AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisEdgeCluster.class);

	/** Separates the fields of a session's description in the registry (ASCII unit separator). */
	static final char FIELD = '\u001f';

	/** Separates the sessions in the registry's listing (ASCII record separator). */
	static final char RECORD = '\u001e';

	private static final RedisScript<String> ADMIT = script("admit", String.class);

	private static final RedisScript<Long> RELEASE = script("release", Long.class);

	private static final RedisScript<Long> HEARTBEAT = script("heartbeat", Long.class);

	private static final RedisScript<Long> RESYNC = script("resync", Long.class);

	private static final RedisScript<String> SESSIONS = script("sessions", String.class);

	private static final RedisScript<Long> LEAVE = script("leave", Long.class);

	private static final String[] KINDS = { "cluster", "route", "client", "principal" };

	private final ReactiveStringRedisTemplate redis;

	private final String instanceId;

	private final String prefix;

	private final String instancesKey;

	private final String sessionsKey;

	/** The set of the quotas this instance holds places in, which the others clear once its lease runs out. */
	private final String heldKey;

	private final long leaseMillis;

	private final Duration timeout;

	private final RedisFailureMode mode;

	private final int maxConnections;

	private final ClusterMetrics metrics;

	/** This instance's own count in each cap it holds a place in, kept at 0 until Redis has it too. */
	private final Map<String, AtomicInteger> held = new ConcurrentHashMap<>();

	/** This instance's own sessions, as the registry describes them. */
	private final Map<String, String> registered = new ConcurrentHashMap<>();

	/** Set when Redis may differ from this instance's own counts and sessions: the next heartbeat puts them back. */
	private final AtomicBoolean dirty = new AtomicBoolean();

	/**
	 * Counts every change of this instance's own counts and sessions, so that a put-back that raced with one is
	 * done again on the next heartbeat.
	 */
	private final AtomicLong changes = new AtomicLong();

	private final AtomicLong beats = new AtomicLong();

	private final Scheduler scheduler = Schedulers.newSingle("wsedge-cluster", true);

	private volatile boolean available = true;

	private volatile String lastFailure;

	private volatile Disposable heartbeat;

	private volatile boolean stopped;

	/**
	 * Creates the cluster membership; {@link #start} starts its heartbeat.
	 * @param redis the template on the application's Redis connection
	 * @param settings the cluster's settings
	 * @param maxConnections the cap on sessions in the whole cluster ({@code wsedge.limits.max-connections}),
	 * 0 for none
	 * @param metrics where to report
	 */
	public RedisEdgeCluster(ReactiveStringRedisTemplate redis, Settings settings, int maxConnections,
			ClusterMetrics metrics) {
		this.redis = redis;
		this.instanceId = settings.instanceId();
		this.prefix = settings.keyPrefix();
		this.instancesKey = this.prefix + "instances";
		this.sessionsKey = sessionsKey(this.instanceId);
		this.heldKey = this.prefix + "keys:" + this.instanceId;
		this.leaseMillis = settings.leaseTime().toMillis();
		this.timeout = settings.timeout();
		this.mode = settings.onRedisFailure();
		this.maxConnections = maxConnections;
		this.metrics = metrics;
	}

	private static <T> RedisScript<T> script(String name, Class<T> type) {
		return RedisScript.of(new ClassPathResource("io/wsedge/cluster/" + name + ".lua"), type);
	}

	/**
	 * Joins the cluster: registers this instance and starts the heartbeat. Upgrades may come before the first
	 * heartbeat: the first one registers this instance too.
	 */
	public void start() {
		scheduleHeartbeat(0);
	}

	private void scheduleHeartbeat(long delayMillis) {
		if (this.stopped) {
			return;
		}
		// Only the latest scheduled beat runs: scheduling again (sooner, when Redis was found away) retires the
		// one waiting, so there is never more than one heartbeat loop.
		long generation = this.beats.incrementAndGet();
		try {
			this.heartbeat = this.scheduler.schedule(() -> {
				if (this.beats.get() == generation) {
					heartbeat().doFinally((signal) -> scheduleHeartbeat(nextBeat())).subscribe();
				}
			}, delayMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
		}
		catch (RuntimeException ex) {
			// Stopped meanwhile: the scheduler is gone.
		}
	}

	/** A third of the lease; at most a second while Redis is away, so that its return is noticed soon. */
	private long nextBeat() {
		long third = Math.max(1, this.leaseMillis / 3);
		return this.available ? third : Math.min(1000, third);
	}

	/**
	 * Renews this instance's lease; puts its own counts and sessions back when Redis may have lost them.
	 * @return completes when done, never with an error
	 */
	Mono<Void> heartbeat() {
		long started = System.nanoTime();
		return this.redis.execute(HEARTBEAT, List.of(this.instancesKey, this.sessionsKey),
				List.of(this.instanceId, Long.toString(this.leaseMillis), this.prefix))
			.next()
			.timeout(leaseTimeout())
			.doOnEach((signal) -> {
				if (signal.isOnNext() || signal.isOnError()) {
					this.metrics.roundTrip("heartbeat", System.nanoTime() - started, signal.isOnNext());
				}
			})
			.flatMap((rejoined) -> {
				if (rejoined == 1L && !this.held.isEmpty() || rejoined == 1L && !this.registered.isEmpty()) {
					this.dirty.set(true);
				}
				return this.dirty.get() ? resync() : Mono.empty();
			})
			.doOnSuccess((done) -> available())
			.onErrorResume((failure) -> {
				unavailable(failure);
				return Mono.empty();
			});
	}

	/** Heartbeats and the puts-back are not on an upgrade's path: they may wait longer, up to a third of a lease. */
	private Duration leaseTimeout() {
		return Duration.ofMillis(Math.max(this.timeout.toMillis(), this.leaseMillis / 3));
	}

	private Mono<Void> resync() {
		// Cleared first: a change while the counts are on their way makes the next heartbeat put them back again.
		this.dirty.set(false);
		long changesBefore = this.changes.get();
		List<String> keys = new ArrayList<>();
		List<String> args = new ArrayList<>();
		args.add(this.instanceId);
		args.add(this.heldKey);
		this.held.forEach((key, count) -> {
			keys.add(key);
			args.add(Integer.toString(Math.max(0, count.get())));
		});
		Map<String, String> sessions = new LinkedHashMap<>(this.registered);
		long started = System.nanoTime();
		Mono<Long> counts = keys.isEmpty() ? Mono.just(0L) : this.redis.execute(RESYNC, keys, args).next();
		Mono<Boolean> registry = this.redis.delete(this.sessionsKey)
			.then(sessions.isEmpty() ? Mono.just(true)
					: this.redis.opsForHash().putAll(this.sessionsKey, sessions)
						.then(this.redis.expire(this.sessionsKey, Duration.ofMillis(this.leaseMillis))));
		return counts.then(registry)
			.timeout(leaseTimeout())
			.doOnSuccess((done) -> {
				this.metrics.roundTrip("resync", System.nanoTime() - started, true);
				// Places given back while Redis was away are forgotten once Redis has the zero.
				keys.forEach((key) -> this.held.computeIfPresent(key, (k, count) -> (count.get() <= 0) ? null : count));
				if (this.changes.get() != changesBefore) {
					this.dirty.set(true);
				}
				logger.info("Cluster instance " + this.instanceId + " put back its " + sessions.size()
						+ " sessions in Redis");
			})
			.doOnError((failure) -> {
				this.metrics.roundTrip("resync", System.nanoTime() - started, false);
				this.dirty.set(true);
			})
			.then();
	}

	private void available() {
		if (!this.available) {
			this.available = true;
			this.lastFailure = null;
			logger.info("Redis is back: cluster instance " + this.instanceId + " shares its limits again");
			this.metrics.availability(true, this.mode);
		}
	}

	private void unavailable(Throwable failure) {
		this.dirty.set(true);
		this.lastFailure = String.valueOf(failure);
		if (this.available) {
			this.available = false;
			logger.warn("Redis is unreachable (" + failure + "): cluster instance " + this.instanceId
					+ ((this.mode == RedisFailureMode.FAIL_OPEN) ? " admits upgrades under its own limits alone"
							: " refuses new upgrades")
					+ " until it is back");
			this.metrics.availability(false, this.mode);
			// Try again soon rather than a third of a lease later.
			scheduleHeartbeat(nextBeat());
		}
	}

	@Override
	public Mono<AdmissionResult.Denied> admit(EdgeRoute route, InetAddress client, String principal) {
		List<String> keys = new ArrayList<>(5);
		List<String> args = new ArrayList<>(6);
		List<String> kinds = new ArrayList<>(4);
		quotas(route, client, principal, keys, args, kinds);
		if (keys.isEmpty()) {
			return Mono.empty();
		}
		if (!this.available) {
			return whileAway(keys);
		}
		keys.add(0, this.instancesKey);
		args.add(0, this.instanceId);
		args.add(1, Long.toString(this.leaseMillis));
		args.add(2, this.prefix);
		long started = System.nanoTime();
		this.changes.incrementAndGet();
		return this.redis.execute(ADMIT, keys, args)
			.next()
			.timeout(this.timeout)
			// An upgrade given up while its script runs may leave a place in Redis: the next heartbeat puts the
			// counts right.
			.doOnCancel(() -> this.dirty.set(true))
			.doFinally((signal) -> this.changes.incrementAndGet())
			.flatMap((answer) -> {
				this.metrics.roundTrip("admit", System.nanoTime() - started, true);
				int comma = answer.indexOf(',');
				int refused = Integer.parseInt(answer, 0, comma, 10);
				if (answer.charAt(comma + 1) == '1') {
					// Redis did not know this instance any more: its own counts go back with the next heartbeat.
					this.dirty.set(true);
				}
				available();
				if (refused > 0) {
					String kind = kinds.get(refused - 1);
					this.metrics.refused(kind);
					return Mono.just(denied(kind));
				}
				for (int i = 1; i < keys.size(); i++) {
					this.held.computeIfAbsent(keys.get(i), (key) -> new AtomicInteger()).incrementAndGet();
				}
				return Mono.<AdmissionResult.Denied>empty();
			})
			.onErrorResume((failure) -> {
				this.metrics.roundTrip("admit", System.nanoTime() - started, false);
				unavailable(failure);
				return whileAway(keys.subList(1, keys.size()));
			});
	}

	private Mono<AdmissionResult.Denied> whileAway(List<String> keys) {
		if (this.mode == RedisFailureMode.FAIL_CLOSED) {
			this.metrics.refused("unavailable");
			return Mono.just(new AdmissionResult.Denied(503, "Service Unavailable: the cluster's state is unreachable"));
		}
		// Counted here, so that Redis has this session too once it is back.
		for (String key : keys) {
			this.held.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
		}
		this.dirty.set(true);
		return Mono.empty();
	}

	private static AdmissionResult.Denied denied(String kind) {
		return switch (kind) {
			case "cluster" -> new AdmissionResult.Denied(503, "Service Unavailable: too many sessions");
			case "route" -> new AdmissionResult.Denied(503, "Service Unavailable: too many sessions on this route");
			case "client" -> new AdmissionResult.Denied(429, "Too Many Requests: too many sessions from this client");
			default -> new AdmissionResult.Denied(429, "Too Many Requests: too many sessions of this principal");
		};
	}

	private void quotas(EdgeRoute route, InetAddress client, String principal, List<String> keys, List<String> args,
			List<String> kinds) {
		quota(this.maxConnections, this.prefix + "q:all", KINDS[0], keys, args, kinds);
		quota(route.maxConnections(), this.prefix + "q:route:" + route.id(), KINDS[1], keys, args, kinds);
		if (client != null) {
			quota(route.limits().maxConnectionsPerClient(),
					this.prefix + "q:client:" + route.id() + ":" + client.getHostAddress(), KINDS[2], keys, args, kinds);
		}
		if (principal != null) {
			quota(route.limits().maxConnectionsPerPrincipal(),
					this.prefix + "q:principal:" + route.id() + ":" + principal, KINDS[3], keys, args, kinds);
		}
	}

	private static void quota(int cap, String key, String kind, List<String> keys, List<String> args,
			List<String> kinds) {
		if (cap > 0) {
			keys.add(key);
			args.add(Integer.toString(cap));
			kinds.add(kind);
		}
	}

	@Override
	public void release(EdgeRoute route, InetAddress client, String principal) {
		List<String> keys = new ArrayList<>(4);
		quotas(route, client, principal, keys, new ArrayList<>(4), new ArrayList<>(4));
		if (keys.isEmpty()) {
			return;
		}
		for (String key : keys) {
			AtomicInteger count = this.held.get(key);
			if (count != null) {
				count.decrementAndGet();
			}
		}
		this.changes.incrementAndGet();
		if (!this.available) {
			this.dirty.set(true);
			return;
		}
		long started = System.nanoTime();
		this.redis.execute(RELEASE, keys, List.of(this.instanceId, this.heldKey))
			.next()
			.timeout(leaseTimeout())
			.subscribe((done) -> {
				this.metrics.roundTrip("release", System.nanoTime() - started, true);
				if (!this.dirty.get()) {
					keys.forEach((key) -> this.held.computeIfPresent(key, (k, count) -> (count.get() <= 0) ? null : count));
				}
			}, (failure) -> {
				this.metrics.roundTrip("release", System.nanoTime() - started, false);
				unavailable(failure);
			});
	}

	@Override
	public void opened(ProxySession session) {
		String description = describe(session);
		this.registered.put(session.id(), description);
		this.changes.incrementAndGet();
		if (!this.available) {
			this.dirty.set(true);
			return;
		}
		long started = System.nanoTime();
		this.redis.opsForHash()
			.put(this.sessionsKey, session.id(), description)
			.then(this.redis.expire(this.sessionsKey, Duration.ofMillis(this.leaseMillis)))
			.timeout(leaseTimeout())
			.subscribe((done) -> this.metrics.roundTrip("register", System.nanoTime() - started, true), (failure) -> {
				this.metrics.roundTrip("register", System.nanoTime() - started, false);
				unavailable(failure);
			});
	}

	@Override
	public void ended(ProxySession session) {
		if (this.registered.remove(session.id()) == null) {
			return;
		}
		this.changes.incrementAndGet();
		if (!this.available) {
			this.dirty.set(true);
			return;
		}
		long started = System.nanoTime();
		this.redis.opsForHash()
			.remove(this.sessionsKey, session.id())
			.timeout(leaseTimeout())
			.subscribe((done) -> this.metrics.roundTrip("register", System.nanoTime() - started, true), (failure) -> {
				this.metrics.roundTrip("register", System.nanoTime() - started, false);
				unavailable(failure);
			});
	}

	static String describe(ProxySession session) {
		String client = (session.remoteAddress() != null && session.remoteAddress().getAddress() != null)
				? session.remoteAddress().getAddress().getHostAddress() : "";
		String principal = session.principal().map((p) -> p.getName()).orElse("");
		return session.routeId() + FIELD + client + FIELD + principal + FIELD + session.startedAt().toEpochMilli();
	}

	/**
	 * Every session of the cluster's live instances, as the registry has them.
	 * @param timeout how long to wait for Redis
	 * @return the sessions, in no particular order; an error when Redis is away
	 */
	public Mono<List<ClusterSession>> sessions(Duration timeout) {
		long started = System.nanoTime();
		return this.redis.execute(SESSIONS, List.of(this.instancesKey), List.of(this.prefix + "sessions:"))
			.next()
			.timeout(timeout)
			.doOnEach((signal) -> {
				if (signal.isOnNext() || signal.isOnError()) {
					this.metrics.roundTrip("sessions", System.nanoTime() - started, signal.isOnNext());
				}
			})
			.map(RedisEdgeCluster::parse)
			.defaultIfEmpty(List.of());
	}

	static List<ClusterSession> parse(String listing) {
		List<ClusterSession> sessions = new ArrayList<>();
		if (listing.isEmpty()) {
			return sessions;
		}
		for (String record : listing.split(String.valueOf(RECORD))) {
			String[] fields = record.split(String.valueOf(FIELD), -1);
			if (fields.length < 6) {
				continue;
			}
			sessions.add(new ClusterSession(fields[1], fields[2], emptyToNull(fields[3]), emptyToNull(fields[4]),
					fields[0], Instant.ofEpochMilli(Long.parseLong(fields[5]))));
		}
		return sessions;
	}

	private static String emptyToNull(String value) {
		return value.isEmpty() ? null : value;
	}

	private String sessionsKey(String instance) {
		return this.prefix + "sessions:" + instance;
	}

	/**
	 * This instance's name in the cluster.
	 * @return the instance id
	 */
	public String instanceId() {
		return this.instanceId;
	}

	/**
	 * Whether Redis answered the last time it was asked.
	 * @return whether the cluster's shared state is reachable
	 */
	public boolean isAvailable() {
		return this.available;
	}

	/**
	 * Why Redis was last found unreachable.
	 * @return the failure, or {@code null} while it is reachable
	 */
	public String lastFailure() {
		return this.lastFailure;
	}

	/**
	 * What upgrades get while Redis is away.
	 * @return the failure mode
	 */
	public RedisFailureMode mode() {
		return this.mode;
	}

	/**
	 * Leaves the cluster: stops the heartbeat and, when Redis answers, withdraws this instance's lease, its
	 * entries in every cap (its sessions have ended by then, when the edge drained; their releases may still be
	 * on their way) and its sessions.
	 */
	@Override
	public void close() {
		if (this.stopped) {
			return;
		}
		this.stopped = true;
		Disposable beat = this.heartbeat;
		if (beat != null) {
			beat.dispose();
		}
		if (this.available) {
			try {
				this.redis.execute(LEAVE, List.of(this.instancesKey), List.of(this.instanceId, this.prefix))
					.then()
					.block(leaseTimeout());
			}
			catch (RuntimeException ex) {
				logger.debug("Could not withdraw cluster instance " + this.instanceId, ex);
			}
		}
		this.scheduler.dispose();
	}

	/**
	 * A cluster's settings.
	 *
	 * @param instanceId this instance's name
	 * @param keyPrefix the prefix of every key and channel
	 * @param leaseTime how long an instance's sessions count after its last heartbeat
	 * @param timeout the longest an upgrade waits on Redis
	 * @param onRedisFailure what upgrades get while Redis is away
	 */
	public record Settings(String instanceId, String keyPrefix, Duration leaseTime, Duration timeout,
			RedisFailureMode onRedisFailure) {
	}

}
