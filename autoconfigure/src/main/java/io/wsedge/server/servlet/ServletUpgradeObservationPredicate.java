package io.wsedge.server.servlet;

import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.server.RequestPath;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.util.function.SingletonSupplier;

import io.wsedge.engine.EdgeRoutes;

/**
 * Leaves WebSocket upgrades on the edge's routes out of Spring MVC's {@code http.server.requests} observation,
 * as {@code io.wsedge.server.reactive.UpgradeObservationPredicate} does on WebFlux: the upgrade is observed as
 * {@code wsedge.upgrade}, tagged with its route, and would otherwise be a second server span of the same request,
 * recorded with {@code uri="UNKNOWN"} since no controller pattern matched it. Every other request, a plain HTTP
 * request on a route's path included, is observed as before.
 */
public final class ServletUpgradeObservationPredicate implements ObservationPredicate {

	private final Supplier<EdgeRoutes> routes;

	/**
	 * Creates the predicate with routes looked up on first use (the routes need the observation registry, which
	 * needs this predicate).
	 * @param routes supplies the routes, once
	 */
	public ServletUpgradeObservationPredicate(Supplier<EdgeRoutes> routes) {
		this.routes = SingletonSupplier.of(routes);
	}

	@Override
	public boolean test(String name, Observation.Context context) {
		if (!(context instanceof ServerRequestObservationContext server)) {
			return true;
		}
		HttpServletRequest request = server.getCarrier();
		return request == null || !"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))
				|| this.routes.get()
					.match(RequestPath.parse(request.getRequestURI(), request.getContextPath())
						.pathWithinApplication()) == null;
	}

}
