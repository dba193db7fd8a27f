package io.wsedge.auth;

import java.security.interfaces.RSAPublicKey;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import io.wsedge.autoconfigure.WsEdgeAutoConfiguration;
import io.wsedge.autoconfigure.WsEdgeSecurityAutoConfiguration;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.engine.PrincipalLimiter;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.LocalPrincipalLimiter;
import io.wsedge.testsupport.JwtTestSecurity;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WsEdgeSecurityAutoConfiguration} in a context: when it authenticates tokens for the routes and when it
 * steps aside.
 */
class WsEdgeSecurityAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(WsEdgeSecurityAutoConfiguration.class, WsEdgeAutoConfiguration.class))
		.withPropertyValues("wsedge.routes[0].id=echo", "wsedge.routes[0].path=/ws/echo",
				"wsedge.routes[0].upstream=ws://127.0.0.1:1/echo");

	private static ReactiveJwtDecoder reactiveDecoder() {
		return NimbusReactiveJwtDecoder.withPublicKey((RSAPublicKey) JwtTestSecurity.KEY.getPublic()).build();
	}

	@Test
	void reactiveDecoderAuthenticatesTheRoutesTokens() {
		this.runner.withBean(ReactiveJwtDecoder.class, WsEdgeSecurityAutoConfigurationTests::reactiveDecoder)
			.withPropertyValues("wsedge.routes[0].auth.query-parameter=access_token")
			.run((context) -> {
				assertThat(context).hasSingleBean(TokenAuthenticator.class);
				TokenAuthenticator authenticator = context.getBean(EdgeRoutes.class).routes().get(0).auth()
					.authenticator();
				assertThat(authenticator).isSameAs(context.getBean(TokenAuthenticator.class));
				assertThat(authenticator.authenticate(JwtTestSecurity.token("lee", "chat")).block().getName())
					.isEqualTo("lee");
			});
	}

	@Test
	void blockingDecoderAuthenticatesTooWhenItIsTheOnlyOne() {
		this.runner
			.withBean(JwtDecoder.class,
					() -> NimbusJwtDecoder.withPublicKey((RSAPublicKey) JwtTestSecurity.KEY.getPublic()).build())
			.run((context) -> {
				TokenAuthenticator authenticator = context.getBean(TokenAuthenticator.class);
				assertThat(authenticator.authenticate(JwtTestSecurity.token("max", null)).block().getName())
					.isEqualTo("max");
			});
	}

	@Test
	void withoutADecoderThereIsNoAuthenticatorAndRoutesWithoutTokenSourcesStart() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(TokenAuthenticator.class);
			assertThat(context.getBean(EdgeRoutes.class).routes().get(0).auth()).isEqualTo(RouteAuth.NONE);
		});
	}

	@Test
	void withoutSpringSecurityTheStarterStillStarts() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(EdgeRoutes.class)
				.doesNotHaveBean(TokenAuthenticator.class));
	}

	@Test
	void disabledEdgeCreatesNoAuthenticator() {
		this.runner.withBean(ReactiveJwtDecoder.class, WsEdgeSecurityAutoConfigurationTests::reactiveDecoder)
			.withPropertyValues("wsedge.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TokenAuthenticator.class));
	}

	@Test
	void userAuthenticatorWins() {
		TokenAuthenticator own = SpringSecurityTokenAuthenticator.of(reactiveDecoder(), null);
		this.runner.withBean(ReactiveJwtDecoder.class, WsEdgeSecurityAutoConfigurationTests::reactiveDecoder)
			.withBean("ownAuthenticator", TokenAuthenticator.class, () -> own)
			.run((context) -> assertThat(context.getBean(TokenAuthenticator.class)).isSameAs(own));
	}

	@Test
	void principalsAreCountedOnThisNodeUnlessAPrincipalLimiterBeanIsGiven() {
		this.runner.run((context) -> assertThat(context.getBean(EdgeEngine.class).principalLimiter())
			.isInstanceOf(LocalPrincipalLimiter.class));
		PrincipalLimiter shared = new LocalPrincipalLimiter();
		this.runner.withBean(PrincipalLimiter.class, () -> shared)
			.run((context) -> assertThat(context.getBean(EdgeEngine.class).principalLimiter()).isSameAs(shared));
	}

}
