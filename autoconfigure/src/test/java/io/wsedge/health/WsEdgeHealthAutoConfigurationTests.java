package io.wsedge.health;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import io.wsedge.autoconfigure.WsEdgeAutoConfiguration;
import io.wsedge.autoconfigure.WsEdgeHealthAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WsEdgeHealthAutoConfiguration} in a context: the contributor, its prober, the readiness group
 * membership and the drain publisher, and when each steps aside.
 */
class WsEdgeHealthAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WsEdgeAutoConfiguration.class, WsEdgeHealthAutoConfiguration.class))
		.withPropertyValues("wsedge.routes[0].id=echo", "wsedge.routes[0].path=/ws/echo",
				"wsedge.routes[0].upstream=ws://127.0.0.1:1/echo");

	@Test
	void contributesWsedgeHealthAndJoinsReadiness() {
		this.runner.run((context) -> {
			// Boot names the contributor after the bean, less the HealthIndicator suffix.
			assertThat(context).hasBean("wsedgeHealthIndicator");
			assertThat(context).hasSingleBean(WsEdgeHealthIndicator.class);
			assertThat(context).hasSingleBean(UpstreamProber.class);
			assertThat(context).hasSingleBean(ReadinessGroupMembership.class);
			assertThat(context).hasSingleBean(DrainReadinessPublisher.class);
			assertThat(context.getBean(UpstreamProber.class).isRunning()).isTrue();
		});
	}

	@Test
	void disabledIndicatorLeavesOnlyTheDrainPublisher() {
		this.runner.withPropertyValues("management.health.wsedge.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(WsEdgeHealthIndicator.class);
			assertThat(context).doesNotHaveBean(UpstreamProber.class);
			assertThat(context).doesNotHaveBean(ReadinessGroupMembership.class);
			assertThat(context).hasSingleBean(DrainReadinessPublisher.class);
		});
	}

	@Test
	void withoutSpringBootHealthOnlyTheDrainPublisherIsConfigured() {
		this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run((context) -> {
			assertThat(context).doesNotHaveBean(WsEdgeHealthIndicator.class);
			assertThat(context).hasSingleBean(DrainReadinessPublisher.class);
		});
	}

	@Test
	void readinessGroupConfiguredByTheApplicationIsLeftAlone() {
		this.runner.withPropertyValues("management.endpoint.health.group.readiness.include=readinessState,db")
			.run((context) -> {
				assertThat(context).hasSingleBean(WsEdgeHealthIndicator.class);
				assertThat(context).doesNotHaveBean(ReadinessGroupMembership.class);
			});
	}

	@Test
	void probeIntervalMustBePositive() {
		this.runner.withPropertyValues("wsedge.health.probe-interval=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("wsedge.health.probe-interval"));
	}

	@Test
	void disabledEdgeHasNoHealth() {
		this.runner.withPropertyValues("wsedge.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(WsEdgeHealthIndicator.class);
			assertThat(context).doesNotHaveBean(DrainReadinessPublisher.class);
		});
	}

}
