package io.wsedge.auth;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;

/**
 * Authenticates one upgrade request against its route's {@link RouteAuth}, whatever the server stack.
 * <p>
 * The bearer token is read from one of three places: the {@code Authorization} header (which Spring Security's
 * resource server has usually authenticated already: its principal is then taken as it is), the route's query
 * parameter, or the entry after the route's subprotocol marker in {@code Sec-WebSocket-Protocol}, as browsers
 * cannot set headers on a WebSocket. A token in more than one place, an empty token, or one that does not
 * authenticate gets 401; a principal without one of the route's authorities gets 403.
 * <p>
 * The request the rest of the upgrade sees has lost the token: the query parameter is removed from the URI
 * (which the upstream URI, the session and its logs are made from), the marker and token from the offered
 * subprotocols, and the {@code Authorization} header from the headers forwarded upstream and kept by the
 * session.
 */
public final class UpgradeAuthentication {

	private static final String BEARER = "bearer ";

	private UpgradeAuthentication() {
	}

	/**
	 * Authenticates an upgrade.
	 * @param auth the route's requirements
	 * @param uri the request URI
	 * @param headers the request headers
	 * @param principal the principal the server stack established (Spring Security's), or {@code null}
	 * @return the outcome, or an {@link AuthRefusedException}
	 */
	public static Mono<Authenticated> authenticate(RouteAuth auth, URI uri, HttpHeaders headers, Principal principal) {
		TokenAuthenticator authenticator = auth.authenticator();
		Principal current = (authenticator != null) ? authenticator.authenticated(principal) : principal;
		if (!auth.active()) {
			return Mono.just(new Authenticated(current, uri, headers, null));
		}
		String header = bearer(headers);
		QueryToken query = (auth.queryParameter() != null) ? QueryToken.of(uri, auth.queryParameter()) : null;
		List<String> offered = subprotocols(headers);
		int marker = (auth.subprotocolMarker() != null) ? offered.indexOf(auth.subprotocolMarker()) : -1;
		String subprotocolToken = (marker < 0) ? null : (marker + 1 < offered.size()) ? offered.get(marker + 1) : "";
		int sources = ((header != null) ? 1 : 0) + ((query != null && query.token() != null) ? 1 : 0)
				+ ((subprotocolToken != null) ? 1 : 0);
		if (sources > 1) {
			return unauthorized("more than one bearer token");
		}
		if ((query != null && query.count() > 1)) {
			return unauthorized("more than one bearer token");
		}
		String token = (query != null && query.token() != null) ? query.token() : subprotocolToken;
		if (token != null && token.isBlank()) {
			return unauthorized("empty bearer token");
		}
		if (token == null && header != null && current == null) {
			// Nothing before the edge authenticated the header's token.
			token = header;
		}
		URI cleanUri = (query != null && query.token() != null) ? query.uriWithout() : uri;
		HttpHeaders cleanHeaders = HttpHeaders.copyOf(headers);
		cleanHeaders.remove(HttpHeaders.AUTHORIZATION);
		String answer = null;
		if (marker >= 0) {
			List<String> rest = new ArrayList<>(offered);
			rest.remove(marker + 1);
			rest.remove(marker);
			cleanHeaders.remove("Sec-WebSocket-Protocol");
			if (!rest.isEmpty()) {
				cleanHeaders.set("Sec-WebSocket-Protocol", String.join(", ", rest));
			}
			answer = auth.subprotocolMarker();
		}
		Mono<Optional<Principal>> authenticated;
		if (token == null) {
			authenticated = Mono.just(Optional.ofNullable(current));
		}
		else if (authenticator == null) {
			return unauthorized("no token authenticator");
		}
		else {
			authenticated = authenticator.authenticate(token)
				.map((result) -> Optional.ofNullable(authenticator.authenticated(result)))
				.switchIfEmpty(Mono.just(Optional.empty()))
				.onErrorMap((failure) -> !(failure instanceof AuthRefusedException),
						(failure) -> new AuthRefusedException(401, "Unauthorized: invalid bearer token"));
		}
		String subprotocol = answer;
		return authenticated.flatMap((found) -> {
			Principal result = found.orElse(null);
			if (result == null && (auth.required() || !auth.authorities().isEmpty())) {
				return unauthorized("authentication required");
			}
			if (!auth.authorities().isEmpty() && auth.authorities()
				.stream()
				.noneMatch((authority) -> authenticator != null && authenticator.hasAuthority(result, authority))) {
				return Mono.error(new AuthRefusedException(403, "Forbidden: missing authority"));
			}
			return Mono.just(new Authenticated(result, cleanUri, cleanHeaders, subprotocol));
		});
	}

	private static <T> Mono<T> unauthorized(String why) {
		return Mono.error(new AuthRefusedException(401, "Unauthorized: " + why));
	}

	private static String bearer(HttpHeaders headers) {
		String value = headers.getFirst(HttpHeaders.AUTHORIZATION);
		if (value == null || !value.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
			return null;
		}
		return value.substring(BEARER.length()).trim();
	}

	private static List<String> subprotocols(HttpHeaders headers) {
		List<String> values = headers.get("Sec-WebSocket-Protocol");
		if (values == null) {
			return List.of();
		}
		List<String> protocols = new ArrayList<>(2);
		for (String value : values) {
			for (String entry : value.split(",", -1)) {
				protocols.add(entry.trim());
			}
		}
		return protocols;
	}

	/**
	 * An authenticated upgrade, its request cleaned of the token.
	 *
	 * @param principal the session's principal, or {@code null}
	 * @param uri the request URI without the token's query parameter
	 * @param headers the request headers without the token
	 * @param subprotocol the subprotocol to answer the client with (the marker), or {@code null} to answer with
	 * the upstream's choice
	 */
	public record Authenticated(Principal principal, URI uri, HttpHeaders headers, String subprotocol) {

	}

	/**
	 * The token in a query parameter.
	 *
	 * @param token the (decoded) token, or {@code null} when the parameter is absent
	 * @param count how many times the parameter appears
	 * @param uriWithout the URI without the parameter
	 */
	record QueryToken(String token, int count, URI uriWithout) {

		static QueryToken of(URI uri, String parameter) {
			String query = uri.getRawQuery();
			if (query == null) {
				return new QueryToken(null, 0, uri);
			}
			String token = null;
			int count = 0;
			StringBuilder rest = new StringBuilder();
			for (String pair : query.split("&")) {
				int equals = pair.indexOf('=');
				String name = decode((equals < 0) ? pair : pair.substring(0, equals));
				if (name.equals(parameter)) {
					count++;
					token = (equals < 0) ? "" : decode(pair.substring(equals + 1));
				}
				else if (!pair.isEmpty()) {
					rest.append((rest.length() > 0) ? "&" : "").append(pair);
				}
			}
			if (count == 0) {
				return new QueryToken(null, 0, uri);
			}
			String text = uri.toString();
			int start = text.indexOf('?');
			int fragment = text.indexOf('#', start);
			String without = text.substring(0, start) + ((rest.length() > 0) ? "?" + rest : "")
					+ ((fragment >= 0) ? text.substring(fragment) : "");
			return new QueryToken(token, count, URI.create(without));
		}

		private static String decode(String text) {
			try {
				return URLDecoder.decode(text, StandardCharsets.UTF_8);
			}
			catch (IllegalArgumentException ex) {
				return text;
			}
		}

	}

}
