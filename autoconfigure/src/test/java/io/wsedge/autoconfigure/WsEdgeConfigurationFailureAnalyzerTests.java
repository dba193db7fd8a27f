package io.wsedge.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WsEdgeConfigurationFailureAnalyzer}.
 */
class WsEdgeConfigurationFailureAnalyzerTests {

	@Test
	void analysisNamesBothPropertiesAndTheValue() {
		WsEdgeConfigurationException clash = new WsEdgeConfigurationException("wsedge.routes[0].id",
				"wsedge.routes[2].id", "chat", "Route ids must be unique.");
		FailureAnalysis analysis = new WsEdgeConfigurationFailureAnalyzer()
			.analyze(new IllegalStateException("Error creating bean", clash));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("'wsedge.routes[0].id'", "'wsedge.routes[2].id'", "'chat'",
				"Route ids must be unique.");
		assertThat(analysis.getAction()).contains("wsedge.routes[2].id");
		assertThat(analysis.getCause()).isSameAs(clash);
	}

}
