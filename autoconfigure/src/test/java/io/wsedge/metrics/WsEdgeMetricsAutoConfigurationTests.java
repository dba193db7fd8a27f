package io.wsedge.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import io.wsedge.autoconfigure.WsEdgeAutoConfiguration;
import io.wsedge.autoconfigure.WsEdgeMetricsAutoConfiguration;
import io.wsedge.engine.EdgeMetrics;
import io.wsedge.engine.RouteMetrics;
import io.wsedge.engine.EdgeRoutes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WsEdgeMetricsAutoConfiguration} in a context: when it meters the routes and when it steps aside.
 */
class WsEdgeMetricsAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WsEdgeMetricsAutoConfiguration.class, WsEdgeAutoConfiguration.class))
		.withPropertyValues("wsedge.routes[0].id=echo", "wsedge.routes[0].path=/ws/echo",
				"wsedge.routes[0].upstream=ws://127.0.0.1:1/echo");

	@Test
	void routesAreMeteredInTheRegistry() {
		this.runner.withBean(SimpleMeterRegistry.class).run((context) -> {
			assertThat(context).hasSingleBean(MicrometerEdgeMetrics.class);
			RouteMetrics metrics = context.getBean(EdgeRoutes.class).routes().get(0).metrics();
			assertThat(metrics).isInstanceOf(MicrometerRouteMetrics.class);
			assertThat(context.getBean(MeterRegistry.class).find(MicrometerEdgeMetrics.SESSIONS_ACTIVE)
				.tag("route", "echo")
				.gauge()).isNotNull();
		});
	}

	@Test
	void withoutARegistryRoutesAreNotMetered() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(EdgeMetrics.class);
			assertThat(context.getBean(EdgeRoutes.class).routes().get(0).metrics())
				.isSameAs(RouteMetrics.NONE);
		});
	}

	@Test
	void withoutMicrometerRoutesAreNotMetered() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(EdgeMetrics.class));
	}

	@Test
	void userEdgeMetricsBeanWins() {
		this.runner.withBean(SimpleMeterRegistry.class)
			.withBean("customEdgeMetrics", EdgeMetrics.class, () -> EdgeMetrics.NONE)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(MicrometerEdgeMetrics.class);
				assertThat(context.getBean(EdgeRoutes.class).routes().get(0).metrics())
					.isSameAs(RouteMetrics.NONE);
			});
	}

	@Test
	void disabledEdgeIsNotMetered() {
		this.runner.withBean(SimpleMeterRegistry.class)
			.withPropertyValues("wsedge.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EdgeMetrics.class));
	}

}
