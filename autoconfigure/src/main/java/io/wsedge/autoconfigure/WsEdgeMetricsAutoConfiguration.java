package io.wsedge.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.EdgeMetrics;
import io.wsedge.metrics.MemoryBudgetMetrics;
import io.wsedge.metrics.MicrometerEdgeMetrics;

/**
 * Auto-configuration of the edge's Micrometer metrics ({@code wsedge.*}). Runs after the meter registries are
 * configured and before {@link WsEdgeAutoConfiguration}, whose routes resolve their meters once, as they are
 * built.
 */
@AutoConfiguration(before = WsEdgeAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "wsedge.enabled", matchIfMissing = true)
public final class WsEdgeMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(EdgeMetrics.class)
	MicrometerEdgeMetrics wsEdgeMetrics(MeterRegistry registry) {
		return new MicrometerEdgeMetrics(registry);
	}

	/**
	 * Keeps the {@code wsedge.upstream.connect} timer as documented (tags {@code route} and {@code outcome}), which
	 * the edge records itself: Boot's meter handler would register a second timer of that name from the
	 * {@code wsedge.upstream.connect} observation, with an {@code error} tag, and a registry such as Prometheus's
	 * refuses two meters of one name with different tags.
	 */
	@Bean
	MeterFilter wsEdgeUpstreamConnectObservationMeterFilter() {
		return MeterFilter.deny((id) -> (id.getName().equals(MicrometerEdgeMetrics.UPSTREAM_CONNECT)
				&& id.getTag("error") != null)
				|| id.getName().equals(MicrometerEdgeMetrics.UPSTREAM_CONNECT + ".active"));
	}

	@Bean
	@ConditionalOnMissingBean
	MemoryBudgetMetrics wsEdgeMemoryBudgetMetrics(ObjectProvider<EdgeEngine> engine) {
		return new MemoryBudgetMetrics(engine::getIfAvailable);
	}

}
