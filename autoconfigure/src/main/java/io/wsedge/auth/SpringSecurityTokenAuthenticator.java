package io.wsedge.auth;

import java.security.Principal;
import java.time.Instant;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;

/**
 * Authenticates bearer tokens the way Spring Security's OAuth2 resource server does for the Authorization
 * header: with the application's JWT decoder and JWT authentication converter, so that a token from a query
 * parameter or a subprotocol entry gives the same principal, with the same authorities, as the same token in
 * the header.
 */
public final class SpringSecurityTokenAuthenticator implements TokenAuthenticator {

	private final ReactiveAuthenticationManager manager;

	private SpringSecurityTokenAuthenticator(ReactiveAuthenticationManager manager) {
		this.manager = manager;
	}

	/**
	 * An authenticator on a blocking decoder (the servlet stack's). It decodes on Reactor's bounded elastic
	 * threads, never on an event loop: with a JWK set URI, the decoder may fetch keys.
	 * @param decoder the decoder
	 * @param converter the converter of JWTs into authentications, or {@code null} for Spring Security's default
	 * @return the authenticator
	 */
	public static SpringSecurityTokenAuthenticator of(JwtDecoder decoder, JwtAuthenticationConverter converter) {
		JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder);
		if (converter != null) {
			provider.setJwtAuthenticationConverter(converter);
		}
		return new SpringSecurityTokenAuthenticator(
				(authentication) -> Mono.fromCallable(() -> provider.authenticate(authentication))
					.subscribeOn(Schedulers.boundedElastic()));
	}

	/**
	 * An authenticator on a reactive decoder (the reactive stack's).
	 * @param decoder the decoder
	 * @param converter the converter of JWTs into authentications, or {@code null} for Spring Security's default
	 * @return the authenticator
	 */
	public static SpringSecurityTokenAuthenticator of(ReactiveJwtDecoder decoder,
			JwtAuthenticationConverter converter) {
		JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(decoder);
		if (converter != null) {
			manager.setJwtAuthenticationConverter(new ReactiveJwtAuthenticationConverterAdapter(converter));
		}
		return new SpringSecurityTokenAuthenticator(manager);
	}

	@Override
	public Mono<Principal> authenticate(String token) {
		return this.manager.authenticate(new BearerTokenAuthenticationToken(token)).cast(Principal.class);
	}

	@Override
	public Principal authenticated(Principal principal) {
		if (principal instanceof AnonymousAuthenticationToken
				|| (principal instanceof Authentication authentication && !authentication.isAuthenticated())) {
			return null;
		}
		return principal;
	}

	@Override
	public boolean hasAuthority(Principal principal, String authority) {
		if (principal instanceof Authentication authentication) {
			for (GrantedAuthority granted : authentication.getAuthorities()) {
				if (authority.equals(granted.getAuthority())) {
					return true;
				}
			}
		}
		return false;
	}

	@Override
	public Instant expiresAt(Principal principal) {
		if (principal instanceof AbstractOAuth2TokenAuthenticationToken<?> token) {
			return token.getToken().getExpiresAt();
		}
		return null;
	}

}
