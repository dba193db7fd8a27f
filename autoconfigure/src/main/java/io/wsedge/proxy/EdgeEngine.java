package io.wsedge.proxy;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.wsedge.api.SessionEndListener;
import io.wsedge.api.SessionSummary;

/**
 * The stack-neutral core shared by every server adapter: it owns the open sessions and tells the
 * session-end listeners. Server adapters create sessions through it; the actuator reads and steers it.
 */
public final class EdgeEngine {

	private static final Log logger = LogFactory.getLog(EdgeEngine.class);

	private final Map<String, ProxySession> sessions = new ConcurrentHashMap<>();

	private final List<SessionEndListener> endListeners;

	private volatile boolean draining;

	private final List<Runnable> drainListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

	public EdgeEngine(List<SessionEndListener> endListeners) {
		this.endListeners = List.copyOf(endListeners);
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

	void opened(ProxySession session) {
		this.sessions.put(session.id(), session);
	}

	void ended(ProxySession session, SessionSummary summary) {
		this.sessions.remove(session.id());
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
