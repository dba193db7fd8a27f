package io.wsedge.engine;

import java.net.URI;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;

import io.netty.util.concurrent.EventExecutor;

/**
 * Opens the upstream leg of a route's sessions. The engine only names this port; the transport implements it
 * ({@code io.wsedge.netty.UpstreamConnector} dials one connection per session). Pooled or shared upstream
 * connections would be another implementation, chosen per route.
 */
public interface UpstreamDialer {

	/** A dialer for routes that are never dialled, such as those of chain tests and benchmarks. */
	UpstreamDialer NONE = (route, uri, headers, subprotocols) -> Mono
		.error(new IllegalStateException(route + " has no upstream dialer"));

	/**
	 * Dials an upstream and completes its WebSocket handshake. The returned {@code Mono} does nothing until
	 * subscribed; subscribed on the event loop that serves the client, the connection shares that loop.
	 * Cancelling it closes a connection under way.
	 * @param route the route, whose limits, compression and metrics apply to the connection
	 * @param uri the upstream URI
	 * @param headers the handshake request headers (without the WebSocket handshake headers)
	 * @param subprotocols the client's subprotocol offer, comma separated, or {@code null}
	 * @return the connected upstream, or an error that the implementation documents
	 */
	Mono<Upstream> dial(EdgeRoute route, URI uri, HttpHeaders headers, String subprotocols);

	/**
	 * An upstream connection whose handshake has completed, held (not read) until a session binds it.
	 */
	interface Upstream {

		/**
		 * The leg the session drives.
		 * @return the leg
		 */
		Leg leg();

		/**
		 * The subprotocol the upstream selected.
		 * @return the subprotocol, or {@code null}
		 */
		String subprotocol();

		/**
		 * Hands the leg to its session and starts reading it.
		 * @param session the session
		 * @param executor the session's executor
		 */
		void bind(LegListener session, EventExecutor executor);

		/**
		 * Closes the connection without a handshake, for a session that never started.
		 */
		void abort();

	}

}
