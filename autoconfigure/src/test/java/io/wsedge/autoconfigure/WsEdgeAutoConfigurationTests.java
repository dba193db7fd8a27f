package io.wsedge.autoconfigure;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.HandlerMapping;

import io.wsedge.policy.ClosePolicyKind;
import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.policy.EdgePolicies;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.EdgeRoute;
import io.wsedge.policy.Limits;
import io.wsedge.server.EdgeDrain;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.server.reactive.WsEdgeHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WsEdgeAutoConfiguration}: the beans it contributes, when it steps aside, and the startup
 * failures that name the property at fault.
 */
@ExtendWith(OutputCaptureExtension.class)
class WsEdgeAutoConfigurationTests {

	private static final String[] ECHO_ROUTE = { "wsedge.routes[0].id=echo", "wsedge.routes[0].path=/ws/echo",
			"wsedge.routes[0].upstream=ws://127.0.0.1:9/echo" };

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WsEdgeAutoConfiguration.class, SslAutoConfiguration.class));

	@Test
	void routeGivesTheEngineTheRoutesAndTheHandlerMapping() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE).run((context) -> {
			assertThat(context).hasSingleBean(EdgeEngine.class)
				.hasSingleBean(EdgeRoutes.class)
				.hasSingleBean(EdgePolicies.class)
				.hasSingleBean(EdgeDrain.class)
				.hasSingleBean(WsEdgeHandlerMapping.class)
				.hasBean("wsEdgeHandshakeTimeout");
			assertThat(context).getBean("wsEdgeEngine").isSameAs(context.getBean(EdgeEngine.class));
			assertThat(context.getBean(WsEdgeHandlerMapping.class).getOrder()).isEqualTo(WsEdgeHandlerMapping.ORDER);
			List<EdgeRoute> routes = context.getBean(EdgeRoutes.class).routes();
			assertThat(routes).hasSize(1);
			EdgeRoute route = routes.get(0);
			assertThat(route.id()).isEqualTo("echo");
			assertThat(route.upstream()).hasToString("ws://127.0.0.1:9/echo");
			assertThat(route.limits()).isEqualTo(Limits.DEFAULTS);
		});
	}

	@Test
	void noRoutesGivesAnEmptyRouteTable() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(EdgeEngine.class).hasSingleBean(WsEdgeHandlerMapping.class);
			assertThat(context.getBean(EdgeRoutes.class).routes()).isEmpty();
		});
	}

	@Test
	void patternRouteMatchesThePathsBelowIt() {
		this.contextRunner
			.withPropertyValues("wsedge.routes[0].id=chat", "wsedge.routes[0].path=/ws/chat/**",
					"wsedge.routes[0].upstream=ws://127.0.0.1:9/chat")
			.run((context) -> {
				EdgeRoutes routes = context.getBean(EdgeRoutes.class);
				assertThat(routes.match(PathContainer.parsePath("/ws/chat/lobby"))).isNotNull();
				assertThat(routes.match(PathContainer.parsePath("/ws/chat"))).isNotNull();
				assertThat(routes.match(PathContainer.parsePath("/ws/other"))).isNull();
			});
	}

	@Test
	void routeLimitsOverrideGlobalLimitsValueByValue() {
		this.contextRunner
			.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.limits.max-payload-size=64KB", "wsedge.limits.connect-timeout=3s",
					"wsedge.routes[0].limits.max-payload-size=2MB", "wsedge.routes[0].limits.close-timeout=1s")
			.run((context) -> {
				Limits limits = context.getBean(EdgeRoutes.class).routes().get(0).limits();
				assertThat(limits.maxPayloadSize()).isEqualTo(2 * 1024 * 1024);
				// The frame limit follows the payload limit in force unless set.
				assertThat(limits.maxFrameSize()).isEqualTo(2 * 1024 * 1024);
				assertThat(limits.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(limits.closeTimeout()).isEqualTo(Duration.ofSeconds(1));
				assertThat(limits.upstreamMaxPayloadSize()).isEqualTo(Limits.DEFAULTS.upstreamMaxPayloadSize());
				assertThat(limits.maxBufferedBytes()).isEqualTo(Limits.DEFAULTS.maxBufferedBytes());
			});
	}

	@Test
	void routeWithAKnownSslBundleStarts() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.routes[0].upstream=wss://localhost:9/echo",
					"wsedge.routes[0].ssl-bundle=upstream",
					"spring.ssl.bundle.jks.upstream.truststore.location=classpath:test-upstream-truststore.p12",
					"spring.ssl.bundle.jks.upstream.truststore.password=changeit",
					"spring.ssl.bundle.jks.upstream.truststore.type=PKCS12")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(EdgeRoutes.class));
	}

	@Test
	void disabledEdgeContributesNoBeans() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EdgeEngine.class)
				.doesNotHaveBean(EdgeRoutes.class)
				.doesNotHaveBean(EdgePolicies.class)
				.doesNotHaveBean(EdgeDrain.class)
				.doesNotHaveBean(WsEdgeHandlerMapping.class)
				.doesNotHaveBean("wsEdgeHandshakeTimeout")
				.doesNotHaveBean(WsEdgeProperties.class)
				.doesNotHaveBean(WsEdgeClosePoliciesProperties.class));
	}

	@Test
	void userDefinedEngineReplacesOurs() {
		EdgeEngine engine = new EdgeEngine(List.of());
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withBean("customEngine", EdgeEngine.class, () -> engine)
			.run((context) -> {
				assertThat(context).hasSingleBean(EdgeEngine.class).doesNotHaveBean("wsEdgeEngine");
				assertThat(context.getBean(EdgeEngine.class)).isSameAs(engine);
				assertThat(context).hasSingleBean(WsEdgeHandlerMapping.class);
			});
	}

	@Test
	void plainApplicationGetsTheEngineButNoHandlerMapping() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WsEdgeAutoConfiguration.class, SslAutoConfiguration.class))
			.withPropertyValues(ECHO_ROUTE)
			.run((context) -> assertThat(context).hasSingleBean(EdgeEngine.class)
				.hasSingleBean(EdgeRoutes.class)
				.doesNotHaveBean(EdgeDrain.class)
				.doesNotHaveBean(WsEdgeHandlerMapping.class)
				.doesNotHaveBean("wsEdgeHandshakeTimeout"));
	}

	@Test
	void reactiveApplicationWithoutSpringWebFluxGetsNoHandlerMapping() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withClassLoader(new FilteredClassLoader(HandlerMapping.class))
			.run((context) -> assertThat(context).hasSingleBean(EdgeEngine.class)
				.doesNotHaveBean(WsEdgeHandlerMapping.class));
	}

	@Test
	void missingUpstreamNamesTheProperty() {
		this.contextRunner.withPropertyValues("wsedge.routes[0].id=echo", "wsedge.routes[0].path=/ws/echo")
			.run((context) -> assertInvalid(context, "wsedge.routes[0].upstream"));
	}

	@Test
	void upstreamThatIsNotAWebSocketUriNamesTheProperty() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.routes[0].upstream=ftp://127.0.0.1/echo")
			.run((context) -> assertInvalid(context, "wsedge.routes[0].upstream"));
	}

	@Test
	void upstreamWithoutAHostNamesTheProperty() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.routes[0].upstream=/echo")
			.run((context) -> assertInvalid(context, "wsedge.routes[0].upstream"));
	}

	@Test
	void duplicateRouteIdNamesBothRoutes() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.routes[1].id=echo", "wsedge.routes[1].path=/ws/other",
					"wsedge.routes[1].upstream=ws://127.0.0.1:9/other")
			.run((context) -> assertClash(context, "wsedge.routes[0].id", "wsedge.routes[1].id", "echo"));
	}

	@Test
	void duplicatePathNamesBothRoutes() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.routes[1].id=other", "wsedge.routes[1].path=/ws/echo",
					"wsedge.routes[1].upstream=ws://127.0.0.1:9/other")
			.run((context) -> assertClash(context, "wsedge.routes[0].path", "wsedge.routes[1].path", "/ws/echo"));
	}

	@Test
	void emptyRouteIdNamesTheProperty() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.routes[0].id=")
			.run((context) -> assertInvalid(context, "wsedge.routes[0].id"));
	}

	@Test
	void relativePathNamesTheProperty() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.routes[0].path=ws/echo")
			.run((context) -> assertInvalid(context, "wsedge.routes[0].path"));
	}

	@Test
	void zeroGlobalPayloadSizeNamesTheGlobalProperty() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.limits.max-payload-size=0")
			.run((context) -> assertInvalid(context, "wsedge.limits.max-payload-size"));
	}

	@Test
	void negativeRouteBufferLimitNamesTheRouteProperty() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.routes[0].limits.max-buffered-bytes=-1B")
			.run((context) -> assertInvalid(context, "wsedge.routes[0].limits.max-buffered-bytes"));
	}

	@Test
	void zeroConnectTimeoutNamesTheProperty() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.routes[0].limits.connect-timeout=0s")
			.run((context) -> assertInvalid(context, "wsedge.routes[0].limits.connect-timeout"));
	}

	@Test
	void unknownIncludedInterceptorNamesTheProperty() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withBean("audit", ClientFrameInterceptor.class, () -> (frame) -> {
			})
			.withPropertyValues("wsedge.routes[0].interceptors.include[0]=audit",
					"wsedge.routes[0].interceptors.include[1]=nosuch")
			.run((context) -> assertInvalid(context, "wsedge.routes[0].interceptors.include[1]"));
	}

	@Test
	void knownIncludedInterceptorStarts() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withBean("audit", ClientFrameInterceptor.class, () -> (frame) -> {
			})
			.withPropertyValues("wsedge.routes[0].interceptors.include[0]=audit")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void startupLogSaysThatEveryInterceptorBeanRunsOnARouteWithoutAList(CapturedOutput output) {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.routes[0].upstream=ws://127.0.0.1:9/echo?secret=s3cr3t")
			.withBean("audit", ClientFrameInterceptor.class, () -> (frame) -> {
			})
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("Route 'echo' (/ws/echo -> ws://127.0.0.1:9/echo) runs every interceptor "
						+ "bean (the default; wsedge.routes[0].interceptors.include or .exclude narrows it): upgrade [], "
						+ "client frames [audit], upstream frames []")
					.doesNotContain("s3cr3t");
			});
	}

	@Test
	void startupLogNamesTheInterceptorsARouteIncludes(CapturedOutput output) {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withBean("audit", ClientFrameInterceptor.class, () -> (frame) -> {
			})
			.withBean("other", ClientFrameInterceptor.class, () -> (frame) -> {
			})
			.withPropertyValues("wsedge.routes[0].interceptors.include[0]=audit")
			.run((context) -> assertThat(output).contains("Route 'echo' (/ws/echo -> ws://127.0.0.1:9/echo) runs "
					+ "those named in wsedge.routes[0].interceptors.include: upgrade [], client frames [audit], "
					+ "upstream frames []"));
	}

	@Test
	void unknownRouteSslBundleNamesTheProperty() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.routes[0].upstream=wss://localhost:9/echo",
					"wsedge.routes[0].ssl-bundle=nosuch")
			.run((context) -> assertInvalid(context, "wsedge.routes[0].ssl-bundle"));
	}

	@Test
	void unknownGlobalSslBundleNamesTheProperty() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.ssl-bundle=nosuch")
			.run((context) -> assertInvalid(context, "wsedge.ssl-bundle"));
	}

	@Test
	void negativeGlobalConnectionCapNamesTheProperty() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.limits.max-connections=-1")
			.run((context) -> assertInvalid(context, "wsedge.limits.max-connections"));
	}

	@Test
	void edgeWideConnectionCapUnderARouteNamesTheProperty() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.routes[0].limits.max-connections=10")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(WsEdgeUnknownPropertiesException.class)
				.hasMessageContaining("wsedge.routes[0].limits.max-connections"));
	}

	@Test
	void negativeDrainTimeoutNamesTheProperty() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.shutdown.drain-timeout=-1s")
			.run((context) -> assertInvalid(context, "wsedge.shutdown.drain-timeout"));
	}

	@Test
	void closePolicyCodeThatMayNotBeSentNamesTheProperty() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.close-policies.rate-limit.code=1006")
			.run((context) -> assertInvalid(context, "wsedge.close-policies.rate-limit.code"));
	}

	@Test
	void misspelledClosePolicyFailsStartup() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.close-policies.rate-limt.code=1008")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context).getFailure()
					.rootCause()
					.isInstanceOf(WsEdgeUnknownPropertiesException.class)
					.hasMessageContaining("wsedge.close-policies.rate-limt.code");
			});
	}

	@Test
	void closePolicyCodeIsUsedByTheRoutes() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.close-policies.shutdown.code=1012",
					"wsedge.close-policies.shutdown.reason=restarting")
			.run((context) -> {
				EdgeRoute route = context.getBean(EdgeRoutes.class).routes().get(0);
				assertThat(route.closePolicies().get(ClosePolicyKind.SHUTDOWN).cause().code()).isEqualTo(1012);
				assertThat(route.closePolicies().get(ClosePolicyKind.SHUTDOWN).cause().reason()).isEqualTo("restarting");
			});
	}

	@Test
	void trustedProxyThatIsNotAnAddressNamesTheProperty() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.trusted-proxies[0]=10.0.0.0/8", "wsedge.trusted-proxies[1]=proxy.example.com")
			.run((context) -> assertInvalid(context, "wsedge.trusted-proxies[1]"));
	}

	@Test
	void routeUpstreamOutsideTheUpstreamPolicyNamesTheRoute() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.upstream-policy.deny[0]=127.0.0.0/8")
			.run((context) -> assertInvalid(context, "wsedge.routes[0].upstream"));
	}

	@Test
	void malformedAllowedOriginNamesTheProperty() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.routes[0].allowed-origins[0]=app.example.com")
			.run((context) -> assertInvalid(context, "wsedge.routes[0].allowed-origins[0]"));
	}

	private static void assertInvalid(AssertableReactiveWebApplicationContext context, String property) {
		assertThat(context).hasFailed();
		assertThat(context).getFailure()
			.rootCause()
			.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
				assertThat(ex.getName()).isEqualTo(property);
				assertThat(ex).hasMessageContaining(property);
			});
	}

	private static void assertClash(AssertableReactiveWebApplicationContext context, String first, String second,
			String value) {
		assertThat(context).hasFailed();
		assertThat(context).getFailure()
			.rootCause()
			.isInstanceOfSatisfying(WsEdgeConfigurationException.class, (ex) -> {
				assertThat(ex.firstProperty()).isEqualTo(first);
				assertThat(ex.secondProperty()).isEqualTo(second);
				assertThat(ex.value()).isEqualTo(value);
				assertThat(ex).hasMessageContaining(first).hasMessageContaining(second);
			});
	}

}
