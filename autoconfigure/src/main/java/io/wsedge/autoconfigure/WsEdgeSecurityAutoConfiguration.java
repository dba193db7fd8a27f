package io.wsedge.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

import io.wsedge.auth.SpringSecurityTokenAuthenticator;
import io.wsedge.auth.TokenAuthenticator;

/**
 * Authentication of bearer tokens at the upgrade with Spring Security's OAuth2 resource server, when the
 * application has a JWT decoder: routes then take tokens from a query parameter or a subprotocol entry
 * ({@code wsedge.routes[].auth}). Without Spring Security the starter works as before, and such routes fail
 * startup.
 */
@AutoConfiguration(before = WsEdgeAutoConfiguration.class, afterName = {
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration" })
@ConditionalOnClass({ JwtDecoder.class, JwtAuthenticationConverter.class })
@ConditionalOnBooleanProperty(name = "wsedge.enabled", matchIfMissing = true)
public final class WsEdgeSecurityAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(TokenAuthenticator.class)
	@ConditionalOnBean(ReactiveJwtDecoder.class)
	TokenAuthenticator wsEdgeReactiveTokenAuthenticator(ReactiveJwtDecoder decoder,
			ObjectProvider<JwtAuthenticationConverter> converter) {
		return SpringSecurityTokenAuthenticator.of(decoder, converter.getIfUnique());
	}

	@Bean
	@ConditionalOnMissingBean(TokenAuthenticator.class)
	@ConditionalOnBean(JwtDecoder.class)
	TokenAuthenticator wsEdgeTokenAuthenticator(JwtDecoder decoder,
			ObjectProvider<JwtAuthenticationConverter> converter) {
		return SpringSecurityTokenAuthenticator.of(decoder, converter.getIfUnique());
	}

}
