package io.wsedge.server.servlet;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
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
import io.wsedge.engine.EdgeRoute;
import io.wsedge.policy.Limits;
import io.wsedge.upgrade.HandshakeRefusedException;
import io.wsedge.upgrade.Refusal;
import io.wsedge.upgrade.UpgradeFlow;
import io.wsedge.upgrade.UpgradeFlow.Accepted;
import io.wsedge.upgrade.UpgradeFlow.Prepared;

/**
 * The edge for one route on the servlet stack: the {@link UpgradeFlow} prepares and accepts the upgrade on the
 * request's thread, then the client is upgraded with Spring's {@link RequestUpgradeStrategy}, offering exactly
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

	private final EdgeRoute route;

	private final UpgradeFlow flow;

	private final RequestUpgradeStrategy upgradeStrategy;

	private final Executor blocking;

	ServletEdgeHandler(EdgeRoute route, UpgradeFlow flow, RequestUpgradeStrategy upgradeStrategy, Executor blocking) {
		this.route = route;
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
		Duration wait = this.route.limits().connectTimeout().plus(INTERCEPTOR_ALLOWANCE);
		Accepted accepted;
		try {
			// Blocking a request thread is what the servlet stack is made for; the dial runs on Netty's loops.
			Prepared prepared = this.flow
				.prepare(this.route, servletRequest.getMethod(), request.getURI(), headers, peer,
						servletRequest.getUserPrincipal(), servletRequest.isSecure(), null)
				.timeout(wait)
				.onErrorMap(TimeoutException.class, (timeout) -> new HandshakeRefusedException(
						new Refusal(504, "Gateway Timeout: the upgrade was not ready in time")
							.by(Refusal.Step.SERVER, "not ready within " + wait)))
				.block();
			accepted = this.flow.accept(prepared);
		}
		catch (HandshakeRefusedException refused) {
			refuse(servletResponse, peer, refused.refusal());
			return;
		}
		upgrade(request, servletResponse, accepted, peer);
	}

	private void upgrade(ServletServerHttpRequest httpRequest, HttpServletResponse servletResponse, Accepted accepted,
			InetSocketAddress peer) throws IOException {
		Limits limits = this.route.limits();
		// The session runs on the upstream connection's event loop: Tomcat's threads only hand it events.
		EventExecutor executor = accepted.prepared().upstream().leg().executor();
		AtomicBoolean claimed = new AtomicBoolean();
		ServletLeg client = new ServletLeg(executor, this.blocking, peer, limits.closeTimeout().toNanos(),
				limits.maxFrameSize(), (leg) -> {
					if (!claimed.compareAndSet(false, true)) {
						leg.discard();
						return;
					}
					accepted.start(leg, executor);
					leg.bind(accepted.session());
				});
		Principal principal = accepted.prepared().request().principal().orElse(null);
		try {
			// Tomcat must not negotiate permessage-deflate on its own (see WithoutExtensionOffers).
			ServletServerHttpRequest upgradeRequest = new ServletServerHttpRequest(
					new WithoutExtensionOffers(httpRequest.getServletRequest()));
			this.upgradeStrategy.upgrade(upgradeRequest, new ServletServerHttpResponse(servletResponse),
					accepted.subprotocol(), List.of(), principal, client, new HashMap<>());
		}
		catch (HandshakeFailureException ex) {
			claimed.set(true);
			accepted.abandon();
			logger.error("Upgrade failed on " + this.route, ex);
			if (!servletResponse.isCommitted()) {
				refuse(servletResponse, peer,
						new Refusal(500, "Internal Server Error").by(Refusal.Step.SERVER, ex.toString()));
			}
			return;
		}
		// Tomcat opens the session once this request has returned. One that never opens (the client left in
		// between) gives back its upstream connection and its place under the caps.
		executor.schedule(() -> {
			if (claimed.compareAndSet(false, true)) {
				accepted.abandon();
			}
		}, limits.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
	}

	private void refuse(HttpServletResponse response, InetSocketAddress peer, Refusal refusal) throws IOException {
		this.flow.refused(this.route, peer, refusal);
		response.setStatus(refusal.status());
		refusal.headers().forEach((name, values) -> values.forEach((value) -> response.addHeader(name, value)));
		response.setContentType("text/plain;charset=UTF-8");
		byte[] body = (refusal.message() + "\n").getBytes(StandardCharsets.UTF_8);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

}
