package io.wsedge.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.wsedge.autoconfigure.WsEdgeUnknownPropertiesException.UnknownProperty;

/**
 * Reports keys under {@code wsedge} that bind to nothing, each with where it is set and the key it was
 * probably meant to be.
 */
class WsEdgeUnknownPropertiesFailureAnalyzer extends AbstractFailureAnalyzer<WsEdgeUnknownPropertiesException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, WsEdgeUnknownPropertiesException cause) {
		StringBuilder description = new StringBuilder("Unknown configuration properties under 'wsedge'; "
				+ "the settings they were meant for would not apply:\n");
		for (UnknownProperty property : cause.properties()) {
			description.append("\n    Property: ").append(property.name());
			if (property.origin() != null) {
				description.append("\n    Origin: ").append(property.origin());
			}
			if (property.reason() != null) {
				description.append("\n    Reason: ").append(property.reason());
			}
			if (property.suggestion() != null) {
				description.append("\n    Did you mean ").append(property.suggestion()).append('?');
			}
			description.append('\n');
		}
		String action = "Correct or remove the properties above. The README's configuration reference and your "
				+ "IDE's completion list every wsedge property.";
		return new FailureAnalysis(description.toString(), action, cause);
	}

}
