package io.wsedge.observation;

import java.util.Locale;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

import io.wsedge.api.SessionSummary;

/**
 * The default {@link SessionObservationConvention}: observations named {@value #NAME}, with the low-cardinality
 * key values {@code route} and {@code closed.by} ({@code client}, {@code upstream}, {@code edge}), and the
 * high-cardinality ones {@code session.id}, {@code close.code.client}, {@code close.code.upstream} and the
 * message counts {@code messages.client} and {@code messages.upstream}. Close codes are high-cardinality: clients
 * choose them in 3000-4999.
 */
public class DefaultSessionObservationConvention implements SessionObservationConvention {

	/** The name of the observation. */
	public static final String NAME = "wsedge.session";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(SessionObservationContext context) {
		return "websocket session " + context.getRouteId();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(SessionObservationContext context) {
		SessionSummary summary = context.getSummary();
		return KeyValues.of(KeyValue.of("route", context.getRouteId()), KeyValue.of("closed.by",
				(summary != null) ? summary.closedBy().name().toLowerCase(Locale.ROOT) : "unknown"));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(SessionObservationContext context) {
		SessionSummary summary = context.getSummary();
		KeyValues values = KeyValues.of(KeyValue.of("session.id", context.getSessionId()));
		if (summary == null) {
			return values;
		}
		return values.and(KeyValue.of("close.code.client", Integer.toString(summary.clientCloseStatus())),
				KeyValue.of("close.code.upstream", Integer.toString(summary.upstreamCloseStatus())),
				KeyValue.of("messages.client", Long.toString(summary.clientMessages())),
				KeyValue.of("messages.upstream", Long.toString(summary.upstreamMessages())));
	}

}
