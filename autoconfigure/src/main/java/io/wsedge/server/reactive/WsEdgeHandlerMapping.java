package io.wsedge.server.reactive;

import java.util.IdentityHashMap;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.handler.AbstractHandlerMapping;
import org.springframework.web.server.ServerWebExchange;

import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.observation.EdgeObservations;
import io.wsedge.policy.EdgePolicies;
import io.wsedge.upgrade.UpgradeFlow;

/**
 * Maps the paths of the configured routes to the edge on a WebFlux application; every other request goes on
 * to the application's own handlers.
 */
public class WsEdgeHandlerMapping extends AbstractHandlerMapping {

	/**
	 * Before WebFlux's actuator (-100), router function (-1) and annotated controller (0) mappings: a path
	 * configured as a route belongs to the edge.
	 */
	public static final int ORDER = -200;

	private final EdgeRoutes routes;

	private final Map<EdgeRoute, ReactiveEdgeHandler> handlers = new IdentityHashMap<>();

	public WsEdgeHandlerMapping(EdgeRoutes routes, EdgeEngine engine, EdgePolicies policies) {
		this(routes, engine, policies, EdgeObservations.NOOP);
	}

	public WsEdgeHandlerMapping(EdgeRoutes routes, EdgeEngine engine, EdgePolicies policies,
			EdgeObservations observations) {
		this.routes = routes;
		UpgradeFlow flow = new UpgradeFlow(engine, policies, observations);
		for (EdgeRoute route : routes.routes()) {
			this.handlers.put(route, new ReactiveEdgeHandler(route, flow));
		}
		setOrder(ORDER);
	}

	@Override
	protected Mono<?> getHandlerInternal(ServerWebExchange exchange) {
		EdgeRoute route = this.routes.match(exchange.getRequest().getPath().pathWithinApplication());
		return (route != null) ? Mono.just(this.handlers.get(route)) : Mono.empty();
	}

}
