package io.wsedge.upgrade;

import org.springframework.web.util.pattern.PathPattern;

import io.wsedge.engine.EdgeRoute;
import io.wsedge.netty.UpstreamConnector;

/**
 * A route as server adapters see it: the engine's route, the path pattern it serves and the connector that
 * dials its upstream.
 *
 * @param route the engine's route
 * @param pattern the client-facing path pattern
 * @param connector dials the route's upstream, with its TLS settings
 */
public record ServerRoute(EdgeRoute route, PathPattern pattern, UpstreamConnector connector) {
}
