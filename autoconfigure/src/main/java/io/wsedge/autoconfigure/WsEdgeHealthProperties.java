package io.wsedge.autoconfigure;

import java.time.Duration;

import lombok.Getter;
import lombok.Setter;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the edge's health contributor ({@code wsedge}).
 */
@ConfigurationProperties("wsedge.health")
@Getter
@Setter
public class WsEdgeHealthProperties {

	/**
	 * Time between two reachability probes of each route's upstream; health requests read the last result.
	 */
	private Duration probeInterval = Duration.ofSeconds(10);

	/**
	 * Whether the whole edge reports DOWN when the upstream of any route is unreachable, rather than only that
	 * route.
	 */
	private boolean downIfAnyRouteDown = false;

}
