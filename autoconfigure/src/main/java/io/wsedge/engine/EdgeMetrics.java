package io.wsedge.engine;

import io.wsedge.engine.pool.PoolMetrics;

/**
 * Makes the meters of routes and interceptors, once each, when routes are built. An implementation backed by
 * Micrometer is configured when a {@code MeterRegistry} is present.
 */
public interface EdgeMetrics {

	/** Measures nothing. */
	EdgeMetrics NONE = new EdgeMetrics() {
	};

	/**
	 * The meters of one route.
	 * @param routeId the route's id
	 * @return the route's meters
	 */
	default RouteMetrics route(String routeId) {
		return RouteMetrics.NONE;
	}

	/**
	 * The meters of one route's upstream pool.
	 * @param routeId the route's id
	 * @return the pool's meters
	 */
	default PoolMetrics pool(String routeId) {
		return PoolMetrics.NONE;
	}

	/**
	 * The meters of one interceptor bean.
	 * @param beanName the interceptor's bean name
	 * @return the interceptor's meters
	 */
	default NamedInterceptor.InterceptorMeter interceptor(String beanName) {
		return NamedInterceptor.InterceptorMeter.NONE;
	}

}
