package io.wsedge.observation;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * The default {@link UpstreamConnectObservationConvention}: observations named {@value #NAME}, with the
 * low-cardinality key values {@code route} and {@code outcome} (as the {@code wsedge.upstream.connect} timer's,
 * or {@code cancelled}) and the high-cardinality ones {@code upstream.target} and {@code status}.
 */
public class DefaultUpstreamConnectObservationConvention implements UpstreamConnectObservationConvention {

	/** The name of the observation, the same as the timer the edge records for each dial. */
	public static final String NAME = "wsedge.upstream.connect";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(UpstreamConnectObservationContext context) {
		return "websocket connect " + context.getRouteId();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(UpstreamConnectObservationContext context) {
		return KeyValues.of(KeyValue.of("route", context.getRouteId()),
				KeyValue.of("outcome", (context.getOutcome() != null) ? context.getOutcome() : "unknown"));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(UpstreamConnectObservationContext context) {
		return KeyValues.of(KeyValue.of("upstream.target", context.getUpstreamTarget()),
				KeyValue.of("status", (context.getStatus() != 0) ? Integer.toString(context.getStatus()) : "UNKNOWN"));
	}

}
