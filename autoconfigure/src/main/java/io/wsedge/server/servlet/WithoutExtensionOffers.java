package io.wsedge.server.servlet;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * The client's upgrade request as Tomcat's WebSocket upgrade sees it: without {@code Sec-WebSocket-Extensions}.
 * Tomcat negotiates every installed extension the client offers (its {@code UpgradeUtil} adds its own
 * permessage-deflate to whatever the endpoint lists, and Spring's upgrade strategy cannot take it away), so
 * hiding the offer is the one way to keep the client leg uncompressed, as the edge's client compression is
 * not available on this stack. The interceptors and the upstream dial saw the real headers before.
 */
final class WithoutExtensionOffers extends HttpServletRequestWrapper {

	private static final String EXTENSIONS = "Sec-WebSocket-Extensions";

	WithoutExtensionOffers(HttpServletRequest request) {
		super(request);
	}

	@Override
	public String getHeader(String name) {
		return EXTENSIONS.equalsIgnoreCase(name) ? null : super.getHeader(name);
	}

	@Override
	public Enumeration<String> getHeaders(String name) {
		return EXTENSIONS.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
	}

	@Override
	public Enumeration<String> getHeaderNames() {
		List<String> names = Collections.list(super.getHeaderNames());
		names.removeIf(EXTENSIONS::equalsIgnoreCase);
		return Collections.enumeration(names);
	}

}
