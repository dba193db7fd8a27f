package io.wsedge.health;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

import io.wsedge.engine.EdgeEngine;

/**
 * Marks the application {@link ReadinessState#REFUSING_TRAFFIC refusing traffic} as soon as the edge starts
 * draining, so that the readiness probe fails and load balancers stop sending new clients while the open
 * sessions are still being closed, rather than after.
 */
public final class DrainReadinessPublisher {

	/**
	 * Registers the publication with the engine.
	 * @param engine the engine whose drain is watched
	 * @param publisher where the availability change is published (the application context)
	 */
	public DrainReadinessPublisher(EdgeEngine engine, ApplicationEventPublisher publisher) {
		engine.onDraining(() -> AvailabilityChangeEvent.publish(publisher, engine, ReadinessState.REFUSING_TRAFFIC));
	}

}
