package io.wsedge.server.servlet;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.socket.server.HandshakeFailureException;
import org.springframework.web.socket.server.RequestUpgradeStrategy;

import io.netty.util.concurrent.EventExecutor;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.EdgeRoute;
import io.wsedge.policy.Limits;
import io.wsedge.engine.ProxySession;
import io.wsedge.upgrade.Refusal;
import io.wsedge.upgrade.UpgradeRequest;
import io.wsedge.upgrade.HandshakeRefusedException;
import io.wsedge.upgrade.ServerRoute;
import io.wsedge.upgrade.UpgradeFlow;
import io.wsedge.upgrade.UpgradeFlow.Prepared;
import io.wsedge.netty.NettyLeg;
import io.wsedge.netty.UpstreamConnection;

/**
 * The edge for one route on the servlet stack: prepares the upgrade (checks, interceptors, upstream dial) on
 * the request's thread, then upgrades the client with Spring's {@link RequestUpgradeStrategy}, offering exactly
 * the upstream's subprotocol. The client's session joins the proxy session as a {@link ServletLeg} on the event
 * loop of the upstream connection.
 */
final class ServletEdgeHandler implements HttpRequestHandler {

	private static final Log logger = LogFactory.getLog(ServletEdgeHandler.class);

	/**
	 * Time the upgrade interceptors get beyond the connect timeout. The dial itself ends within the connect
	 * timeout; this only bounds how long a request thread waits for interceptors that defer.
	 */
	private static final Duration INTERCEPTOR_ALLOWANCE = Duration.ofSeconds(2);

	private final ServerRoute route;

	private final EdgeEngine engine;

	private final UpgradeFlow flow;

	private final RequestUpgradeStrategy upgradeStrategy;

	private final Executor blocking;

	ServletEdgeHandler(ServerRoute route, EdgeEngine engine, UpgradeFlow flow, RequestUpgradeStrategy upgradeStrategy,
			Executor blocking) {
		this.route = route;
		this.engine = engine;
		this.flow = flow;
		this.upgradeStrategy = upgradeStrategy;
		this.blocking = blocking;
	}

	@Override
	public void handleRequest(HttpServletRequest servletRequest, HttpServletResponse servletResponse)
			throws IOException {
		ServletServerHttpRequest request = new ServletServerHttpRequest(servletRequest);
		// A copy: the servlet request's headers are gone once Tomcat recycles the request after the upgrade,
		// and the session keeps them for its interceptors.
		HttpHeaders headers = HttpHeaders.copyOf(request.getHeaders());
		InetSocketAddress peer = new InetSocketAddress(servletRequest.getRemoteAddr(), servletRequest.getRemotePort());
		Duration wait = this.route.route().limits().connectTimeout().plus(INTERCEPTOR_ALLOWANCE);
		Prepared prepared;
		try {
			// Blocking a request thread is what the servlet stack is made for; the dial runs on Netty's loops.
			prepared = this.flow
				.prepare(this.route, servletRequest.getMethod(), request.getURI(), headers, peer,
						servletRequest.getUserPrincipal(), servletRequest.isSecure(), null)
				.timeout(wait)
				.onErrorMap(TimeoutException.class, (timeout) -> new HandshakeRefusedException(
						new Refusal(504, "Gateway Timeout: the upgrade was not ready in time")))
				.block();
		}
		catch (HandshakeRefusedException refused) {
			refuse(servletResponse, refused.refusal());
			return;
		}
		upgrade(request, servletResponse, prepared);
	}

	private void upgrade(ServletServerHttpRequest httpRequest, HttpServletResponse servletResponse, Prepared prepared)
			throws IOException {
		UpgradeRequest request = prepared.request();
		UpstreamConnection upstream = prepared.upstream();
		String subprotocol = upstream.subprotocol();
		if (subprotocol != null && !request.subprotocols().contains(subprotocol)) {
			prepared.abandon();
			refuse(servletResponse, new Refusal(502, "Bad Gateway: the upstream selected a subprotocol the client "
					+ "did not offer"));
			return;
		}
		if (this.engine.isDraining()) {
			prepared.abandon();
			refuse(servletResponse, new Refusal(503, "Service Unavailable: the server is shutting down"));
			return;
		}
		EdgeRoute edgeRoute = this.route.route();
		Limits limits = edgeRoute.limits();
		ProxySession session = new ProxySession(this.engine, edgeRoute, request.remoteAddress(), request.uri(),
				request.requestHeaders(), request.principal().orElse(null), request.attributesIfAny());
		NettyLeg upstreamLeg = upstream.leg();
		// The session runs on the upstream connection's event loop: Tomcat's threads only hand it events.
		EventExecutor executor = upstreamLeg.executor();
		AtomicBoolean claimed = new AtomicBoolean();
		InetSocketAddress peer = new InetSocketAddress(httpRequest.getServletRequest().getRemoteAddr(),
				httpRequest.getServletRequest().getRemotePort());
		ServletLeg client = new ServletLeg(executor, this.blocking, peer, limits.closeTimeout().toNanos(),
				limits.maxFrameSize(), (leg) -> {
					if (!claimed.compareAndSet(false, true)) {
						leg.discard();
						return;
					}
					edgeRoute.metrics().handshake(true, 101);
					session.start(leg, upstreamLeg, subprotocol, prepared.admission());
					leg.bind(session);
					upstreamLeg.bind(session, executor);
				});
		try {
			// Tomcat must not negotiate permessage-deflate on its own (see WithoutExtensionOffers).
			ServletServerHttpRequest upgradeRequest = new ServletServerHttpRequest(
					new WithoutExtensionOffers(httpRequest.getServletRequest()));
			this.upgradeStrategy.upgrade(upgradeRequest, new ServletServerHttpResponse(servletResponse), subprotocol,
					List.of(), request.principal().orElse(null), client, new HashMap<>());
		}
		catch (HandshakeFailureException ex) {
			claimed.set(true);
			prepared.abandon();
			logger.error("Upgrade failed on " + edgeRoute, ex);
			if (!servletResponse.isCommitted()) {
				refuse(servletResponse, new Refusal(500, "Internal Server Error"));
			}
			return;
		}
		// Tomcat opens the session once this request has returned. One that never opens (the client left in
		// between) gives back its upstream connection and its place under the caps.
		executor.schedule(() -> {
			if (claimed.compareAndSet(false, true)) {
				prepared.abandon();
			}
		}, limits.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
	}

	private void refuse(HttpServletResponse response, Refusal refusal) throws IOException {
		this.route.route().metrics().handshake(false, refusal.status());
		write(response, refusal);
	}

	static void write(HttpServletResponse response, Refusal refusal) throws IOException {
		response.setStatus(refusal.status());
		refusal.headers().forEach((name, values) -> values.forEach((value) -> response.addHeader(name, value)));
		response.setContentType("text/plain;charset=UTF-8");
		byte[] body = (refusal.message() + "\n").getBytes(StandardCharsets.UTF_8);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

}
