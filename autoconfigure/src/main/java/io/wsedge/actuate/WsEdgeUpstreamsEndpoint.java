package io.wsedge.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.engine.pool.PoolTarget;
import io.wsedge.engine.pool.UpstreamPool;

/**
 * The {@code wsedgeupstreams} actuator endpoint: the upstream targets of the routes that have several
 * ({@code wsedge.routes[].upstreams}), and their drain.
 * <ul>
 * <li>{@code GET /actuator/wsedgeupstreams}: every such route with its targets, their state ({@code up},
 * {@code ejected}, {@code draining}, {@code down}), open sessions and failed dials;</li>
 * <li>{@code GET /actuator/wsedgeupstreams/{route}}: one route, 404 if it has no pool;</li>
 * <li>{@code POST /actuator/wsedgeupstreams/{route}} with a JSON body {@code {"target": "ws://host:port/path",
 * "action": "drain", "over": "PT5S"}}: stops new sessions to the target and, with {@code over}, closes its open
 * sessions with 1012 (Service Restart) spread over that time, so that their clients reconnect to the other
 * targets a few at a time; {@code "action": "resume"} lets it take sessions again. 404 for an unknown route or
 * target, 400 for an unknown action.</li>
 * </ul>
 * A target is named by its URI without the query, as the list shows it. HTTP only; not reachable until exposed,
 * like every actuator endpoint.
 */
@WebEndpoint(id = "wsedgeupstreams")
public class WsEdgeUpstreamsEndpoint {

	private final EdgeRoutes routes;

	/**
	 * Creates the endpoint.
	 * @param routes the configured routes
	 */
	public WsEdgeUpstreamsEndpoint(EdgeRoutes routes) {
		this.routes = routes;
	}

	/**
	 * The routes with several upstreams, and their targets.
	 * @return the routes
	 */
	@ReadOperation
	public RoutesDescriptor pools() {
		List<PoolDescriptor> pools = new ArrayList<>();
		for (EdgeRoute route : this.routes.routes()) {
			if (route.pool() != null) {
				pools.add(PoolDescriptor.of(route));
			}
		}
		return new RoutesDescriptor(pools);
	}

	/**
	 * One route's targets.
	 * @param route the route id
	 * @return the route's targets, or 404 when it has no pool
	 */
	@ReadOperation
	public WebEndpointResponse<PoolDescriptor> pool(@Selector String route) {
		EdgeRoute found = this.routes.find(route);
		if (found == null || found.pool() == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		return new WebEndpointResponse<>(PoolDescriptor.of(found));
	}

	/**
	 * Drains a target, or lets a drained one take sessions again.
	 * @param route the route id
	 * @param target the target's URI without the query, as listed
	 * @param action {@code drain} or {@code resume}
	 * @param over with {@code drain}, the time to close the target's open sessions over (ISO-8601 or
	 * {@code 5s}); without it they stay open
	 * @return the target's state, or 404 for an unknown route or target
	 */
	@WriteOperation
	public WebEndpointResponse<TargetDescriptor> change(@Selector String route, String target, String action,
			@Nullable Duration over) {
		EdgeRoute found = this.routes.find(route);
		UpstreamPool pool = (found != null) ? found.pool() : null;
		PoolTarget poolTarget = (pool != null) ? pool.target(target) : null;
		if (poolTarget == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		int closing = 0;
		switch (action.toLowerCase(Locale.ROOT)) {
			case "drain" -> {
				if (over != null && over.isNegative()) {
					throw new InvalidEndpointRequestException("Negative drain time " + over,
							"'over' must be 0 or a positive duration, such as PT5S");
				}
				closing = pool.drain(poolTarget, over);
			}
			case "resume" -> pool.resume(poolTarget);
			default -> throw new InvalidEndpointRequestException("Unknown action " + action,
					"'action' is drain or resume");
		}
		return new WebEndpointResponse<>(TargetDescriptor.of(poolTarget, pool.now(), closing));
	}

	/**
	 * The routes with several upstreams.
	 *
	 * @param routes the routes, in configured order
	 */
	public record RoutesDescriptor(List<PoolDescriptor> routes) implements OperationResponseBody {
	}

	/**
	 * A route's targets.
	 *
	 * @param route the route id
	 * @param strategy the load-balancing strategy
	 * @param targets the targets
	 */
	public record PoolDescriptor(String route, String strategy, List<TargetDescriptor> targets)
			implements OperationResponseBody {

		static PoolDescriptor of(EdgeRoute route) {
			UpstreamPool pool = route.pool();
			long now = pool.now();
			return new PoolDescriptor(route.id(),
					pool.balancing().strategy().name().toLowerCase(Locale.ROOT).replace('_', '-'),
					pool.targets().stream().map((target) -> TargetDescriptor.of(target, now, 0)).toList());
		}

	}

	/**
	 * One target.
	 *
	 * @param target the target's URI without the query
	 * @param weight its weight
	 * @param state {@code up}, {@code ejected}, {@code draining} or {@code down}
	 * @param sessions its open sessions, handshakes under way included
	 * @param failures its failed dials since start
	 * @param closing sessions being closed by this request's drain
	 */
	public record TargetDescriptor(String target, int weight, String state, int sessions, long failures,
			int closing) implements OperationResponseBody {

		static TargetDescriptor of(PoolTarget target, long now, int closing) {
			return new TargetDescriptor(target.id(), target.weight(),
					target.state(now).name().toLowerCase(Locale.ROOT), target.sessions(), target.failures(), closing);
		}

	}

}
