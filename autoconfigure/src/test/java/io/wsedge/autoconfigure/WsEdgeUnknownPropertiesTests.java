package io.wsedge.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.unit.DataSize;

import io.wsedge.autoconfigure.WsEdgeUnknownPropertiesException.UnknownProperty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Every configured key under {@code wsedge} that binds to nothing fails startup, naming the key, where it is set
 * and the key it was probably meant to be; every key that binds, in any of Spring Boot's relaxed forms, passes.
 */
@ExtendWith(OutputCaptureExtension.class)
class WsEdgeUnknownPropertiesTests {

	private static final String[] ECHO_ROUTE = { "wsedge.routes[0].id=echo", "wsedge.routes[0].path=/ws/echo",
			"wsedge.routes[0].upstream=ws://127.0.0.1:9/echo" };

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WsEdgeAutoConfiguration.class));

	@Test
	void misspelledGlobalLimitNamesTheKeyItsFileAndLineAndTheNearestKey() {
		this.contextRunner
			.withInitializer((context) -> context.getEnvironment().getPropertySources().addFirst(yaml()))
			.run((context) -> {
				UnknownProperty unknown = single(context);
				assertThat(unknown.name()).isEqualTo("wsedge.limits.max-payload-sise");
				assertThat(unknown.suggestion()).isEqualTo("wsedge.limits.max-payload-size");
				assertThat(unknown.origin())
					.hasToString("class path resource [io/wsedge/autoconfigure/misspelled-limit.yml] - 3:23");
				assertThat(analysis(context).getDescription()).contains("wsedge.limits.max-payload-sise",
						"misspelled-limit.yml] - 3:23", "Did you mean wsedge.limits.max-payload-size?");
			});
	}

	@Test
	void misspelledRouteKeyKeepsTheRestOfTheNameInTheSuggestion() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.routes[0].limts.max-payload-size=2MB")
			.run((context) -> assertThat(single(context).suggestion())
				.isEqualTo("wsedge.routes[0].limits.max-payload-size"));
	}

	@Test
	void misspelledRouteUpstreamSuggestsTheUpstream() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.routes[0].upstream-uri=ws://127.0.0.1:9/echo")
			.run((context) -> assertThat(single(context).suggestion()).isEqualTo("wsedge.routes[0].upstream"));
	}

	@Test
	void edgeWideLimitUnderARouteSaysWhereItGoes() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.routes[0].limits.handshake-timeout=5s")
			.run((context) -> {
				UnknownProperty unknown = single(context);
				assertThat(unknown.name()).isEqualTo("wsedge.routes[0].limits.handshake-timeout");
				assertThat(unknown.reason()).contains("set under wsedge.limits only");
				assertThat(unknown.suggestion()).isNull();
			});
	}

	@Test
	void memoryBudgetUnderARouteSaysWhereItGoes() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.routes[0].limits.max-total-buffered-bytes=1GB")
			.run((context) -> assertThat(single(context).reason()).contains("set under wsedge.limits only"));
	}

	@Test
	void connectionCapUnderARoutePointsToTheRoutesOwnCap() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.routes[0].limits.max-connections=5")
			.run((context) -> assertThat(single(context).reason()).contains("set under wsedge.limits only",
					"a route's own cap is wsedge.routes[0].max-connections"));
	}

	@Test
	void misspelledClosePolicyCase() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.close-policies.payload-to-big.code=4000")
			.run((context) -> assertThat(single(context).suggestion())
				.isEqualTo("wsedge.close-policies.payload-too-big.code"));
	}

	@Test
	void misspelledHealthKeyIsReportedEvenWithoutTheHealthConfiguration() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.health.probe-intervall=5s")
			.run((context) -> assertThat(single(context).suggestion()).isEqualTo("wsedge.health.probe-interval"));
	}

	@Test
	void environmentVariableWithUnderscoresForDashesIsReportedWithTheKeyItMeant() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment(
						Map.of("WSEDGE_LIMITS_MAX_PAYLOAD_SIZE", "2MB"))))
			.run((context) -> {
				UnknownProperty unknown = single(context);
				assertThat(unknown.suggestion()).isEqualTo("wsedge.limits.max-payload-size");
				assertThat(unknown.origin()).hasToString(
						"\"WSEDGE_LIMITS_MAX_PAYLOAD_SIZE\" from property source \"systemEnvironment\"");
			});
	}

	@Test
	void environmentVariablesNotMeantForTheEdgeAreIgnoredWithAWarning(CapturedOutput output) {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						environment(Map.of("WSEDGE_HOME", "/opt/wsedge", "WSEDGE_VERSION", "1.2"))))
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("Ignoring environment variables that bind to no wsedge property")
			.contains("WSEDGE_HOME")
			.contains("WSEDGE_VERSION");
	}

	@Test
	void environmentVariableWithAMisspelledFirstKeyIsStillReported() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						environment(Map.of("WSEDGE_LIMTS_MAX_PAYLOAD_SIZE", "2MB"))))
			.run((context) -> assertThat(single(context).suggestion()).startsWith("wsedge.limits"));
	}

	@Test
	void everyUnknownKeyIsReportedAtOnce() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.limits.max-payload-sise=2MB", "wsedge.routes[0].pth=/x")
			.run((context) -> assertThat(failure(context).properties()).extracting(UnknownProperty::name)
				.containsExactly("wsedge.limits.max-payload-sise", "wsedge.routes[0].pth"));
	}

	@Test
	void relaxedFormsThatBindAreNotReported() {
		this.contextRunner.withPropertyValues("wsedge.routes[0].id=echo", "wsedge.routes[0].path=/ws/echo",
				"wsedge.routes[0].upstream=ws://127.0.0.1:9/echo", "wsedge.limits.maxPayloadSize=2MB",
				"wsedge.routes[0].limits.upstream_max_payload_size=3MB")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						environment(Map.of("WSEDGE_LIMITS_MAXBUFFEREDBYTES", "5MB", "WSEDGE_SHUTDOWN_DRAINTIMEOUT",
								"7s"))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				WsEdgeProperties properties = context.getBean(WsEdgeProperties.class);
				assertThat(properties.getLimits().getMaxPayloadSize()).isEqualTo(DataSize.ofMegabytes(2));
				assertThat(properties.getLimits().getMaxBufferedBytes()).isEqualTo(DataSize.ofMegabytes(5));
				assertThat(properties.getRoutes().get(0).getLimits().getUpstreamMaxPayloadSize())
					.isEqualTo(DataSize.ofMegabytes(3));
				assertThat(properties.getShutdown().getDrainTimeout()).isEqualTo(Duration.ofSeconds(7));
			});
	}

	@Test
	void validConfigurationWithEveryKindOfKeyStarts() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.enabled=true", "wsedge.allowed-origins=https://a.example.com",
					"wsedge.trusted-proxies[0]=10.0.0.0/8", "wsedge.upstream-policy.allow[0]=127.0.0.1",
					"wsedge.shutdown.drain-timeout=5s", "wsedge.limits.max-fragments=100",
					"wsedge.limits.max-total-buffered-bytes=64MB", "wsedge.compression.client.enabled=true",
					"wsedge.close-policies.shutdown.code=1012", "wsedge.health.probe-interval=5s",
					"wsedge.routes[0].limits.max-fragments=10", "wsedge.routes[0].compression.upstream.threshold=1KB",
					"wsedge.routes[0].allowed-origins[0]=https://b.example.com",
					"wsedge.routes[0].interceptors.exclude=", "wsedge.routes[0].max-connections=3")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void everyKeyThatBindsPassesTheCheck() {
		MockEnvironment environment = new MockEnvironment();
		for (String leaf : WsEdgePropertyNames.get().leaves()) {
			environment.setProperty(leaf.replace("[]", "[0]").replace("*", "key"), "x");
		}
		assertThat(WsEdgePropertyNames.get().leaves()).contains("wsedge.limits.max-fragments",
				"wsedge.routes[].limits.max-fragments", "wsedge.limits.max-total-buffered-bytes",
				"wsedge.close-policies.shutdown.peer-reason", "wsedge.health.down-if-any-route-down");
		assertThatNoException().isThrownBy(() -> WsEdgePropertyNames.get().check(environment));
	}

	@Test
	void aKeyBelowASingleValueIsUnknown() {
		MockEnvironment environment = new MockEnvironment().withProperty("wsedge.enabled.really", "true");
		assertThatException().isThrownBy(() -> WsEdgePropertyNames.get().check(environment))
			.isInstanceOf(WsEdgeUnknownPropertiesException.class)
			.withMessageContaining("wsedge.enabled.really");
	}

	private static PropertySource<?> yaml() {
		try {
			return new YamlPropertySourceLoader()
				.load("misspelled-limit.yml", new ClassPathResource("io/wsedge/autoconfigure/misspelled-limit.yml"))
				.get(0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static SystemEnvironmentPropertySource environment(Map<String, String> variables) {
		return new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
				Map.copyOf(variables));
	}

	private static WsEdgeUnknownPropertiesException failure(AssertableReactiveWebApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable cause = context.getStartupFailure();
		while (!(cause instanceof WsEdgeUnknownPropertiesException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		assertThat(cause).isInstanceOf(WsEdgeUnknownPropertiesException.class);
		return (WsEdgeUnknownPropertiesException) cause;
	}

	private static UnknownProperty single(AssertableReactiveWebApplicationContext context) {
		List<UnknownProperty> properties = failure(context).properties();
		assertThat(properties).hasSize(1);
		return properties.get(0);
	}

	private static FailureAnalysis analysis(AssertableReactiveWebApplicationContext context) {
		return new WsEdgeUnknownPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
	}

}
