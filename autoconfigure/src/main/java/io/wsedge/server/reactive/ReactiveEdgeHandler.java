package io.wsedge.server.reactive;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
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

import io.wsedge.policy.Compression;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.ProxySession;
import io.wsedge.upgrade.Refusal;
import io.wsedge.engine.Side;
import io.wsedge.upgrade.UpgradeRequest;
import io.wsedge.upgrade.HandshakeRefusedException;
import io.wsedge.upgrade.ServerRoute;
import io.wsedge.upgrade.UpgradeFlow;
import io.wsedge.upgrade.UpgradeFlow.Prepared;
import io.wsedge.netty.Deflate;
import io.wsedge.netty.NettyLeg;
import io.wsedge.netty.UpstreamConnection;
import io.wsedge.netty.UpstreamConnector;

/**
 * The edge for one route on the Reactor Netty server: prepares the upgrade (checks, interceptors, upstream
 * dial), then upgrades the client with the upstream's subprotocol and starts the session. The client's
 * connection joins the session as a {@link NettyLeg} in its own pipeline, on the event loop the upstream
 * connection was placed on.
 */
final class ReactiveEdgeHandler implements WebHandler {

	private final ServerRoute route;

	private final EdgeEngine engine;

	private final UpgradeFlow flow;

	ReactiveEdgeHandler(ServerRoute route, EdgeEngine engine, UpgradeFlow flow) {
		this.route = route;
		this.engine = engine;
		this.flow = flow;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		HttpServerRequest nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
		Channel channel = ((Connection) nativeRequest).channel();
		return exchange.getPrincipal()
			.map(Optional::<Principal>of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((principal) -> this.flow.prepare(this.route, request.getMethod().name(), request.getURI(),
					request.getHeaders(), request.getRemoteAddress(), principal.orElse(null),
					request.getSslInfo() != null, channel.eventLoop()))
			.flatMap((prepared) -> {
				try {
					return upgrade(exchange, prepared);
				}
				catch (RuntimeException ex) {
					prepared.abandon();
					return Mono.error(ex);
				}
			})
			.doOnDiscard(Prepared.class, Prepared::abandon)
			.onErrorResume(HandshakeRefusedException.class, (refused) -> refuse(exchange, refused.refusal()));
	}

	private Mono<Void> refuse(ServerWebExchange exchange, Refusal refusal) {
		this.route.route().metrics().handshake(false, refusal.status());
		return write(exchange, refusal);
	}

	private Mono<Void> upgrade(ServerWebExchange exchange, Prepared prepared) {
		UpgradeRequest request = prepared.request();
		UpstreamConnection upstream = prepared.upstream();
		String subprotocol = upstream.subprotocol();
		if (subprotocol != null && !request.subprotocols().contains(subprotocol)) {
			prepared.abandon();
			return refuse(exchange, new Refusal(502, "Bad Gateway: the upstream selected a subprotocol the client "
					+ "did not offer"));
		}
		if (this.engine.isDraining()) {
			prepared.abandon();
			return refuse(exchange, new Refusal(503, "Service Unavailable: the server is shutting down"));
		}
		EdgeRoute edgeRoute = this.route.route();
		ProxySession session = new ProxySession(this.engine, edgeRoute, request.remoteAddress(), request.uri(),
				request.requestHeaders(), request.principal().orElse(null), request.attributesIfAny());
		WebsocketServerSpec.Builder builder = WebsocketServerSpec.builder()
			.maxFramePayloadLength(edgeRoute.limits().maxFrameSize())
			.handlePing(true);
		if (subprotocol != null) {
			builder.protocols(subprotocol);
		}
		WebsocketServerSpec spec = builder.build();
		long closeTimeoutNanos = edgeRoute.limits().closeTimeout().toNanos();
		ServerHttpResponse response = exchange.getResponse();
		HttpServerResponse nativeResponse = ServerHttpResponseDecorator.getNativeResponse(response);
		AtomicBoolean started = new AtomicBoolean();
		// setComplete() runs WebFlux's pre-commit actions; the headers go out with the 101 response.
		Compression compression = edgeRoute.compression(Side.CLIENT);
		List<String> offers = request.requestHeaders().get("Sec-WebSocket-Extensions");
		boolean deflate = compression.enabled() && Deflate.offered(offers);
		Channel requestChannel = ((Connection) ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest()))
			.channel();
		return response.setComplete().then(Mono.defer(() -> {
			if (deflate) {
				Deflate.acceptOffer(requestChannel.pipeline(), offers, compression,
						(int) Math.min(Integer.MAX_VALUE, edgeRoute.limits().maxPayloadSize()));
			}
			return Mono.empty();
		})).then(Mono.defer(() -> nativeResponse.sendWebsocket((in, out) -> {
			started.set(true);
			edgeRoute.metrics().handshake(true, 101);
			Channel channel = ((Connection) in).channel();
			NettyLeg client = new NettyLeg(Side.CLIENT, channel, closeTimeoutNanos);
			NettyLeg.takeOverViolations(channel.pipeline(), edgeRoute.limits().maxFrameSize());
			channel.pipeline()
				.addBefore(NettyPipeline.ReactiveBridge, UpstreamConnector.UTF8_VALIDATOR_NAME,
						new Utf8FrameValidator(false))
				.addBefore(NettyPipeline.ReactiveBridge, NettyLeg.HANDLER_NAME, client);
			Deflate.meter(channel.pipeline(), edgeRoute.metrics(), Side.CLIENT);
			Deflate.meter(upstream.connection().channel().pipeline(), edgeRoute.metrics(), Side.UPSTREAM);
			session.start(client, upstream.leg(), subprotocol, prepared.admission());
			client.bind(session, channel.eventLoop());
			upstream.leg().bind(session, channel.eventLoop());
			return Mono.fromFuture(session.end()).then();
		}, spec))).doFinally((signal) -> {
			if (!started.get()) {
				prepared.abandon();
			}
		});
	}

	static Mono<Void> write(ServerWebExchange exchange, Refusal refusal) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatusCode.valueOf(refusal.status()));
		response.getHeaders().addAll(refusal.headers());
		response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
		byte[] body = (refusal.message() + "\n").getBytes(StandardCharsets.UTF_8);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
	}

}
