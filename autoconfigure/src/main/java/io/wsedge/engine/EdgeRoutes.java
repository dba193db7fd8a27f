package io.wsedge.engine;

import java.util.List;

import org.springframework.http.server.PathContainer;

/**
 * The route table: the configured routes in order. Server adapters find the route that serves a path in it;
 * health and the actuator read it.
 */
public final class EdgeRoutes {

	private final List<EdgeRoute> routes;

	public EdgeRoutes(List<EdgeRoute> routes) {
		this.routes = List.copyOf(routes);
	}

	/**
	 * Finds the route for a path: the first whose pattern matches it.
	 * @param path the request path within the application
	 * @return the route, or {@code null} when no route serves the path
	 */
	public EdgeRoute match(PathContainer path) {
		for (EdgeRoute route : this.routes) {
			if (route.pattern().matches(path)) {
				return route;
			}
		}
		return null;
	}

	/**
	 * Finds a route by id.
	 * @param id the route id
	 * @return the route, or {@code null} when no route has that id
	 */
	public EdgeRoute find(String id) {
		for (EdgeRoute route : this.routes) {
			if (route.id().equals(id)) {
				return route;
			}
		}
		return null;
	}

	/**
	 * The routes in the order they are matched.
	 * @return the routes
	 */
	public List<EdgeRoute> routes() {
		return this.routes;
	}

}
