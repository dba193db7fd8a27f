package io.wsedge.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;

import io.wsedge.autoconfigure.WsEdgeUnknownPropertiesException.UnknownProperty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WsEdgeUnknownPropertiesFailureAnalyzer}.
 */
class WsEdgeUnknownPropertiesFailureAnalyzerTests {

	@Test
	void analysisNamesEveryKeyWithItsOriginAndSuggestionOrReason() {
		WsEdgeUnknownPropertiesException unknown = new WsEdgeUnknownPropertiesException(List.of(
				new UnknownProperty("wsedge.limits.max-payload-sise", origin("application.yml - 3:5"),
						"wsedge.limits.max-payload-size", null),
				new UnknownProperty("wsedge.routes[0].limits.handshake-timeout", null, null,
						"'handshake-timeout' applies to the whole edge, so it is set under wsedge.limits only.")));
		FailureAnalysis analysis = new WsEdgeUnknownPropertiesFailureAnalyzer()
			.analyze(new IllegalStateException("Error creating bean", unknown));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("Property: wsedge.limits.max-payload-sise",
				"Origin: application.yml - 3:5", "Did you mean wsedge.limits.max-payload-size?",
				"Property: wsedge.routes[0].limits.handshake-timeout", "set under wsedge.limits only");
		assertThat(analysis.getCause()).isSameAs(unknown);
	}

	private static Origin origin(String text) {
		return new Origin() {

			@Override
			public String toString() {
				return text;
			}

		};
	}

}
