package io.wsedge.observation;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * The default {@link UpgradeObservationConvention}: observations named {@value #NAME}, with the low-cardinality
 * key values {@code route}, {@code outcome} ({@code accepted}, {@code refused}, {@code cancelled}),
 * {@code status} (the HTTP status, {@code UNKNOWN} if none was sent) and {@code refused.by} (the
 * step that refused, {@code none} otherwise), and the high-cardinality
 * ones {@code client.address} and {@code upstream.target}.
 */
public class DefaultUpgradeObservationConvention implements UpgradeObservationConvention {

	/** The name of the observation. */
	public static final String NAME = "wsedge.upgrade";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(UpgradeObservationContext context) {
		return "websocket upgrade " + context.getRouteId();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(UpgradeObservationContext context) {
		String outcome = context.isCancelled() ? "cancelled"
				: (context.getStatus() == 101) ? "accepted" : (context.getStatus() != 0) ? "refused" : "unknown";
		return KeyValues.of(KeyValue.of("route", context.getRouteId()), KeyValue.of("outcome", outcome),
				KeyValue.of("status", (context.getStatus() != 0) ? Integer.toString(context.getStatus()) : "UNKNOWN"),
				KeyValue.of("refused.by",
						(context.getRefusedBy() != null) ? context.getRefusedBy() : "none"));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(UpgradeObservationContext context) {
		return KeyValues.of(KeyValue.of("client.address", Addresses.describe(context.getClientAddress())),
				KeyValue.of("upstream.target",
						(context.getUpstreamTarget() != null) ? context.getUpstreamTarget() : "none"));
	}

}
