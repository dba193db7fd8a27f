package io.wsedge.metrics;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.wsedge.engine.NamedInterceptor.InterceptorMeter;

/**
 * The run time and failures of one interceptor bean, resolved once.
 */
final class MicrometerInterceptorMeter implements InterceptorMeter {

	private final Timer duration;

	private final Counter errors;

	MicrometerInterceptorMeter(MeterRegistry registry, String beanName) {
		this.duration = Timer.builder(MicrometerEdgeMetrics.INTERCEPTOR_DURATION)
			.description("Time an interceptor took per message")
			.tag("interceptor", beanName)
			.register(registry);
		this.errors = Counter.builder(MicrometerEdgeMetrics.INTERCEPTOR_ERRORS)
			.description("Interceptor runs that threw or whose deferred stage failed")
			.tag("interceptor", beanName)
			.register(registry);
	}

	@Override
	public boolean timed() {
		return true;
	}

	@Override
	public void record(long nanos) {
		this.duration.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void error() {
		this.errors.increment();
	}

}
