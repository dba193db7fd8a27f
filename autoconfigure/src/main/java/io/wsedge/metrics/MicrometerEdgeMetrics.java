package io.wsedge.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;

import io.wsedge.engine.EdgeMetrics;
import io.wsedge.engine.NamedInterceptor.InterceptorMeter;
import io.wsedge.engine.RouteMetrics;
import io.wsedge.engine.pool.PoolMetrics;

/**
 * {@link EdgeMetrics} recorded in a Micrometer {@link MeterRegistry}, under the names below with the prefix
 * {@code wsedge.}.
 * <p>
 * The meters of a route or interceptor are registered when the engine asks for them, once, as the routes are
 * built; the per-message calls then touch pre-resolved counters only: no registry look-up, no tag allocation.
 * Every tag value comes from a small fixed set (route ids, bean names, enum names, policy names, HTTP statuses
 * and close codes), never from a session id or an address.
 */
public final class MicrometerEdgeMetrics implements EdgeMetrics {

	/** Gauge of the sessions open now; tag {@code route}. */
	public static final String SESSIONS_ACTIVE = "wsedge.sessions.active";

	/** Timer of how long sessions stayed open; tag {@code route}. */
	public static final String SESSIONS_DURATION = "wsedge.sessions.duration";

	/** Counter of answered upgrade requests; tags {@code route}, {@code outcome}, {@code status}. */
	public static final String HANDSHAKES = "wsedge.handshakes";

	/** Timer of upstream dials; tags {@code route}, {@code outcome}. */
	public static final String UPSTREAM_CONNECT = "wsedge.upstream.connect";

	/** Counter of messages and control frames received; tags {@code route}, {@code direction}, {@code type}. */
	public static final String MESSAGES = "wsedge.messages";

	/** Counter of payload bytes received; tags {@code route}, {@code direction}, {@code type}. */
	public static final String BYTES = "wsedge.bytes";

	/** Counter of messages dropped instead of forwarded; tags {@code route}, {@code direction}, {@code reason}. */
	public static final String MESSAGES_DROPPED = "wsedge.messages.dropped";

	/** Counter of ended sessions; tags {@code route}, {@code side} (which closed first), {@code code}. */
	public static final String CLOSES = "wsedge.closes";

	/** Bytes through permessage-deflate, by route, leg, direction and form (wire or payload). */
	public static final String COMPRESSION_BYTES = "wsedge.compression.bytes";

	/**
	 * Counter of sessions that relay one side's compressed messages as they came; tags {@code route},
	 * {@code direction}.
	 */
	public static final String COMPRESSION_PASS_THROUGH = "wsedge.compression.pass-through";

	/** Counter of violated limits and close policies; tags {@code route}, {@code policy}. */
	public static final String POLICY_VIOLATIONS = "wsedge.policy.violations";

	/** Timer of interceptor runs; tag {@code interceptor}. */
	public static final String INTERCEPTOR_DURATION = "wsedge.interceptor.duration";

	/** Counter of failed interceptor runs; tag {@code interceptor}. */
	public static final String INTERCEPTOR_ERRORS = "wsedge.interceptor.errors";

	/**
	 * Counter of messages that failed a route's validation; tags {@code route}, {@code direction}
	 * ({@code client}, {@code upstream}: the sender) and {@code action} ({@code close}, {@code drop}).
	 */
	public static final String MESSAGES_INVALID = "wsedge.messages.invalid";

	/** Gauge of the sessions on an upstream of a pool, handshakes under way included; tags {@code route}, {@code target}. */
	public static final String UPSTREAM_SESSIONS = "wsedge.upstream.sessions";

	/** Gauge of an upstream's state, 1 when it takes new sessions, else 0; tags {@code route}, {@code target}. */
	public static final String UPSTREAM_UP = "wsedge.upstream.up";

	/** Counter of failed dials followed by another try; tags {@code route}, {@code target} (the one that failed). */
	public static final String UPSTREAM_RETRIES = "wsedge.upstream.retries";

	/** Counter of sessions that reached an upstream after another failed; tags {@code route}, {@code target}. */
	public static final String UPSTREAM_FAILOVERS = "wsedge.upstream.failovers";

	/** Counter of outlier ejections; tags {@code route}, {@code target}. */
	public static final String UPSTREAM_EJECTIONS = "wsedge.upstream.ejections";

	private final MeterRegistry registry;

	private final Map<String, MicrometerRouteMetrics> routes = new ConcurrentHashMap<>();

	private final Map<String, MicrometerInterceptorMeter> interceptors = new ConcurrentHashMap<>();

	/**
	 * Creates the metrics.
	 * @param registry where the meters are registered
	 */
	public MicrometerEdgeMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * The meters of one route; asking twice for a route gives the same meters, so that its active-sessions
	 * gauge counts every session of the route.
	 */
	@Override
	public RouteMetrics route(String routeId) {
		return this.routes.computeIfAbsent(routeId, (id) -> new MicrometerRouteMetrics(this.registry, id));
	}

	/**
	 * The meters of one route's pool: per target, registered as the target joins the pool.
	 */
	@Override
	public PoolMetrics pool(String routeId) {
		return new MicrometerPoolMetrics(this.registry, routeId);
	}

	/**
	 * The meters of one interceptor bean, shared by every route it runs on.
	 */
	@Override
	public InterceptorMeter interceptor(String beanName) {
		return this.interceptors.computeIfAbsent(beanName,
				(name) -> new MicrometerInterceptorMeter(this.registry, name));
	}

}
