package io.wsedge.auth;

import java.util.List;

/**
 * The authentication requirements of one route ({@code wsedge.routes[].auth}).
 *
 * @param required whether only authenticated upgrades are accepted (401 otherwise)
 * @param authorities authorities of which the principal needs at least one (403 otherwise); empty for none
 * @param queryParameter the query parameter that may carry the bearer token, or {@code null} for none
 * @param subprotocolMarker the subprotocol entry after which the bearer token follows, or {@code null} for none
 * @param authenticator what authenticates tokens, or {@code null} when Spring Security is absent
 */
public record RouteAuth(boolean required, List<String> authorities, String queryParameter, String subprotocolMarker,
		TokenAuthenticator authenticator) {

	/** No requirements, no authenticator. */
	public static final RouteAuth NONE = new RouteAuth(false, List.of(), null, null, null);

	public RouteAuth {
		authorities = List.copyOf(authorities);
	}

	/**
	 * Whether the route has any requirement or token source of its own.
	 * @return whether authentication runs at its upgrades
	 */
	public boolean active() {
		return this.required || !this.authorities.isEmpty() || this.queryParameter != null
				|| this.subprotocolMarker != null;
	}

}
