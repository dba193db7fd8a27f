package io.wsedge.demo;

import java.security.KeyPair;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;

import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * DEMO ONLY: mints tokens for the demo's JWT-protected route, signed with the key the demo's decoder trusts.
 * Anyone who reaches it gets a token, so nothing like it belongs in a real application, whose tokens come from
 * its identity provider.
 * <p>
 * {@code GET /demo/token?subject=alice&scope=chat&seconds=300} answers with the compact JWT.
 */
@RestController
class DemoTokens {

	private final JwtEncoder encoder;

	DemoTokens(KeyPair demoTokenKey) {
		RSAKey key = new RSAKey.Builder((RSAPublicKey) demoTokenKey.getPublic())
			.privateKey((RSAPrivateKey) demoTokenKey.getPrivate())
			.build();
		this.encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)));
	}

	@GetMapping(path = "/demo/token", produces = "text/plain")
	String token(@RequestParam(defaultValue = "alice") String subject,
			@RequestParam(defaultValue = "chat") String scope, @RequestParam(defaultValue = "300") long seconds) {
		Instant now = Instant.now();
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.issuer("wsedge-demo")
			.subject(subject)
			.claim("scope", scope)
			.issuedAt(now)
			.expiresAt(now.plus(Duration.ofSeconds(Math.max(1, Math.min(seconds, 86_400)))))
			.build();
		return this.encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims))
			.getTokenValue();
	}

}
