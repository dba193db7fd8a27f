package io.wsedge.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;

import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.ProxySession;

/**
 * Drains the edge when the application stops, before the web server's graceful shutdown: new upgrades are
 * refused with 503, every open session gets the {@code shutdown} close policy on both sides, and connections
 * still open after the drain timeout are cut. Without it a graceful shutdown would wait its whole timeout for
 * WebSocket connections that never end on their own.
 */
public final class EdgeDrain implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(EdgeDrain.class);

	/** Stops just before the web server's graceful shutdown, which stops in a lower phase. */
	public static final int PHASE = WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE + 1;

	private final EdgeEngine engine;

	private final Duration drainTimeout;

	private volatile boolean running;

	public EdgeDrain(EdgeEngine engine, Duration drainTimeout) {
		this.engine = engine;
		this.drainTimeout = drainTimeout;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.engine.startDraining();
		if (this.engine.sessions().isEmpty()) {
			return;
		}
		logger.info("Draining " + this.engine.sessions().size() + " WebSocket session(s), for up to "
				+ this.drainTimeout);
		long deadline = System.nanoTime() + this.drainTimeout.toNanos();
		List<ProxySession> open = List.copyOf(this.engine.sessions());
		// Rounds, as an upgrade accepted just before the drain started may open its session after the first
		// look; each round waits on the ends of the sessions it told to close, never past the deadline.
		while (!open.isEmpty() && awaitEnds(open, deadline)) {
			open = List.copyOf(this.engine.sessions());
		}
		List<ProxySession> left = List.copyOf(this.engine.sessions());
		if (!left.isEmpty()) {
			logger.warn("Cutting " + left.size() + " WebSocket session(s) still open after the drain timeout");
			for (ProxySession session : left) {
				session.abort();
			}
		}
	}

	/**
	 * Closes sessions with the shutdown policy and waits for their ends.
	 * @return whether they all ended before the deadline
	 */
	private static boolean awaitEnds(List<ProxySession> sessions, long deadline) {
		CompletableFuture<?>[] ends = new CompletableFuture<?>[sessions.size()];
		for (int i = 0; i < ends.length; i++) {
			ProxySession session = sessions.get(i);
			session.shutdown();
			ends[i] = session.end();
		}
		try {
			CompletableFuture.allOf(ends).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (ExecutionException ex) {
			// A session that ended exceptionally has ended all the same; the others are looked at again.
			return System.nanoTime() < deadline;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
