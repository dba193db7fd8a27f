package io.wsedge.autoconfigure;

/**
 * Two settings of the edge that clash, such as two routes with the same id; reported at startup by
 * {@link WsEdgeConfigurationFailureAnalyzer}.
 */
public class WsEdgeConfigurationException extends RuntimeException {

	private final String firstProperty;

	private final String secondProperty;

	private final Object value;

	private final String reason;

	public WsEdgeConfigurationException(String firstProperty, String secondProperty, Object value, String reason) {
		super(secondProperty + " clashes with " + firstProperty + " (value '" + value + "'): " + reason);
		this.firstProperty = firstProperty;
		this.secondProperty = secondProperty;
		this.value = value;
		this.reason = reason;
	}

	public String firstProperty() {
		return this.firstProperty;
	}

	public String secondProperty() {
		return this.secondProperty;
	}

	public Object value() {
		return this.value;
	}

	public String reason() {
		return this.reason;
	}

}
