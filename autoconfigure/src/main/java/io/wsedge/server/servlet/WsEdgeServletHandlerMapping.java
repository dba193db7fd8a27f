package io.wsedge.server.servlet;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.server.RequestPath;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.servlet.handler.AbstractHandlerMapping;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;
import org.springframework.web.util.ServletRequestPathUtils;

import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.observation.EdgeObservations;
import io.wsedge.engine.Side;
import io.wsedge.policy.EdgePolicies;
import io.wsedge.upgrade.UpgradeFlow;

/**
 * Maps the paths of the configured routes to the edge on a Spring MVC application; every other request goes on
 * to the application's own handlers.
 * <p>
 * Owns the executor on which client legs make the calls that Jakarta WebSocket only offers as blocking ones
 * (sending pings, pongs and close frames), so that they never block a Netty event loop. Such a call lasts at
 * most the route's close timeout.
 */
public class WsEdgeServletHandlerMapping extends AbstractHandlerMapping implements DisposableBean {

	/**
	 * Before Spring MVC's actuator (-100), router function (-1) and annotated controller (0) mappings and Spring
	 * WebSocket's own handler mapping (1): a path configured as a route belongs to the edge.
	 */
	public static final int ORDER = -200;

	private final EdgeRoutes routes;

	private final Map<EdgeRoute, ServletEdgeHandler> handlers = new IdentityHashMap<>();

	private final ExecutorService blocking;

	public WsEdgeServletHandlerMapping(EdgeRoutes routes, EdgeEngine engine, EdgePolicies policies) {
		this(routes, engine, policies, EdgeObservations.NOOP);
	}

	public WsEdgeServletHandlerMapping(EdgeRoutes routes, EdgeEngine engine, EdgePolicies policies,
			EdgeObservations observations) {
		this.routes = routes;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("wsedge-servlet-");
		threads.setDaemon(true);
		this.blocking = Executors.newCachedThreadPool(threads);
		UpgradeFlow flow = new UpgradeFlow(engine, policies, observations);
		StandardWebSocketUpgradeStrategy upgradeStrategy = new StandardWebSocketUpgradeStrategy();
		for (EdgeRoute route : routes.routes()) {
			if (route.compression(Side.CLIENT).enabled()) {
				this.logger.warn("Compression toward the client is not available on the servlet stack; " + route
						+ " runs without it");
			}
			this.handlers.put(route, new ServletEdgeHandler(route, flow, upgradeStrategy, this.blocking));
		}
		setOrder(ORDER);
	}

	@Override
	protected Object getHandlerInternal(HttpServletRequest request) {
		RequestPath path = ServletRequestPathUtils.hasParsedRequestPath(request)
				? ServletRequestPathUtils.getParsedRequestPath(request)
				: RequestPath.parse(request.getRequestURI(), request.getContextPath());
		EdgeRoute route = this.routes.match(path.pathWithinApplication());
		return (route != null) ? this.handlers.get(route) : null;
	}

	@Override
	public void destroy() {
		this.blocking.shutdown();
	}

}
