package io.wsedge.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The edge-wide budget of bytes held for sessions: messages being assembled or waiting for a deferred
 * interceptor, and what connections have not written yet (heap and direct buffers alike). Each session is
 * bounded by its own limits; this bounds their sum, as Envoy's overload manager does. Checked every
 * {@value #INTERVAL_MILLIS} ms: over the budget, new upgrades are refused with 503 and the sessions holding
 * the most are closed with the {@code buffer-overflow} policy until the edge holds less than the low-water
 * mark ({@value #LOW_WATER_PERCENT}% of the budget); upgrades are admitted again below it.
 */
public final class MemoryBudget implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(MemoryBudget.class);

	static final long INTERVAL_MILLIS = 100;

	static final int LOW_WATER_PERCENT = 80;

	private final EdgeEngine engine;

	private final long budget;

	private final long lowWater;

	private final ScheduledExecutorService timer;

	private volatile boolean over;

	private volatile long held;

	private volatile long shed;

	MemoryBudget(EdgeEngine engine, long budget) {
		this.engine = engine;
		this.budget = budget;
		this.lowWater = budget / 100 * LOW_WATER_PERCENT;
		this.timer = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "wsedge-memory-budget");
			thread.setDaemon(true);
			return thread;
		});
		this.timer.scheduleWithFixedDelay(this::check, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
	}

	/**
	 * The budget.
	 * @return bytes
	 */
	public long budget() {
		return this.budget;
	}

	/**
	 * Bytes held for all sessions at the last check.
	 * @return bytes
	 */
	public long held() {
		return this.held;
	}

	/**
	 * Whether the edge is over its budget (and not yet back under the low-water mark): new upgrades are refused.
	 * @return whether the edge is over its budget
	 */
	public boolean isOver() {
		return this.over;
	}

	/**
	 * Sessions closed so far to bring the edge back under its budget.
	 * @return the count
	 */
	public long shedSessions() {
		return this.shed;
	}

	void check() {
		try {
			List<Held> sessions = new ArrayList<>();
			long total = 0;
			long freeing = 0;
			for (ProxySession session : this.engine.sessions()) {
				long bytes = session.heldBytes();
				total += bytes;
				if (session.isClosing()) {
					// Already on its way out: its bytes are freed within the close timeout.
					freeing += bytes;
				}
				else if (bytes > 0) {
					sessions.add(new Held(session, bytes));
				}
			}
			this.held = total;
			if (total > this.budget) {
				if (!this.over) {
					logger.warn("The edge holds " + total + " bytes for its sessions, over its budget of " + this.budget
							+ " (wsedge.limits.max-total-buffered-bytes): refusing upgrades and closing the sessions "
							+ "that hold the most");
				}
				this.over = true;
				sessions.sort(Comparator.comparingLong(Held::bytes).reversed());
				long remaining = total - freeing;
				for (Held candidate : sessions) {
					if (remaining <= this.lowWater) {
						break;
					}
					if (candidate.session().shed()) {
						this.shed++;
					}
					remaining -= candidate.bytes();
				}
			}
			else if (this.over && total <= this.lowWater) {
				this.over = false;
				logger.info("The edge is back under its memory budget: admitting upgrades again");
			}
		}
		catch (RuntimeException ex) {
			logger.error("Memory budget check failed", ex);
		}
	}

	@Override
	public void close() {
		this.timer.shutdownNow();
	}

	private record Held(ProxySession session, long bytes) {
	}

}
