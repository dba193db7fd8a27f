package io.wsedge.health;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import io.wsedge.health.UpstreamProber.Probe;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.engine.pool.PoolTarget;
import io.wsedge.engine.pool.UpstreamPool;
import io.wsedge.engine.MemoryBudget;

/**
 * The health of the edge, contributed as {@code wsedge}: one detail per route, keyed by route id, with the
 * status of its upstream as last probed ({@code UP}, {@code DOWN}, or {@code UNKNOWN} before the first probe),
 * the address probed, the open sessions, and, when the route has a {@code max-connections} cap, the cap and
 * the saturation (open sessions over the cap).
 * <p>
 * The edge is {@code OUT_OF_SERVICE} while it drains for shutdown, so that load balancers stop sending it
 * clients before its sessions are closed, and while it is over its memory budget
 * ({@code wsedge.limits.max-total-buffered-bytes}), when it refuses upgrades anyway. Otherwise it is {@code UP}, or {@code DOWN} if some route's upstream
 * is unreachable and {@code wsedge.health.down-if-any-route-down} is set: a dead upstream on its own is the
 * upstream's problem, and taking the edge out of rotation would cut every other route too.
 * <p>
 * Reads only what the {@link UpstreamProber} and the engine already know: a health request dials nothing.
 */
public final class WsEdgeHealthIndicator implements HealthIndicator {

	private final EdgeRoutes routes;

	private final EdgeEngine engine;

	private final UpstreamProber prober;

	private final boolean downIfAnyRouteDown;

	/**
	 * Creates the indicator.
	 * @param routes the routes
	 * @param engine the engine, asked whether it drains
	 * @param prober the prober of the routes' upstreams
	 * @param downIfAnyRouteDown whether an unreachable upstream makes the whole edge {@code DOWN}
	 */
	public WsEdgeHealthIndicator(EdgeRoutes routes, EdgeEngine engine, UpstreamProber prober,
			boolean downIfAnyRouteDown) {
		this.routes = routes;
		this.engine = engine;
		this.prober = prober;
		this.downIfAnyRouteDown = downIfAnyRouteDown;
	}

	@Override
	public Health health() {
		Map<String, Object> details = new LinkedHashMap<>();
		boolean anyDown = false;
		for (EdgeRoute route : this.routes.routes()) {
			Probe probe = this.prober.lastProbe(route.id());
			Status status = (probe == null) ? Status.UNKNOWN : probe.reachable() ? Status.UP : Status.DOWN;
			anyDown |= (status == Status.DOWN);
			Map<String, Object> routeDetails = routeDetails(route, status, probe);
			if (route.pool() != null) {
				routeDetails.put("targets", targets(route));
			}
			details.put(route.id(), routeDetails);
		}
		MemoryBudget memory = this.engine.memory();
		boolean overloaded = memory != null && memory.isOver();
		Status status = (this.engine.isDraining() || overloaded) ? Status.OUT_OF_SERVICE
				: (anyDown && this.downIfAnyRouteDown) ? Status.DOWN : Status.UP;
		return Health.status(status).withDetails(details).build();
	}

	/** Each target of a pool: its state, sessions and failed dials, under its host and port. */
	private Map<String, Object> targets(EdgeRoute route) {
		UpstreamPool pool = route.pool();
		long now = pool.now();
		Map<String, Object> targets = new LinkedHashMap<>();
		for (PoolTarget target : pool.targets()) {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("state", target.state(now).name().toLowerCase(Locale.ROOT));
			details.put("sessions", target.sessions());
			details.put("failures", target.failures());
			Probe probe = this.prober.lastProbe(route.id(), target.uri());
			if (probe != null && probe.error() != null) {
				details.put("error", probe.error());
			}
			targets.put(UpstreamProber.address(target.uri()), details);
		}
		return targets;
	}

	private static Map<String, Object> routeDetails(EdgeRoute route, Status status, Probe probe) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("status", status.getCode());
		// Host and port only: the upstream URI's path and query may carry secrets.
		details.put("upstream", UpstreamProber.address(route.upstream()));
		int sessions = route.activeSessions().get();
		details.put("sessions", sessions);
		int max = route.maxConnections();
		if (max > 0) {
			details.put("maxConnections", max);
			details.put("saturation", (double) sessions / max);
		}
		if (probe != null) {
			details.put("probedAt", probe.at().toString());
			if (probe.error() != null) {
				details.put("error", probe.error());
			}
		}
		return details;
	}

}
