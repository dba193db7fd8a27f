package io.wsedge.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import org.springframework.beans.factory.ObjectProvider;

import io.wsedge.actuate.WsEdgeSessionsEndpoint;
import io.wsedge.actuate.WsEdgeUpstreamsEndpoint;
import io.wsedge.api.EdgeMessenger;
import io.wsedge.cluster.ClusterSessions;
import io.wsedge.engine.LocalSessions;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.EdgeRoutes;

/**
 * Auto-configuration of the {@code wsedgesessions} and {@code wsedgeupstreams} actuator endpoints, each created
 * only when it is exposed over HTTP ({@code management.endpoints.web.exposure.include}) and its access is not
 * turned off.
 */
@AutoConfiguration(after = { WsEdgeAutoConfiguration.class, WsEdgeClusterAutoConfiguration.class })
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean({ EdgeEngine.class, EdgeRoutes.class })
public final class WsEdgeSessionsEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	WsEdgeSessionsEndpoint wsEdgeSessionsEndpoint(EdgeEngine engine, EdgeRoutes routes,
			ObjectProvider<EdgeMessenger> messenger, ObjectProvider<ClusterSessions> cluster) {
		return new WsEdgeSessionsEndpoint(engine, routes, messenger.getIfAvailable(() -> new LocalSessions(engine)),
				cluster.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	WsEdgeUpstreamsEndpoint wsEdgeUpstreamsEndpoint(EdgeRoutes routes) {
		return new WsEdgeUpstreamsEndpoint(routes);
	}

}
