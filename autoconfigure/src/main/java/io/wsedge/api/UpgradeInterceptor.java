package io.wsedge.api;

/**
 * Runs on every upgrade request of a route before the upstream is dialled, the equivalent of Kong's
 * {@code ws_handshake} phase: it can refuse the request with an HTTP status, change the headers and the
 * upstream URI of the upstream handshake, and seed session attributes.
 * <p>
 * Declare implementations as Spring beans; they run in {@link org.springframework.core.annotation.Order
 * &#64;Order} sequence, lowest first, on the event loop that serves the request, so they must not block: I/O goes
 * through {@link UpgradeContext#defer}. (Not named {@code HandshakeInterceptor}, which Spring's WebSocket
 * support already uses.)
 * <p>
 * An exception refuses the upgrade with HTTP 500 and is logged once.
 */
@FunctionalInterface
public interface UpgradeInterceptor {

	/**
	 * Inspects and shapes one upgrade request.
	 * @param upgrade the request and the verbs that act on it
	 * @throws Exception to refuse the upgrade with HTTP 500
	 */
	void intercept(UpgradeContext upgrade) throws Exception;

}
