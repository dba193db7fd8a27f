package io.wsedge.upgrade;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;


import org.springframework.http.HttpHeaders;

/**
 * The parts of the opening handshake (RFC 6455 §4) that do not depend on the server stack: checking the
 * client's request, and deriving the upstream's request from it.
 */
public final class Handshakes {

	/** The only WebSocket version in use (RFC 6455 §4.1). */
	public static final String VERSION = "13";

	/**
	 * Headers that describe one hop, never forwarded (RFC 9110 §7.6.1), and the WebSocket handshake headers,
	 * which the edge negotiates with the upstream on its own.
	 */
	private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection",
			"proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host",
			"content-length", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
			"sec-websocket-protocol", "sec-websocket-accept");

	private Handshakes() {
	}

	/**
	 * Checks an upgrade request against RFC 6455 §4.2.1.
	 * @param method the HTTP method
	 * @param headers the request headers
	 * @return why the request is refused, or {@code null} if it is a valid upgrade request
	 */
	public static Refusal validate(String method, HttpHeaders headers) {
		if (!"GET".equals(method)) {
			HttpHeaders allow = new HttpHeaders();
			allow.set(HttpHeaders.ALLOW, "GET");
			return new Refusal(405, "A WebSocket upgrade must be a GET request", allow);
		}
		if (!hasToken(headers.get(HttpHeaders.UPGRADE), "websocket")) {
			HttpHeaders upgrade = new HttpHeaders();
			upgrade.set(HttpHeaders.UPGRADE, "websocket");
			upgrade.set(HttpHeaders.CONNECTION, "Upgrade");
			return new Refusal(426, "This endpoint only accepts WebSocket upgrade requests", upgrade);
		}
		if (!hasToken(headers.get(HttpHeaders.CONNECTION), "upgrade")) {
			return new Refusal(400, "The Connection header must contain 'Upgrade'");
		}
		String version = headers.getFirst("Sec-WebSocket-Version");
		if (!VERSION.equals((version != null) ? version.trim() : null)) {
			HttpHeaders supported = new HttpHeaders();
			supported.set("Sec-WebSocket-Version", VERSION);
			return new Refusal(426, "Unsupported Sec-WebSocket-Version; this server supports " + VERSION,
					supported);
		}
		List<String> keys = headers.get("Sec-WebSocket-Key");
		if (keys == null || keys.size() != 1 || !isValidKey(keys.get(0))) {
			return new Refusal(400, "Missing or invalid Sec-WebSocket-Key");
		}
		return null;
	}

	private static boolean isValidKey(String key) {
		// A base64-encoded 16-byte nonce (RFC 6455 §4.1, item 7).
		try {
			return Base64.getDecoder().decode(key.trim()).length == 16;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/**
	 * The subprotocols a client offers, in its order.
	 * @param headers the request headers
	 * @return the offered subprotocols, possibly empty
	 */
	public static List<String> subprotocols(HttpHeaders headers) {
		List<String> values = headers.get("Sec-WebSocket-Protocol");
		if (values == null) {
			return List.of();
		}
		List<String> protocols = new ArrayList<>(2);
		for (String value : values) {
			for (String token : value.split(",")) {
				String protocol = token.trim();
				if (!protocol.isEmpty()) {
					protocols.add(protocol);
				}
			}
		}
		return protocols;
	}

	/**
	 * The headers the edge sends upstream: the client's end-to-end headers, and {@code X-Forwarded-For}
	 * (appended), {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}.
	 * @param request the client's request headers
	 * @param client the client's address
	 * @param secure whether the client's request came over TLS
	 * @return a mutable copy for the upstream request
	 */
	public static HttpHeaders upstreamHeaders(HttpHeaders request, InetSocketAddress client, boolean secure) {
		HttpHeaders upstream = new HttpHeaders();
		List<String> named = connectionOptions(request);
		request.forEach((name, values) -> {
			String lower = name.toLowerCase(Locale.ROOT);
			if (!NOT_FORWARDED.contains(lower) && !lower.startsWith("proxy-") && !named.contains(lower)) {
				upstream.addAll(name, values);
			}
		});
		if (client != null && client.getAddress() != null) {
			String address = client.getAddress().getHostAddress();
			String prior = String.join(", ", request.getValuesAsList("X-Forwarded-For"));
			upstream.set("X-Forwarded-For", prior.isEmpty() ? address : prior + ", " + address);
		}
		upstream.set("X-Forwarded-Proto", secure ? "https" : "http");
		String host = request.getFirst(HttpHeaders.HOST);
		if (host != null) {
			upstream.set("X-Forwarded-Host", host);
		}
		return upstream;
	}

	/** Header names listed in Connection, which are hop-by-hop as well (RFC 9110 §7.6.1). */
	private static List<String> connectionOptions(HttpHeaders request) {
		List<String> values = request.get(HttpHeaders.CONNECTION);
		if (values == null) {
			return List.of();
		}
		List<String> names = new ArrayList<>(2);
		for (String value : values) {
			for (String token : value.split(",")) {
				names.add(token.trim().toLowerCase(Locale.ROOT));
			}
		}
		return names;
	}

	/**
	 * The route's upstream URI with the client's query appended to its own.
	 * @param upstream the route's upstream
	 * @param clientQuery the client's raw query, or {@code null}
	 * @return the URI to dial
	 */
	public static URI upstreamUri(URI upstream, String clientQuery) {
		if (clientQuery == null || clientQuery.isEmpty()) {
			return upstream;
		}
		String own = upstream.getRawQuery();
		String query = (own == null || own.isEmpty()) ? clientQuery : own + "&" + clientQuery;
		String text = upstream.toString();
		int cut = text.indexOf('?');
		int fragment = text.indexOf('#');
		String base = (cut >= 0) ? text.substring(0, cut) : (fragment >= 0) ? text.substring(0, fragment) : text;
		return URI.create(base + "?" + query);
	}


	private static boolean hasToken(List<String> values, String token) {
		if (values == null) {
			return false;
		}
		for (String value : values) {
			for (String part : value.split(",")) {
				if (part.trim().equalsIgnoreCase(token)) {
					return true;
				}
			}
		}
		return false;
	}

}
