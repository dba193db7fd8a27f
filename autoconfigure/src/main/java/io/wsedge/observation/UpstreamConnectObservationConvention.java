package io.wsedge.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The names and key values of {@code wsedge.upstream.connect} observations. Declare a bean of this type to
 * replace {@link DefaultUpstreamConnectObservationConvention}.
 */
public interface UpstreamConnectObservationConvention
		extends ObservationConvention<UpstreamConnectObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof UpstreamConnectObservationContext;
	}

}
