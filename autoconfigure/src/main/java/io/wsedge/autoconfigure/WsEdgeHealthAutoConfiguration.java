package io.wsedge.autoconfigure;

import java.time.Duration;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

import io.wsedge.health.DrainReadinessPublisher;
import io.wsedge.health.ReadinessGroupMembership;
import io.wsedge.health.UpstreamProber;
import io.wsedge.health.WsEdgeHealthIndicator;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.EdgeRoutes;

/**
 * Auto-configuration of the edge's health and readiness: the {@code wsedge} health contributor with the
 * prober of the routes' upstreams, its membership of the readiness group, and the readiness change when the
 * edge starts draining.
 */
@AutoConfiguration(after = WsEdgeAutoConfiguration.class,
		afterName = "org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration")
@ConditionalOnBean(EdgeEngine.class)
@EnableConfigurationProperties(WsEdgeHealthProperties.class)
public final class WsEdgeHealthAutoConfiguration {

	/** The name of the health contributor, and so of the bean below less its suffix. */
	static final String CONTRIBUTOR = "wsedge";

	// Without actuator too: the application's readiness state is public API that user code may watch.
	@Bean
	@ConditionalOnMissingBean
	DrainReadinessPublisher wsEdgeDrainReadinessPublisher(EdgeEngine engine, ApplicationEventPublisher publisher) {
		return new DrainReadinessPublisher(engine, publisher);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnBean(EdgeRoutes.class)
	@ConditionalOnEnabledHealthIndicator(CONTRIBUTOR)
	static class HealthIndicatorConfiguration {

		@Bean
		@ConditionalOnMissingBean
		UpstreamProber wsEdgeUpstreamProber(EdgeRoutes routes, WsEdgeHealthProperties properties) {
			Duration interval = properties.getProbeInterval();
			if (interval == null || interval.toMillis() < 1) {
				throw new InvalidConfigurationPropertyValueException("wsedge.health.probe-interval", interval,
						"Must be a positive duration, such as 10s.");
			}
			return new UpstreamProber(routes, interval);
		}

		// Named so that Boot, which drops the HealthIndicator suffix, registers the contributor as "wsedge".
		@Bean
		@ConditionalOnMissingBean(name = "wsedgeHealthIndicator")
		WsEdgeHealthIndicator wsedgeHealthIndicator(EdgeRoutes routes, EdgeEngine engine, UpstreamProber prober,
				WsEdgeHealthProperties properties) {
			return new WsEdgeHealthIndicator(routes, engine, prober, properties.isDownIfAnyRouteDown());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HealthEndpointGroupsPostProcessor.class, Endpoint.class })
	@ConditionalOnEnabledHealthIndicator(CONTRIBUTOR)
	@Conditional(ReadinessGroupNotConfigured.class)
	static class ReadinessGroupConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ReadinessGroupMembership wsEdgeReadinessGroupMembership() {
			return new ReadinessGroupMembership(CONTRIBUTOR);
		}

	}

	/**
	 * Matches unless the application lists the members of the readiness group itself, in which case its list
	 * stands (it may add {@code wsedge} to it).
	 */
	static class ReadinessGroupNotConfigured extends SpringBootCondition {

		private static final String GROUP = "management.endpoint.health.group.readiness";

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Binder binder = Binder.get(context.getEnvironment());
			for (String property : new String[] { GROUP + ".include", GROUP + ".exclude" }) {
				if (binder.bind(property, Bindable.listOf(String.class)).isBound()) {
					return ConditionOutcome.noMatch(property + " is set");
				}
			}
			return ConditionOutcome.match("The readiness group's members are not configured");
		}

	}

}
