package io.wsedge.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The names and key values of {@code wsedge.upgrade} observations. Declare a bean of this type to replace
 * {@link DefaultUpgradeObservationConvention}, or extend that class to add to its key values.
 */
public interface UpgradeObservationConvention extends ObservationConvention<UpgradeObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof UpgradeObservationContext;
	}

}
