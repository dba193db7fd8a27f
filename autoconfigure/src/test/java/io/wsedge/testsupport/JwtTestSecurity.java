package io.wsedge.testsupport;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * Spring Security's OAuth2 resource server for test edges, on a test RSA key made at class load (no network):
 * the edge's paths are open to Spring Security, which authenticates a bearer token in the Authorization header,
 * and the routes' own {@code auth} settings decide who may connect. {@link #token} mints tokens with the key.
 */
@Configuration(proxyBeanMethods = false)
public class JwtTestSecurity {

	/** The key tokens are signed with and decoders trust. */
	public static final KeyPair KEY = rsa();

	/** A key no decoder trusts, for wrongly signed tokens. */
	public static final KeyPair OTHER_KEY = rsa();

	private static KeyPair rsa() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return generator.generateKeyPair();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Mints a signed JWT.
	 * @param key the signing key
	 * @param subject the subject
	 * @param scope the scope claim (space separated), or {@code null}
	 * @param expiresAt the expiry
	 * @return the compact token
	 */
	public static String token(KeyPair key, String subject, String scope, Instant expiresAt) {
		RSAKey jwk = new RSAKey.Builder((RSAPublicKey) key.getPublic()).privateKey((RSAPrivateKey) key.getPrivate())
			.build();
		NimbusJwtEncoder encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(jwk)));
		JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
			.subject(subject)
			.issuedAt(expiresAt.minusSeconds(3600))
			.expiresAt(expiresAt);
		if (scope != null) {
			claims.claim("scope", scope);
		}
		return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims.build()))
			.getTokenValue();
	}

	/**
	 * A token signed with the trusted key that expires in an hour.
	 * @param subject the subject
	 * @param scope the scope claim, or {@code null}
	 * @return the compact token
	 */
	public static String token(String subject, String scope) {
		return token(KEY, subject, scope, Instant.now().plusSeconds(3600));
	}

	/** The reactive stack's resource server. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.REACTIVE)
	static class Reactive {

		@Bean
		ReactiveJwtDecoder jwtDecoder() {
			return NimbusReactiveJwtDecoder.withPublicKey((RSAPublicKey) KEY.getPublic()).build();
		}

		@Bean
		SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
				.csrf(ServerHttpSecurity.CsrfSpec::disable)
				.oauth2ResourceServer((server) -> server.jwt(Customizer.withDefaults()))
				.build();
		}

	}

	/** The servlet stack's resource server. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.SERVLET)
	static class Servlet {

		@Bean
		JwtDecoder jwtDecoder() {
			return NimbusJwtDecoder.withPublicKey((RSAPublicKey) KEY.getPublic()).build();
		}

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
				.csrf((csrf) -> csrf.disable())
				.oauth2ResourceServer((server) -> server.jwt(Customizer.withDefaults()))
				.build();
		}

	}

}
