package io.wsedge.upgrade;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.util.NetUtil;

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

	/**
	 * Headers a client uses to tell where a request came from. Believed, and passed on, only from trusted
	 * proxies: from anyone else they are dropped and set from the connection.
	 */
	private static final Set<String> FORWARDING = Set.of("forwarded", "x-real-ip");

	/**
	 * A host as in a Host header (RFC 9110 §7.2) with an optional port: a name of letters, digits, {@code -} and
	 * {@code _}, an IPv4 address or a bracketed IPv6 one. Narrower than RFC 3986's reg-name on purpose: no
	 * sub-delimiters or escapes reach the upstream, which may build URLs from it.
	 */
	private static final Pattern HOST;

	static {
		String label = "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?";
		HOST = Pattern.compile("(?:" + label + "(?:\\." + label + ")*\\.?|\\[[0-9A-Fa-f:.]+\\])(?::([0-9]{1,5}))?");
	}

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
		// A base64-encoded 16-byte nonce (RFC 6455 §4.1, item 7): 24 characters with their padding (RFC 4648 §4).
		String trimmed = key.trim();
		if (trimmed.length() != 24) {
			return false;
		}
		try {
			return Base64.getDecoder().decode(trimmed).length == 16;
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
	 * The headers the edge sends upstream: the client's end-to-end headers, {@code X-Forwarded-For},
	 * {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}. From a trusted proxy, its forwarding headers pass
	 * and the peer is appended to its {@code X-Forwarded-For}; from any other peer, {@code X-Forwarded-*},
	 * {@code Forwarded} and {@code X-Real-IP} are dropped and the three are set from the connection, with
	 * {@code X-Forwarded-Host} only for a well-formed {@code Host}.
	 * @param request the client's request headers
	 * @param peer the connection's peer
	 * @param trustedPeer whether the peer is a trusted proxy
	 * @param secure whether the client's request came over TLS
	 * @return a mutable copy for the upstream request
	 */
	public static HttpHeaders upstreamHeaders(HttpHeaders request, InetSocketAddress peer, boolean trustedPeer,
			boolean secure) {
		HttpHeaders upstream = new HttpHeaders();
		List<String> named = connectionOptions(request);
		request.forEach((name, values) -> {
			String lower = name.toLowerCase(Locale.ROOT);
			boolean forwarding = lower.startsWith("x-forwarded-") || FORWARDING.contains(lower);
			if (!NOT_FORWARDED.contains(lower) && !lower.startsWith("proxy-") && !named.contains(lower)
					&& (trustedPeer || !forwarding)) {
				upstream.addAll(name, values);
			}
		});
		if (peer != null && peer.getAddress() != null) {
			String address = peer.getAddress().getHostAddress();
			String prior = trustedPeer ? String.join(", ", request.getValuesAsList("X-Forwarded-For")) : "";
			upstream.set("X-Forwarded-For", prior.isEmpty() ? address : prior + ", " + address);
		}
		if (!trustedPeer || !upstream.containsHeader("X-Forwarded-Proto")) {
			upstream.set("X-Forwarded-Proto", secure ? "https" : "http");
		}
		if (!trustedPeer || !upstream.containsHeader("X-Forwarded-Host")) {
			String host = validHost(request.get(HttpHeaders.HOST));
			if (host != null) {
				upstream.set("X-Forwarded-Host", host);
			}
		}
		return upstream;
	}

	/**
	 * The Host header if there is exactly one and it is a syntactically valid {@code host[:port]}.
	 * @param values the Host header values
	 * @return the host, or {@code null}
	 */
	static String validHost(List<String> values) {
		if (values == null || values.size() != 1) {
			return null;
		}
		String host = values.get(0).trim();
		if (host.length() > 261) {
			return null;
		}
		Matcher matcher = HOST.matcher(host);
		if (!matcher.matches()) {
			return null;
		}
		String port = matcher.group(1);
		if (port != null && (Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535)) {
			return null;
		}
		if (host.startsWith("[") && NetUtil.createByteArrayFromIpAddressString(
				host.substring(1, host.indexOf(']'))) == null) {
			return null;
		}
		return host;
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
	 * The route's upstream URI with the client's query parameters added after its own. A client parameter whose
	 * name the route's query already has (ignoring case and percent-encoding) is dropped, so that a client can
	 * neither override nor repeat what the route sets.
	 * @param upstream the route's upstream
	 * @param clientQuery the client's raw query, or {@code null}
	 * @return the URI to dial
	 */
	public static URI upstreamUri(URI upstream, String clientQuery) {
		if (clientQuery == null || clientQuery.isEmpty()) {
			return upstream;
		}
		String own = upstream.getRawQuery();
		Set<String> taken = new HashSet<>();
		if (own != null) {
			for (String parameter : own.split("&")) {
				taken.add(parameterName(parameter));
			}
		}
		StringBuilder query = new StringBuilder((own != null) ? own : "");
		for (String parameter : clientQuery.split("&")) {
			if (!parameter.isEmpty() && !taken.contains(parameterName(parameter))) {
				if (query.length() > 0) {
					query.append('&');
				}
				query.append(parameter);
			}
		}
		if (query.isEmpty()) {
			return upstream;
		}
		String text = upstream.toString();
		int cut = text.indexOf('?');
		int fragment = text.indexOf('#');
		String base = (cut >= 0) ? text.substring(0, cut) : (fragment >= 0) ? text.substring(0, fragment) : text;
		return URI.create(base + "?" + query);
	}

	/** A query parameter's name as a server reads it: percent-decoded, {@code +} as space, in lower case. */
	private static String parameterName(String parameter) {
		int equals = parameter.indexOf('=');
		String name = (equals >= 0) ? parameter.substring(0, equals) : parameter;
		try {
			name = URLDecoder.decode(name, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			// A malformed escape: compared as it is.
		}
		return name.toLowerCase(Locale.ROOT);
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
