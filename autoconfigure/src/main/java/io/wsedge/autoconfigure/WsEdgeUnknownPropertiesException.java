package io.wsedge.autoconfigure;

import java.util.List;

import org.springframework.boot.origin.Origin;

/**
 * Configured keys under {@code wsedge} that bind to nothing; reported at startup by
 * {@link WsEdgeUnknownPropertiesFailureAnalyzer}.
 */
public class WsEdgeUnknownPropertiesException extends RuntimeException {

	private final List<UnknownProperty> properties;

	public WsEdgeUnknownPropertiesException(List<UnknownProperty> properties) {
		super("Unknown configuration properties: "
				+ properties.stream().map(UnknownProperty::name).toList());
		this.properties = List.copyOf(properties);
	}

	/**
	 * The unknown keys, in the order of their property sources.
	 * @return the keys
	 */
	public List<UnknownProperty> properties() {
		return this.properties;
	}

	/**
	 * One unknown key.
	 *
	 * @param name the key as configured, in its canonical form
	 * @param origin where it is set (a file and line, an environment variable), or {@code null} if unknown
	 * @param suggestion the nearest key that binds, or {@code null} for none
	 * @param reason why the key cannot be set where it is, or {@code null} when it is simply unknown
	 */
	public record UnknownProperty(String name, Origin origin, String suggestion, String reason) {

		UnknownProperty from(Origin origin) {
			return new UnknownProperty(this.name, origin, this.suggestion, this.reason);
		}

	}

}
