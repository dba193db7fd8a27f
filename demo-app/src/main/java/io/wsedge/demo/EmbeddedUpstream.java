package io.wsedge.demo;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The demo's upstream, a separate WebSocket server in the same process on its own port, standing in for the
 * services an edge usually fronts: {@code /echo} sends every message back, {@code /chat} relays every message
 * to everyone connected, and {@code /private} answers only a caller the edge vouched for (with the
 * {@code X-Authenticated-Client} header that {@link ApiKeyUpgradeInterceptor} sets) and tags every reply with
 * that caller. Only the key-protected route leads to {@code /private}, so the key guards something no other
 * route reaches.
 */
@Component
class EmbeddedUpstream implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(EmbeddedUpstream.class);

	/** Set by the edge once the API key checked out; the upstream trusts it as it trusts the edge. */
	static final String AUTHENTICATED_CLIENT = "X-Authenticated-Client";

	private final int port;

	private final Sinks.Many<String> room = Sinks.many().multicast().directBestEffort();

	private volatile DisposableServer server;

	EmbeddedUpstream(@Value("${demo.upstream.port}") int port) {
		this.port = port;
	}

	@Override
	public void start() {
		WebsocketServerSpec spec = WebsocketServerSpec.builder().maxFramePayloadLength(16 * 1024 * 1024).build();
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(this.port)
			.route((routes) -> routes.ws("/echo", this::echo, spec)
				.ws("/chat", this::chat, spec)
				.get("/private", (request, response) -> request.requestHeaders().contains(AUTHENTICATED_CLIENT)
						? response.sendWebsocket(this::privateEcho, spec) : response.status(403).send()))
			.bindNow(Duration.ofSeconds(10));
		logger.info("Embedded upstream listening on ws://127.0.0.1:" + this.server.port() + " (/echo, /chat, /private)");
	}

	private Mono<Void> echo(WebsocketInbound in, WebsocketOutbound out) {
		// Whole messages go back (fragments are joined first); retain() because the inbound frame is released
		// once handed on.
		return out.sendObject(in.aggregateFrames(16 * 1024 * 1024).receiveFrames().map((frame) -> frame.retain()))
			.then();
	}

	private Mono<Void> privateEcho(WebsocketInbound in, WebsocketOutbound out) {
		String client = in.headers().get(AUTHENTICATED_CLIENT);
		return out.sendString(in.aggregateFrames(16 * 1024 * 1024).receive().asString()
			.map((message) -> "[" + client + "] " + message)).then();
	}

	private Mono<Void> chat(WebsocketInbound in, WebsocketOutbound out) {
		// Speakers on different event loops emit at once; a failed emission is retried, not dropped.
		Mono<Void> speak = in.receive()
			.asString()
			.doOnNext((message) -> this.room.emitNext(message, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1))))
			.then();
		Flux<String> listen = this.room.asFlux();
		return Mono.when(speak, out.sendString(listen).then()).then();
	}

	@Override
	public void stop() {
		DisposableServer server = this.server;
		if (server != null) {
			server.disposeNow(Duration.ofSeconds(5));
			this.server = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.server != null;
	}

	@Override
	public int getPhase() {
		// Stops after the web server (and so after the edge has drained its sessions).
		return Integer.MAX_VALUE;
	}

}
