package io.wsedge.api;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;
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
	 * When the credential the session was opened with expires (the {@code exp} of a JWT authenticated at the
	 * upgrade), as last {@link #renewCredential renewed}. At that instant the edge closes the session with the
	 * {@code token-expired} close policy.
	 * @return the expiry, or empty when the credential does not expire
	 */
	default Optional<Instant> credentialExpiry() {
		return Optional.empty();
	}

	/**
	 * Moves the session's credential expiry, for a client that re-authenticates without reconnecting: an
	 * interceptor that receives a fresh token in a message verifies it (signature, expiry, and that its subject
	 * is the session's principal) and calls this with the new token's expiry. Callable from any thread, as from
	 * the code that completes a deferred stage.
	 * @param expiresAt the new expiry
	 * @throws UnsupportedOperationException when the session has no expiring credential
	 */
	default void renewCredential(Instant expiresAt) {
		throw new UnsupportedOperationException("This session has no expiring credential");
	}

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
