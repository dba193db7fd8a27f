package io.wsedge.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.wsedge.actuate.WsEdgeRoutesEndpoint;
import io.wsedge.engine.EdgeRoutes;

/**
 * Auto-configuration of the {@code wsedgeroutes} actuator endpoint, created only when it is exposed
 * ({@code management.endpoints.web.exposure.include}) and its access is not turned off.
 */
@AutoConfiguration(after = WsEdgeAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(EdgeRoutes.class)
public final class WsEdgeRoutesEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	WsEdgeRoutesEndpoint wsEdgeRoutesEndpoint(EdgeRoutes routes) {
		return new WsEdgeRoutesEndpoint(routes);
	}

}
