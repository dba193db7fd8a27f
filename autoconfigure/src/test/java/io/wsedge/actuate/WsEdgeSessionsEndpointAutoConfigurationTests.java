package io.wsedge.actuate;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import io.wsedge.autoconfigure.WsEdgeAutoConfiguration;
import io.wsedge.autoconfigure.WsEdgeSessionsEndpointAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WsEdgeSessionsEndpointAutoConfiguration} in a context: the endpoint exists only once exposed.
 */
class WsEdgeSessionsEndpointAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(WsEdgeAutoConfiguration.class, WsEdgeSessionsEndpointAutoConfiguration.class));

	@Test
	void endpointIsNotCreatedUntilExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(WsEdgeSessionsEndpoint.class));
	}

	@Test
	void exposedEndpointIsCreated() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=wsedgesessions")
			.run((context) -> assertThat(context).hasSingleBean(WsEdgeSessionsEndpoint.class));
	}

	@Test
	void endpointWithoutAccessIsNotCreated() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=wsedgesessions",
					"management.endpoint.wsedgesessions.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(WsEdgeSessionsEndpoint.class));
	}

	@Test
	void disabledEdgeHasNoEndpoint() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=wsedgesessions", "wsedge.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WsEdgeSessionsEndpoint.class));
	}

}
