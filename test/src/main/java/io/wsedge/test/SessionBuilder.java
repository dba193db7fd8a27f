package io.wsedge.test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.springframework.http.HttpHeaders;

import io.wsedge.api.EdgeSession;

/**
 * What a session is made of before anything passes through it, as an {@link EdgeSession} reports it: the route,
 * the client's upgrade request and the attributes upgrade interceptors left. Shared by the builders of
 * {@link ChainRunner} and {@link SessionEnd}; not for extending elsewhere.
 *
 * @param <B> the builder's own type, returned by every setter
 */
public abstract class SessionBuilder<B extends SessionBuilder<B>> {

	final HttpHeaders headers = new HttpHeaders();

	final Map<String, Object> attributes = new LinkedHashMap<>();

	String routeId = "test";

	URI uri = URI.create("ws://edge.test/");

	InetSocketAddress remoteAddress = InetSocketAddress.createUnresolved("client.test", 50000);

	Principal principal;

	String subprotocol;

	SessionBuilder() {
	}

	/**
	 * This builder, as its own type.
	 * @return this builder
	 */
	abstract B self();

	/**
	 * Sets the id of the route the session is on ({@link EdgeSession#routeId()}), {@code test} by default.
	 * @param routeId the route id
	 * @return this builder
	 */
	public B routeId(String routeId) {
		this.routeId = Objects.requireNonNull(routeId, "routeId");
		return self();
	}

	/**
	 * Sets the URI the client asked for ({@link EdgeSession#uri()}), {@code ws://edge.test/} by default.
	 * @param uri the request URI
	 * @return this builder
	 */
	public B uri(String uri) {
		this.uri = URI.create(uri);
		return self();
	}

	/**
	 * Sets the client's address ({@link EdgeSession#remoteAddress()}).
	 * @param remoteAddress the address
	 * @return this builder
	 */
	public B remoteAddress(InetSocketAddress remoteAddress) {
		this.remoteAddress = Objects.requireNonNull(remoteAddress, "remoteAddress");
		return self();
	}

	/**
	 * Adds a header of the client's upgrade request ({@link EdgeSession#handshakeHeaders()}).
	 * @param name the header name
	 * @param value the header value
	 * @return this builder
	 */
	public B handshakeHeader(String name, String value) {
		this.headers.add(name, value);
		return self();
	}

	/**
	 * Sets the authenticated principal of the upgrade request ({@link EdgeSession#principal()}).
	 * @param principal the principal
	 * @return this builder
	 */
	public B principal(Principal principal) {
		this.principal = principal;
		return self();
	}

	/**
	 * Sets the subprotocol the upstream chose ({@link EdgeSession#subprotocol()}).
	 * @param subprotocol the subprotocol
	 * @return this builder
	 */
	public B subprotocol(String subprotocol) {
		this.subprotocol = subprotocol;
		return self();
	}

	/**
	 * Sets a session attribute, as an upgrade interceptor would ({@link io.wsedge.api.UpgradeContext#attributes()})
	 * or interceptors leave them.
	 * @param name the attribute name
	 * @param value the value
	 * @return this builder
	 */
	public B attribute(String name, Object value) {
		this.attributes.put(name, value);
		return self();
	}

	/**
	 * Sets session attributes.
	 * @param attributes the attributes
	 * @return this builder
	 */
	public B attributes(Map<String, ?> attributes) {
		this.attributes.putAll(attributes);
		return self();
	}

}
