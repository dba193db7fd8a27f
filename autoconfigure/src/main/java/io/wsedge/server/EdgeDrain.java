package io.wsedge.server;

import java.time.Duration;
import java.util.List;

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
		List<ProxySession> open = List.copyOf(this.engine.sessions());
		if (open.isEmpty()) {
			return;
		}
		logger.info("Draining " + open.size() + " WebSocket session(s), for up to " + this.drainTimeout);
		for (ProxySession session : open) {
			session.shutdown();
		}
		long deadline = System.nanoTime() + this.drainTimeout.toNanos();
		while (!this.engine.sessions().isEmpty() && System.nanoTime() < deadline) {
			sleep();
		}
		List<ProxySession> left = List.copyOf(this.engine.sessions());
		if (!left.isEmpty()) {
			logger.warn("Cutting " + left.size() + " WebSocket session(s) still open after the drain timeout");
			for (ProxySession session : left) {
				session.abort();
			}
		}
	}

	private static void sleep() {
		try {
			Thread.sleep(10);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
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
