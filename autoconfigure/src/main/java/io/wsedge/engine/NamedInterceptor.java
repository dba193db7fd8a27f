package io.wsedge.engine;

import io.wsedge.api.FrameContext;
import io.wsedge.api.MessageMode;

/**
 * An interceptor bean of either direction with the name it is known by in routes, logs and metrics.
 *
 * @param name the bean name
 * @param interceptor the interceptor
 * @param meter where its timings and errors go
 * @param mode whether it sees fragmented messages whole or fragment by fragment, read from the bean once
 */
public record NamedInterceptor(String name, Interceptor interceptor, InterceptorMeter meter, MessageMode mode) {

	/**
	 * An interceptor that sees messages whole.
	 * @param name the bean name
	 * @param interceptor the interceptor
	 * @param meter where its timings and errors go
	 */
	public NamedInterceptor(String name, Interceptor interceptor, InterceptorMeter meter) {
		this(name, interceptor, meter, MessageMode.WHOLE);
	}

	/**
	 * Whether fragmented messages stream through a chain: where every interceptor takes fragments.
	 * @param chain the interceptors of one route and direction
	 * @return whether none needs messages whole
	 */
	static boolean streamsFragments(NamedInterceptor[] chain) {
		for (NamedInterceptor interceptor : chain) {
			if (interceptor.mode() != MessageMode.FRAGMENTS) {
				return false;
			}
		}
		return true;
	}

	/**
	 * {@link io.wsedge.api.ClientFrameInterceptor} and {@link io.wsedge.api.UpstreamFrameInterceptor} seen
	 * alike.
	 */
	@FunctionalInterface
	public interface Interceptor {

		/**
		 * Runs the interceptor.
		 * @param frame the frame context
		 * @throws Exception what the interceptor threw
		 */
		void intercept(FrameContext frame) throws Exception;

	}

	/**
	 * Records an interceptor's run time and failures; resolved once per interceptor.
	 */
	public interface InterceptorMeter {

		/** Records nothing. */
		InterceptorMeter NONE = new InterceptorMeter() {
		};

		/**
		 * Whether {@link #record} wants timings, so the clock is read only when someone listens.
		 * @return whether timings are recorded
		 */
		default boolean timed() {
			return false;
		}

		/**
		 * One run took {@code nanos}.
		 * @param nanos the run time in nanoseconds
		 */
		default void record(long nanos) {
		}

		/**
		 * One run failed.
		 */
		default void error() {
		}

	}

}
