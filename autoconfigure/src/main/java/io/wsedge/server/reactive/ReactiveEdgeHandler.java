package io.wsedge.server.reactive;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.channel.Channel;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;

import io.wsedge.engine.EdgeRoute;
import io.wsedge.netty.ClientPipeline;
import io.wsedge.netty.NettyLeg;
import io.wsedge.upgrade.HandshakeRefusedException;
import io.wsedge.upgrade.Refusal;
import io.wsedge.upgrade.UpgradeFlow;
import io.wsedge.upgrade.UpgradeFlow.Accepted;
import io.wsedge.upgrade.UpgradeFlow.Prepared;

/**
 * The edge for one route on the Reactor Netty server: the {@link UpgradeFlow} prepares and accepts the
 * upgrade, then the client is upgraded with the upstream's subprotocol and its connection joins the session
 * as a {@link NettyLeg} set up by {@link ClientPipeline}, on the client's event loop, where the upstream
 * connection was placed too.
 */
final class ReactiveEdgeHandler implements WebHandler {

	private final EdgeRoute route;

	private final UpgradeFlow flow;

	ReactiveEdgeHandler(EdgeRoute route, UpgradeFlow flow) {
		this.route = route;
		this.flow = flow;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		Channel channel = ((Connection) ServerHttpRequestDecorator.getNativeRequest(request)).channel();
		return exchange.getPrincipal()
			.map(Optional::<Principal>of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((principal) -> this.flow.prepare(this.route, request.getMethod().name(), request.getURI(),
					request.getHeaders(), request.getRemoteAddress(), principal.orElse(null),
					request.getSslInfo() != null, channel.eventLoop()))
			.flatMap((prepared) -> upgrade(exchange, channel, this.flow.accept(prepared)))
			.doOnDiscard(Prepared.class, Prepared::abandon)
			.onErrorResume(HandshakeRefusedException.class, (refused) -> refuse(exchange, refused.refusal()));
	}

	private Mono<Void> refuse(ServerWebExchange exchange, Refusal refusal) {
		this.flow.refused(this.route, exchange.getRequest().getRemoteAddress(), refusal);
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatusCode.valueOf(refusal.status()));
		response.getHeaders().addAll(refusal.headers());
		response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
		byte[] body = (refusal.message() + "\n").getBytes(StandardCharsets.UTF_8);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
	}

	private Mono<Void> upgrade(ServerWebExchange exchange, Channel channel, Accepted accepted) {
		WebsocketServerSpec.Builder spec = WebsocketServerSpec.builder()
			.maxFramePayloadLength(this.route.limits().maxFrameSize())
			.handlePing(true);
		if (accepted.subprotocol() != null) {
			spec.protocols(accepted.subprotocol());
		}
		HttpServerResponse response = ServerHttpResponseDecorator.getNativeResponse(exchange.getResponse());
		AtomicBoolean started = new AtomicBoolean();
		// setComplete() runs WebFlux's pre-commit actions; the headers go out with the 101 response.
		return exchange.getResponse().setComplete().then(Mono.defer(() -> {
			ClientPipeline.negotiate(channel.pipeline(), this.route,
					accepted.prepared().request().requestHeaders().get("Sec-WebSocket-Extensions"),
					accepted.prepared().upstream().leg());
			return response.sendWebsocket((in, out) -> {
				started.set(true);
				Channel upgraded = ((Connection) in).channel();
				NettyLeg client = ClientPipeline.install(upgraded, this.route);
				accepted.start(client, upgraded.eventLoop());
				client.bind(accepted.session(), upgraded.eventLoop());
				if (in instanceof HttpServerRequest upgradeRequest) {
					// Reactor Netty keeps the upgrade request for the connection's life; the session has its own
					// copy of the headers (EdgeSession.handshakeHeaders). Emptied once WebFlux has finished with
					// the exchange, which happens as this returns.
					upgraded.eventLoop().execute(() -> upgradeRequest.requestHeaders().clear());
				}
				// The legs close the connection when the session ends; a publisher that completed would make
				// Reactor Netty close it on its own, and one that waited for the end would stay subscribed
				// for the session's life.
				return Mono.never();
			}, spec.build());
		})).doFinally((signal) -> {
			if (!started.get()) {
				accepted.abandon();
			}
		});
	}

}
