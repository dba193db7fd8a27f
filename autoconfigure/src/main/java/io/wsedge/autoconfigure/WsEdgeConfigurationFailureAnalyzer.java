package io.wsedge.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports clashing edge settings as a startup failure that names both properties and the value.
 */
class WsEdgeConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<WsEdgeConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, WsEdgeConfigurationException cause) {
		String description = "Properties '" + cause.firstProperty() + "' and '" + cause.secondProperty()
				+ "' both have the value '" + cause.value() + "'.\n\nReason: " + cause.reason();
		String action = "Change '" + cause.secondProperty() + "' (or '" + cause.firstProperty()
				+ "') so that every route has its own id and path.";
		return new FailureAnalysis(description, action, cause);
	}

}
