package io.wsedge.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.SmartLifecycle;

import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.engine.pool.PoolTarget;

/**
 * Finds out, on a schedule, whether the upstream of each route is reachable, and keeps the last answer for the
 * health indicator, so that a health request never dials anything itself.
 * <p>
 * A probe is a TCP connect to the upstream's host and port with the route's connect timeout, closed at once:
 * it proves that something listens there, not that it speaks WebSocket, and it does not check a wss://
 * upstream's certificate. Probes block, so they run on Reactor's bounded elastic scheduler, never on an event
 * loop; a daemon thread only starts them, every interval, and a route whose last probe is still running is
 * skipped. The schedule starts with the application context and stops when it closes.
 */
public final class UpstreamProber implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(UpstreamProber.class);

	private final Map<String, List<Target>> targets = new LinkedHashMap<>();

	private final Duration interval;

	private final Scheduler probes;

	private volatile ScheduledExecutorService ticker;

	/**
	 * Creates a prober of every route's upstream.
	 * @param routes the routes
	 * @param interval the time between two probes of a route
	 */
	public UpstreamProber(EdgeRoutes routes, Duration interval) {
		this(routes, interval, Schedulers.boundedElastic());
	}

	UpstreamProber(EdgeRoutes routes, Duration interval, Scheduler probes) {
		for (EdgeRoute route : routes.routes()) {
			List<Target> targets = new ArrayList<>();
			if (route.pool() != null) {
				// Each target of a pool on its own, marked down or up in the pool as its probe finds it.
				for (PoolTarget target : route.pool().targets()) {
					targets.add(new Target(route, target.uri(), target));
				}
			}
			else {
				targets.add(new Target(route, route.upstream(), null));
			}
			this.targets.put(route.id(), targets);
		}
		this.interval = interval;
		this.probes = probes;
	}

	/**
	 * The last probe of a route's upstream.
	 * @param routeId the route's id
	 * @return the last probe, or {@code null} if the route was not probed yet or is unknown
	 */
	public Probe lastProbe(String routeId) {
		List<Target> targets = this.targets.get(routeId);
		if (targets == null) {
			return null;
		}
		if (targets.size() == 1) {
			return targets.get(0).last;
		}
		// A pool is reachable while one of its targets is.
		Probe latest = null;
		List<String> errors = new ArrayList<>();
		for (Target target : targets) {
			Probe probe = target.last;
			if (probe == null) {
				continue;
			}
			if (probe.reachable()) {
				return probe;
			}
			errors.add(address(target.upstream) + ": " + probe.error());
			latest = (latest == null || probe.at().isAfter(latest.at())) ? probe : latest;
		}
		return (latest != null && errors.size() == targets.size())
				? new Probe(false, latest.at(), String.join("; ", errors)) : null;
	}

	/**
	 * The last probe of one target of a route's pool.
	 * @param routeId the route's id
	 * @param upstream the target's URI
	 * @return the last probe, or {@code null} if the target was not probed yet or is unknown
	 */
	public Probe lastProbe(String routeId, URI upstream) {
		for (Target target : this.targets.getOrDefault(routeId, List.of())) {
			if (target.upstream.equals(upstream)) {
				return target.last;
			}
		}
		return null;
	}

	/**
	 * The address a route's upstream is probed at.
	 * @param upstream the route's upstream URI
	 * @return {@code host:port}, with the scheme's default port when the URI has none
	 */
	public static String address(URI upstream) {
		return upstream.getHost() + ":" + port(upstream);
	}

	private static int port(URI upstream) {
		if (upstream.getPort() != -1) {
			return upstream.getPort();
		}
		return "wss".equalsIgnoreCase(upstream.getScheme()) ? 443 : 80;
	}

	@Override
	public void start() {
		if (this.ticker != null) {
			return;
		}
		ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "wsedge-health-probe");
			thread.setDaemon(true);
			return thread;
		});
		this.ticker = ticker;
		ticker.scheduleAtFixedRate(this::probeAll, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		ScheduledExecutorService ticker = this.ticker;
		this.ticker = null;
		if (ticker != null) {
			// Probes under way end on their own within their connect timeout.
			ticker.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.ticker != null;
	}

	/** Starts a probe of every route whose last one has ended, on the probe scheduler; the schedule calls it. */
	void probeAll() {
		for (Target target : this.targets.values().stream().flatMap(List::stream).toList()) {
			if (target.running.compareAndSet(false, true)) {
				try {
					this.probes.schedule(target::probe);
				}
				catch (RejectedExecutionException ex) {
					// The scheduler is full or shut down; the next round tries again.
					target.running.set(false);
				}
			}
		}
	}

	/**
	 * The outcome of one probe.
	 *
	 * @param reachable whether a TCP connection to the upstream opened within the route's connect timeout
	 * @param at when the probe ended
	 * @param error why the upstream was not reachable, or {@code null} when it was
	 */
	public record Probe(boolean reachable, Instant at, String error) {
	}

	/** One route's upstream and its last probe. */
	private static final class Target {

		private final String routeId;

		private final URI upstream;

		private final String host;

		private final int port;

		private final int timeoutMillis;

		private final AtomicBoolean running = new AtomicBoolean();

		private volatile Probe last;

		private final PoolTarget poolTarget;

		Target(EdgeRoute route, URI upstream, PoolTarget poolTarget) {
			this.routeId = route.id();
			this.upstream = upstream;
			this.poolTarget = poolTarget;
			this.host = this.upstream.getHost();
			this.port = port(this.upstream);
			this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, route.limits().connectTimeout().toMillis()));
		}

		void probe() {
			try {
				Probe probe = connect();
				Probe previous = this.last;
				this.last = probe;
				if (this.poolTarget != null) {
					this.poolTarget.down(!probe.reachable());
				}
				logChange(previous, probe);
			}
			finally {
				this.running.set(false);
			}
		}

		private Probe connect() {
			// Resolved on every probe, so that a changed DNS record is followed.
			InetSocketAddress address = new InetSocketAddress(this.host, this.port);
			if (address.isUnresolved()) {
				return new Probe(false, Instant.now(), "Unknown host " + this.host);
			}
			try (Socket socket = new Socket()) {
				socket.connect(address, this.timeoutMillis);
				return new Probe(true, Instant.now(), null);
			}
			catch (IOException | RuntimeException ex) {
				return new Probe(false, Instant.now(), ex.getClass().getSimpleName() + ": " + ex.getMessage());
			}
		}

		private void logChange(Probe previous, Probe probe) {
			if (!probe.reachable() && (previous == null || previous.reachable())) {
				logger.warn("Upstream " + address(this.upstream) + " of route '" + this.routeId + "' is unreachable: "
						+ probe.error());
			}
			else if (probe.reachable() && previous != null && !previous.reachable()) {
				logger.info("Upstream " + address(this.upstream) + " of route '" + this.routeId + "' is reachable again");
			}
		}

	}

}
