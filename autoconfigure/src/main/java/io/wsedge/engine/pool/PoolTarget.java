package io.wsedge.engine.pool;

import java.net.URI;
import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.ProxySession;

/**
 * One upstream of a pool: its URI, weight and cap, the sessions on it and its health. The health fields change
 * under the pool's lock, during a handshake's choice or its outcome, never per message.
 */
public final class PoolTarget {

	private final String id;

	private final URI uri;

	private final int weight;

	private final int maxConnections;

	/** Sessions on the target and handshakes under way to it. */
	private final AtomicInteger sessions = new AtomicInteger();

	private final Set<ProxySession> open = ConcurrentHashMap.newKeySet();

	private final AtomicLong failures = new AtomicLong();

	private volatile boolean draining;

	private volatile boolean down;

	private volatile boolean removed;

	// Under the pool's lock:

	int consecutiveFailures;

	int ejections;

	volatile long ejectedUntil;

	long lastFailure;

	boolean failedOnce;

	long currentWeight;

	/**
	 * Creates a target.
	 * @param id how the target is named in metrics, logs and the actuator
	 * @param uri the target's ws:// or wss:// URI
	 * @param weight its share of the sessions, at least 1
	 * @param maxConnections the most sessions on it, 0 for no cap
	 */
	public PoolTarget(String id, URI uri, int weight, int maxConnections) {
		this.id = id;
		this.uri = uri;
		this.weight = weight;
		this.maxConnections = maxConnections;
	}

	/**
	 * A target named by its URI without the query.
	 * @param uri the URI
	 * @param weight its weight
	 * @param maxConnections its cap, 0 for none
	 * @return the target
	 */
	public static PoolTarget of(URI uri, int weight, int maxConnections) {
		return new PoolTarget(EdgeRoute.describe(uri), uri, weight, maxConnections);
	}

	public String id() {
		return this.id;
	}

	public URI uri() {
		return this.uri;
	}

	public int weight() {
		return this.weight;
	}

	public int maxConnections() {
		return this.maxConnections;
	}

	/**
	 * Sessions on the target, counting handshakes under way.
	 * @return the count
	 */
	public int sessions() {
		return this.sessions.get();
	}

	/**
	 * Dials of this target that failed, since start.
	 * @return the count
	 */
	public long failures() {
		return this.failures.get();
	}

	/**
	 * The open sessions on this target.
	 * @return a live view
	 */
	public Collection<ProxySession> openSessions() {
		return Collections.unmodifiableSet(this.open);
	}

	/**
	 * The target's state now.
	 * @param now the pool clock's time, in nanoseconds
	 * @return the state
	 */
	public State state(long now) {
		if (this.draining) {
			return State.DRAINING;
		}
		if (this.down) {
			return State.DOWN;
		}
		return ejected(now) ? State.EJECTED : State.UP;
	}

	/**
	 * Whether new sessions stay off this target.
	 * @return whether it drains
	 */
	public boolean draining() {
		return this.draining;
	}

	void draining(boolean draining) {
		this.draining = draining;
	}

	/**
	 * Marks the target down or up, as the active health probe found it.
	 * @param down whether the last probe failed
	 */
	public void down(boolean down) {
		this.down = down;
	}

	boolean down() {
		return this.down;
	}

	boolean removed() {
		return this.removed;
	}

	void remove() {
		this.removed = true;
	}

	boolean ejected(long now) {
		return this.ejectedUntil != 0 && now - this.ejectedUntil < 0;
	}

	boolean full() {
		return this.maxConnections > 0 && this.sessions.get() >= this.maxConnections;
	}

	void acquire() {
		this.sessions.incrementAndGet();
	}

	void release() {
		this.sessions.decrementAndGet();
	}

	void failed() {
		this.failures.incrementAndGet();
	}

	void attach(ProxySession session) {
		this.open.add(session);
	}

	void detach(ProxySession session) {
		this.open.remove(session);
	}

	@Override
	public String toString() {
		return this.id;
	}

	/**
	 * What a target accepts.
	 */
	public enum State {

		/** Takes new sessions. */
		UP,

		/** Failed too often; takes new sessions only when no other target can. */
		EJECTED,

		/** Takes no new sessions; its open sessions stay until they end or are closed. */
		DRAINING,

		/** The active health probe cannot reach it; takes new sessions only when no other target can. */
		DOWN

	}

}
