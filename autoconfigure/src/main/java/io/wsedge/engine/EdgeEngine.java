package io.wsedge.engine;

import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import io.wsedge.api.SessionEndListener;
import io.wsedge.api.SessionSummary;

/**
 * The stack-neutral core shared by every server adapter: it owns the open sessions, admits new ones under the
 * connection caps and the memory budget, and tells the session-end listeners. Server adapters create sessions
 * through it; the actuator reads and steers it.
 */
public final class EdgeEngine implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(EdgeEngine.class);

	private final Map<String, ProxySession> sessions = new ConcurrentHashMap<>();

	private final AtomicInteger admitted = new AtomicInteger();

	private final int maxConnections;

	private final List<SessionEndListener> endListeners;

	private final MemoryBudget memory;

	private volatile boolean draining;

	private PrincipalLimiter principals = new LocalPrincipalLimiter();

	private EdgeCluster cluster;

	private PrincipalLimiter clients;

	private double clientRate;

	private final List<Runnable> drainListeners = new CopyOnWriteArrayList<>();

	public EdgeEngine(List<SessionEndListener> endListeners) {
		this(endListeners, 0, 0);
	}

	/**
	 * Creates an engine.
	 * @param endListeners told of every session's end
	 * @param maxConnections the most sessions open on the whole edge, 0 for no cap
	 * @param maxTotalBufferedBytes the most bytes the edge holds for all its sessions, 0 for no budget
	 */
	public EdgeEngine(List<SessionEndListener> endListeners, int maxConnections, long maxTotalBufferedBytes) {
		this.endListeners = List.copyOf(endListeners);
		this.maxConnections = maxConnections;
		this.memory = (maxTotalBufferedBytes > 0) ? new MemoryBudget(this, maxTotalBufferedBytes) : null;
	}

	/**
	 * The edge's memory budget ({@code wsedge.limits.max-total-buffered-bytes}).
	 * @return the budget, or {@code null} when there is none
	 */
	public MemoryBudget memory() {
		return this.memory;
	}

	/**
	 * Takes a place for an upgrade under the edge's, the route's and the client's connection caps. Upgrades in
	 * progress count, so that a burst of handshakes cannot overshoot a cap.
	 * @param route the route
	 * @param client the client's address
	 * @return an {@link Admission}, or why there is none
	 */
	public AdmissionResult admit(EdgeRoute route, InetAddress client) {
		return admit(route, client, null);
	}

	/**
	 * Sets what counts the principals' sessions and messages; called once, before the first upgrade.
	 * @param principals the principal limiter
	 * @return this engine
	 */
	public EdgeEngine principalLimiter(PrincipalLimiter principals) {
		this.principals = principals;
		return this;
	}

	/**
	 * Joins a cluster of edges ({@code wsedge.cluster.enabled}); called once, before the first upgrade.
	 * @param cluster the cluster
	 * @return this engine
	 */
	public EdgeEngine cluster(EdgeCluster cluster) {
		this.cluster = cluster;
		return this;
	}

	/**
	 * Sets a message rate every client address shares on each route, all its sessions together (the cluster's
	 * {@code messages-per-second-per-client}); called once, before the first upgrade.
	 * @param clients what counts the clients' sessions and messages, keyed by the address
	 * @param perSecond the rate
	 * @return this engine
	 */
	public EdgeEngine clientRate(PrincipalLimiter clients, double perSecond) {
		this.clients = clients;
		this.clientRate = perSecond;
		return this;
	}

	PrincipalLimiter clientLimiter() {
		return this.clients;
	}

	double clientRate() {
		return this.clientRate;
	}

	/**
	 * The cluster this edge belongs to.
	 * @return the cluster, or {@code null} when the edge stands alone
	 */
	public EdgeCluster cluster() {
		return this.cluster;
	}

	/**
	 * Takes a place under the cluster-wide caps for an upgrade this node admitted; without a cluster, the
	 * admission as it is. On a refusal the admission is released.
	 * @param admission the node's admission
	 * @return the admission, or the cluster's refusal
	 */
	public Mono<AdmissionResult> admitInCluster(Admission admission) {
		EdgeCluster cluster = this.cluster;
		if (cluster == null) {
			return Mono.just(admission);
		}
		return cluster.admit(admission.route(), admission.client(), admission.principal())
			.map((denied) -> {
				admission.release();
				return (AdmissionResult) denied;
			})
			.switchIfEmpty(Mono.fromSupplier(() -> {
				admission.clustered();
				return admission;
			}))
			.doOnCancel(admission::release);
	}

	/**
	 * What counts the principals' sessions and messages.
	 * @return the principal limiter
	 */
	public PrincipalLimiter principalLimiter() {
		return this.principals;
	}

	/**
	 * Takes a place for an upgrade under the connection caps, the principal's among them.
	 * @param route the route
	 * @param client the client's address
	 * @param principal the authenticated principal's name, or {@code null}
	 * @return the admission, to release when the session ends, or the refusal
	 */
	public AdmissionResult admit(EdgeRoute route, InetAddress client, String principal) {
		if (this.draining) {
			return new AdmissionResult.Denied(503, "Service Unavailable: the server is shutting down");
		}
		if (this.memory != null && this.memory.isOver()) {
			return new AdmissionResult.Denied(503, "Service Unavailable: the server is overloaded");
		}
		if (this.admitted.incrementAndGet() > this.maxConnections && this.maxConnections > 0) {
			this.admitted.decrementAndGet();
			return new AdmissionResult.Denied(503, "Service Unavailable: too many sessions");
		}
		int routeCap = route.maxConnections();
		if (route.activeSessions().incrementAndGet() > routeCap && routeCap > 0) {
			route.activeSessions().decrementAndGet();
			this.admitted.decrementAndGet();
			return new AdmissionResult.Denied(503, "Service Unavailable: too many sessions on this route");
		}
		// Per route: a client's sessions on one route do not count against another route's cap.
		int clientCap = route.limits().maxConnectionsPerClient();
		if (client != null && route.clientSessions(client, 1) > clientCap && clientCap > 0) {
			release(route, client, null, false);
			return new AdmissionResult.Denied(429, "Too Many Requests: too many sessions from this client");
		}
		if (principal != null) {
			int principalCap = route.limits().maxConnectionsPerPrincipal();
			if (this.principals.opened(route.id(), principal) > principalCap && principalCap > 0) {
				release(route, client, principal, false);
				return new AdmissionResult.Denied(429, "Too Many Requests: too many sessions of this principal");
			}
		}
		return new Admission(this, route, client, principal);
	}

	void release(EdgeRoute route, InetAddress client, String principal, boolean clustered) {
		this.admitted.decrementAndGet();
		route.activeSessions().decrementAndGet();
		if (client != null) {
			route.clientSessions(client, -1);
		}
		if (principal != null) {
			this.principals.closed(route.id(), principal);
		}
		if (clustered) {
			this.cluster.release(route, client, principal);
		}
	}

	/**
	 * Sessions open or being opened on the whole edge.
	 * @return the count
	 */
	public int admittedCount() {
		return this.admitted.get();
	}

	/**
	 * The sessions open now.
	 * @return a live view of the open sessions
	 */
	public Collection<ProxySession> sessions() {
		return this.sessions.values();
	}

	/**
	 * Finds an open session.
	 * @param id the session id
	 * @return the session, or {@code null}
	 */
	public ProxySession session(String id) {
		return this.sessions.get(id);
	}

	/**
	 * Whether the edge is draining for shutdown: new upgrades are refused and open sessions are closing.
	 * @return whether the edge drains
	 */
	public boolean isDraining() {
		return this.draining;
	}

	/**
	 * Starts draining: from now on new upgrades are refused.
	 */
	public void startDraining() {
		if (this.draining) {
			return;
		}
		this.draining = true;
		for (Runnable listener : this.drainListeners) {
			try {
				listener.run();
			}
			catch (RuntimeException ex) {
				logger.error("Drain listener failed", ex);
			}
		}
	}

	/**
	 * Registers a task to run once when draining starts (for example, to leave the load balancer).
	 * @param listener the task
	 */
	public void onDraining(Runnable listener) {
		this.drainListeners.add(listener);
	}

	/**
	 * Stops the memory budget's checks.
	 */
	@Override
	public void close() {
		if (this.memory != null) {
			this.memory.close();
		}
	}

	void opened(ProxySession session) {
		this.sessions.put(session.id(), session);
		if (this.cluster != null) {
			this.cluster.opened(session);
		}
	}

	void ended(ProxySession session, SessionSummary summary) {
		this.sessions.remove(session.id());
		if (this.cluster != null) {
			this.cluster.ended(session);
		}
		for (SessionEndListener listener : this.endListeners) {
			try {
				listener.onSessionEnd(summary);
			}
			catch (Throwable ex) {
				logger.error("Session end listener " + listener.getClass().getName() + " failed for session "
						+ session.id(), ex);
			}
		}
	}

}
