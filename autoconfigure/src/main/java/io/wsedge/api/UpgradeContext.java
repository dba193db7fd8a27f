package io.wsedge.api;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.springframework.http.HttpHeaders;

/**
 * A client's upgrade request on its way to the upstream, as an {@link UpgradeInterceptor} sees it.
 */
public interface UpgradeContext {

	/**
	 * The id of the route the request matched.
	 * @return the route id
	 */
	String routeId();

	/**
	 * The URI the client asked for.
	 * @return the request URI
	 */
	URI uri();

	/**
	 * The client's address (behind trusted proxies, the forwarded one).
	 * @return the client address
	 */
	InetSocketAddress remoteAddress();

	/**
	 * The headers of the client's upgrade request.
	 * @return read-only headers
	 */
	HttpHeaders requestHeaders();

	/**
	 * The authenticated principal of the request, if the application's security set one.
	 * @return the principal, or empty
	 */
	Optional<Principal> principal();

	/**
	 * The subprotocols the client offered, in its order of preference; they are offered to the upstream
	 * unchanged.
	 * @return the offered subprotocols, possibly empty
	 */
	List<String> subprotocols();

	/**
	 * The headers the edge will send in the upstream handshake: the client's end-to-end headers plus the
	 * {@code X-Forwarded-*} headers. Add, change or remove entries to shape the upstream request; the
	 * WebSocket handshake headers themselves are the edge's to set.
	 * @return the mutable upstream request headers
	 */
	HttpHeaders upstreamHeaders();

	/**
	 * The upstream URI this session will dial (the route's, with the client's query appended). On a route with
	 * several targets ({@code upstreams}) this is the first target's; the load balancer chooses the target
	 * dialled, unless {@link #setUpstreamUri} is called.
	 * @return the upstream URI
	 */
	URI upstreamUri();

	/**
	 * Dials another upstream for this session. The URI is checked against {@code wsedge.upstream-policy}
	 * before any connection is made; a URI outside it refuses the upgrade with HTTP 403. On a route with several
	 * targets, this URI is dialled instead of one the load balancer would choose, without failover.
	 * @param uri a {@code ws://} or {@code wss://} URI
	 * @throws IllegalArgumentException if the URI is not an absolute ws or wss URI
	 */
	void setUpstreamUri(URI uri);

	/**
	 * The session's attributes, later visible as {@link EdgeSession#attributes()}.
	 * @return the mutable attribute map
	 */
	Map<String, Object> attributes();

	/**
	 * Refuses the upgrade with an HTTP status; later interceptors do not run and no upstream is dialled.
	 * @param status an HTTP status code from 400 to 599
	 * @param reason a short text sent as the response body, or {@code null}
	 * @throws IllegalArgumentException if the status is not a 4xx or 5xx code
	 */
	void reject(int status, String reason);

	/**
	 * Suspends the chain until {@code pending} completes; the next interceptor runs only then. If the stage
	 * fails, the upgrade is refused with HTTP 500.
	 * @param pending the stage to wait for
	 */
	void defer(CompletionStage<?> pending);

}
