package io.wsedge.api;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpHeaders;

/**
 * A proxied WebSocket session: one client connection and the upstream connection opened for it.
 */
public interface EdgeSession {

	/**
	 * An identifier unique among the sessions of this edge, also used by the sessions endpoint.
	 * @return the session id
	 */
	String id();

	/**
	 * The id of the route ({@code wsedge.routes[].id}) that accepted the session.
	 * @return the route id
	 */
	String routeId();

	/**
	 * The client's address: the connection's peer, or the address named by {@code X-Forwarded-For} when the
	 * peer is a trusted proxy.
	 * @return the client address
	 */
	InetSocketAddress remoteAddress();

	/**
	 * The URI the client asked for in its upgrade request.
	 * @return the request URI
	 */
	URI uri();

	/**
	 * The headers of the client's upgrade request.
	 * @return read-only headers
	 */
	HttpHeaders handshakeHeaders();

	/**
	 * The authenticated principal of the upgrade request, if the application's security set one.
	 * @return the principal, or empty
	 */
	Optional<Principal> principal();

	/**
	 * The subprotocol the upstream selected, which the client was given.
	 * @return the subprotocol, or empty when none was selected
	 */
	Optional<String> subprotocol();

	/**
	 * A mutable map shared by every interceptor and hook of this session (Kong's {@code kong.ctx}); it is
	 * safe to use from the code that completes a deferred stage.
	 * @return the session's attributes
	 */
	Map<String, Object> attributes();

}
