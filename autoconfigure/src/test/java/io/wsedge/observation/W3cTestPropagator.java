package io.wsedge.observation;

import java.util.List;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleTracer;

/**
 * The W3C {@code traceparent} header (version 00, sampled) for {@link SimpleTracer}, which comes without a
 * propagator; the Brave and OpenTelemetry bridges bring their own.
 */
final class W3cTestPropagator implements Propagator {

	static final String TRACEPARENT = "traceparent";

	private final SimpleTracer tracer;

	W3cTestPropagator(SimpleTracer tracer) {
		this.tracer = tracer;
	}

	static String traceparent(String traceId, String spanId) {
		return "00-" + traceId + "-" + spanId + "-01";
	}

	@Override
	public List<String> fields() {
		return List.of(TRACEPARENT);
	}

	@Override
	public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
		setter.set(carrier, TRACEPARENT, traceparent(context.traceId(), context.spanId()));
	}

	@Override
	public <C> Span.Builder extract(C carrier, Getter<C> getter) {
		String value = getter.get(carrier, TRACEPARENT);
		String[] parts = (value != null) ? value.split("-") : new String[0];
		if (parts.length != 4) {
			return this.tracer.spanBuilder();
		}
		return this.tracer.spanBuilder()
			.setParent(this.tracer.traceContextBuilder().traceId(parts[1]).spanId(parts[2]).sampled(true).build());
	}

}
