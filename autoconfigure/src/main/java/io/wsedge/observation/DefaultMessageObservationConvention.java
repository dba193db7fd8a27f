package io.wsedge.observation;

import java.util.Locale;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * The default {@link MessageObservationConvention}: observations named {@value #NAME}, with the low-cardinality
 * key values {@code route}, {@code direction} (the side the message came from), {@code type} and
 * {@code outcome}, and the high-cardinality ones {@code session.id} and {@code size}.
 */
public class DefaultMessageObservationConvention implements MessageObservationConvention {

	/** The name of the observation. */
	public static final String NAME = "wsedge.message";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(MessageObservationContext context) {
		return "websocket message " + context.getRouteId();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(MessageObservationContext context) {
		return KeyValues.of(KeyValue.of("route", context.getRouteId()),
				KeyValue.of("direction", context.getFrom().name().toLowerCase(Locale.ROOT)),
				KeyValue.of("type", context.getType().name().toLowerCase(Locale.ROOT)),
				KeyValue.of("outcome", (context.getOutcome() != null) ? context.getOutcome() : "unknown"));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(MessageObservationContext context) {
		return KeyValues.of(KeyValue.of("session.id", context.getSessionId()),
				KeyValue.of("size", Long.toString(context.getSize())));
	}

}
