package io.wsedge.auth;

import java.security.Principal;
import java.time.Instant;

import reactor.core.publisher.Mono;

/**
 * Authenticates the bearer tokens of upgrade requests and reads what the edge needs from a principal. The
 * implementation on Spring Security ({@link SpringSecurityTokenAuthenticator}) decodes JWTs with the
 * application's decoder; this interface keeps the engine and the upgrade free of Spring Security's types.
 */
public interface TokenAuthenticator {

	/**
	 * Authenticates a bearer token.
	 * @param token the token, never empty
	 * @return the principal, or an error when the token is malformed, expired or wrongly signed
	 */
	Mono<Principal> authenticate(String token);

	/**
	 * The principal as the session keeps it.
	 * @param principal the principal of the upgrade request, or {@code null}
	 * @return the principal, or {@code null} when it stands for nobody (an anonymous authentication)
	 */
	default Principal authenticated(Principal principal) {
		return principal;
	}

	/**
	 * Whether a principal holds an authority.
	 * @param principal the principal
	 * @param authority the authority, such as {@code SCOPE_chat}
	 * @return whether it holds it
	 */
	boolean hasAuthority(Principal principal, String authority);

	/**
	 * When a principal's credential expires.
	 * @param principal the principal
	 * @return the expiry, or {@code null} when it does not expire (or is not a token)
	 */
	Instant expiresAt(Principal principal);

}
