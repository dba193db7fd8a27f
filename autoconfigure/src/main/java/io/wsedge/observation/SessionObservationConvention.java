package io.wsedge.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The names and key values of {@code wsedge.session} observations. Declare a bean of this type to replace
 * {@link DefaultSessionObservationConvention}.
 */
public interface SessionObservationConvention extends ObservationConvention<SessionObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof SessionObservationContext;
	}

}
