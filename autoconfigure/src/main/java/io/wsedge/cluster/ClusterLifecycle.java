package io.wsedge.cluster;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Joins the cluster once the Redis connection factory has started, and leaves it after the edge has drained
 * and its server has stopped, but before the Redis connection factory stops: the drained sessions' places are
 * given back and this instance's lease withdrawn while Redis can still be reached.
 */
public final class ClusterLifecycle implements SmartLifecycle {

	/** Right after the web server's graceful shutdown, long before the Redis connection factory (phase 0). */
	public static final int PHASE = WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE - 1;

	private final RedisEdgeCluster cluster;

	private final ClusterCommands commands;

	private volatile boolean running;

	/**
	 * Creates the lifecycle.
	 * @param cluster this instance's membership
	 * @param commands the cluster's commands, or {@code null} when the application replaced them
	 */
	public ClusterLifecycle(RedisEdgeCluster cluster, ClusterCommands commands) {
		this.cluster = cluster;
		this.commands = commands;
	}

	@Override
	public void start() {
		this.cluster.start();
		if (this.commands != null) {
			this.commands.start();
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.commands != null) {
			this.commands.close();
		}
		this.cluster.close();
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
