package io.wsedge.server.reactive;

import java.util.IdentityHashMap;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.handler.AbstractHandlerMapping;
import org.springframework.web.server.ServerWebExchange;

import io.wsedge.policy.EdgePolicies;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.upgrade.ServerRoute;
import io.wsedge.upgrade.ServerRoutes;
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

	private final ServerRoutes routes;

	private final Map<ServerRoute, ReactiveEdgeHandler> handlers = new IdentityHashMap<>();

	public WsEdgeHandlerMapping(ServerRoutes routes, EdgeEngine engine, EdgePolicies policies) {
		this.routes = routes;
		UpgradeFlow flow = new UpgradeFlow(engine, policies);
		for (ServerRoute route : routes.routes()) {
			this.handlers.put(route, new ReactiveEdgeHandler(route, engine, flow));
		}
		setOrder(ORDER);
	}

	@Override
	protected Mono<?> getHandlerInternal(ServerWebExchange exchange) {
		ServerRoute route = this.routes.match(exchange.getRequest().getPath().pathWithinApplication());
		return (route != null) ? Mono.just(this.handlers.get(route)) : Mono.empty();
	}

}
