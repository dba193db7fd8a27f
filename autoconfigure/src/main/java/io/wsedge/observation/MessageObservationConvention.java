package io.wsedge.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The names and key values of {@code wsedge.message} observations. Declare a bean of this type to replace
 * {@link DefaultMessageObservationConvention}.
 */
public interface MessageObservationConvention extends ObservationConvention<MessageObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof MessageObservationContext;
	}

}
