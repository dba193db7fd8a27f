package io.wsedge.server.reactive;

import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

import io.wsedge.engine.EdgeRoutes;

/**
 * Leaves WebSocket upgrades on the edge's routes out of WebFlux's {@code http.server.requests} observation.
 * Such an observation would time the whole session as one request, long after its 101, and it costs a timer
 * sample and its tags per upgrade; the edge measures upgrades itself ({@code wsedge.handshakes},
 * {@code wsedge.sessions}). Every other request, a plain HTTP request on a route's path included, is observed
 * as before.
 */
public final class UpgradeObservationPredicate implements ObservationPredicate {

	private final Supplier<EdgeRoutes> routes;

	public UpgradeObservationPredicate(EdgeRoutes routes) {
		this(() -> routes);
	}

	/**
	 * Creates the predicate with routes looked up on first use: the routes' connectors observe their dials, so
	 * they need the observation registry, which needs this predicate.
	 * @param routes supplies the routes, once
	 */
	public UpgradeObservationPredicate(Supplier<EdgeRoutes> routes) {
		this.routes = SingletonSupplier.of(routes);
	}

	@Override
	public boolean test(String name, Observation.Context context) {
		if (!(context instanceof ServerRequestObservationContext server)) {
			return true;
		}
		ServerHttpRequest request = server.getCarrier();
		return request == null || !"websocket".equalsIgnoreCase(request.getHeaders().getUpgrade())
				|| this.routes.get().match(request.getPath().pathWithinApplication()) == null;
	}

}
