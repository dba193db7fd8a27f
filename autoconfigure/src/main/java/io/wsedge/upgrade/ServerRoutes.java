package io.wsedge.upgrade;

import java.util.List;

import org.springframework.http.server.PathContainer;

/**
 * The configured routes in order; the first whose pattern matches a path serves it.
 */
public final class ServerRoutes {

	private final List<ServerRoute> routes;

	public ServerRoutes(List<ServerRoute> routes) {
		this.routes = List.copyOf(routes);
	}

	/**
	 * Finds the route for a path.
	 * @param path the request path within the application
	 * @return the route, or {@code null} when no route serves the path
	 */
	public ServerRoute match(PathContainer path) {
		for (ServerRoute route : this.routes) {
			if (route.pattern().matches(path)) {
				return route;
			}
		}
		return null;
	}

	public List<ServerRoute> routes() {
		return this.routes;
	}

}
