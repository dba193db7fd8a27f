package io.wsedge.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.context.annotation.Bean;

import io.wsedge.discovery.DiscoveryRefresher;
import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.engine.pool.ServiceTarget;
import io.wsedge.policy.EdgePolicies;

/**
 * Auto-configuration of the discovery of {@code lb://service-id} upstreams, with Spring Cloud Commons on the
 * class path: the application's {@link DiscoveryClient} (or, without one, its {@link ReactiveDiscoveryClient})
 * finds the instances. A route with an {@code lb://} upstream and no discovery client stops the application with
 * a report naming the upstream.
 */
@AutoConfiguration(after = WsEdgeAutoConfiguration.class,
		afterName = { "org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration",
				"org.springframework.cloud.client.discovery.composite.reactive.ReactiveCompositeDiscoveryClientAutoConfiguration" })
@ConditionalOnClass(DiscoveryClient.class)
@ConditionalOnBean(EdgeRoutes.class)
public final class WsEdgeDiscoveryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DiscoveryRefresher wsEdgeDiscoveryRefresher(EdgeRoutes routes, EdgePolicies policies,
			WsEdgeProperties properties, ObjectProvider<DiscoveryClient> clients,
			ObjectProvider<ReactiveDiscoveryClient> reactiveClients) {
		Duration interval = properties.getDiscovery().getRefreshInterval();
		if (interval == null || interval.toMillis() < 1) {
			throw new InvalidConfigurationPropertyValueException("wsedge.discovery.refresh-interval", interval,
					"Must be a positive duration, such as 10s.");
		}
		DiscoveryClient client = clients.getIfAvailable();
		ReactiveDiscoveryClient reactive = reactiveClients.getIfAvailable();
		Function<String, List<ServiceInstance>> lookup = (client != null) ? DiscoveryRefresher.lookup(client)
				: (reactive != null) ? DiscoveryRefresher.lookup(reactive) : null;
		DiscoveryRefresher refresher = new DiscoveryRefresher(routes, (lookup != null) ? lookup : (id) -> List.of(),
				policies.upstreams(), interval);
		if (lookup == null && refresher.hasServices()) {
			for (EdgeRoute route : routes.routes()) {
				if (route.pool() != null && !route.pool().services().isEmpty()) {
					ServiceTarget service = route.pool().services().get(0);
					throw new InvalidConfigurationPropertyValueException(service.property(), service.template(),
							"An lb://service-id upstream needs a DiscoveryClient or ReactiveDiscoveryClient bean, "
									+ "such as the one spring.cloud.discovery.client.simple.instances configures.");
				}
			}
		}
		return refresher;
	}

}
