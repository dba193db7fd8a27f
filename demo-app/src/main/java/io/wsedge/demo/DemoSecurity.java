package io.wsedge.demo;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * Spring Security's OAuth2 resource server for the demo, on a key made at each start (demo only: a real
 * application sets spring.security.oauth2.resourceserver.jwt.issuer-uri or jwk-set-uri and has no key of its
 * own). Spring Security authenticates a bearer token in the Authorization header; every path is open to it,
 * and each route's wsedge.routes[].auth decides who may connect, as browsers send their token in a query
 * parameter or a subprotocol entry that only the edge reads.
 */
@Configuration(proxyBeanMethods = false)
class DemoSecurity {

	@Bean
	KeyPair demoTokenKey() throws NoSuchAlgorithmException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		return generator.generateKeyPair();
	}

	@Bean
	ReactiveJwtDecoder reactiveJwtDecoder(KeyPair demoTokenKey) {
		return NimbusReactiveJwtDecoder.withPublicKey((RSAPublicKey) demoTokenKey.getPublic()).build();
	}

	@Bean
	JwtDecoder jwtDecoder(KeyPair demoTokenKey) {
		return NimbusJwtDecoder.withPublicKey((RSAPublicKey) demoTokenKey.getPublic()).build();
	}

	@Bean
	@ConditionalOnWebApplication(type = Type.REACTIVE)
	SecurityWebFilterChain demoWebFilterChain(ServerHttpSecurity http) {
		return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.oauth2ResourceServer((server) -> server.jwt(Customizer.withDefaults()))
			.build();
	}

	@Bean
	@ConditionalOnWebApplication(type = Type.SERVLET)
	SecurityFilterChain demoFilterChain(HttpSecurity http) throws Exception {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.oauth2ResourceServer((server) -> server.jwt(Customizer.withDefaults()))
			.build();
	}

}
