package io.wsedge.autoconfigure;

import java.time.Duration;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import io.wsedge.api.EdgeMessenger;
import io.wsedge.cluster.ClusterCommands;
import io.wsedge.cluster.ClusterLifecycle;
import io.wsedge.cluster.ClusterMetrics;
import io.wsedge.cluster.ClusterRateLimiter;
import io.wsedge.cluster.RedisEdgeCluster;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.LocalPrincipalLimiter;
import io.wsedge.engine.LocalSessions;
import io.wsedge.health.ClusterHealthIndicator;
import io.wsedge.metrics.MicrometerClusterMetrics;

/**
 * Auto-configuration of cluster mode ({@code wsedge.cluster.enabled=true}): the edge shares its connection caps,
 * its principals' message rates and its session registry with the other instances through the application's
 * Redis (Spring Data Redis reactive on Lettuce, {@code spring.data.redis.*}). Without cluster mode, the
 * {@link EdgeMessenger} reaches this edge's own sessions.
 */
@AutoConfiguration(after = { WsEdgeAutoConfiguration.class, WsEdgeMetricsAutoConfiguration.class },
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration")
@ConditionalOnBean(EdgeEngine.class)
@EnableConfigurationProperties(WsEdgeClusterProperties.class)
public final class WsEdgeClusterAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "wsedge.cluster.enabled", havingValue = false, matchIfMissing = true)
	static class StandaloneConfiguration {

		@Bean
		@ConditionalOnMissingBean(EdgeMessenger.class)
		LocalSessions wsEdgeMessenger(EdgeEngine engine) {
			return new LocalSessions(engine);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("wsedge.cluster.enabled")
	@ConditionalOnMissingClass({ "org.springframework.data.redis.core.ReactiveStringRedisTemplate",
			"io.lettuce.core.RedisClient" })
	static class RedisMissingConfiguration implements InitializingBean {

		@Override
		public void afterPropertiesSet() {
			throw new InvalidConfigurationPropertyValueException("wsedge.cluster.enabled", true,
					"Cluster mode needs Spring Data Redis reactive with Lettuce: add "
							+ "spring-boot-starter-data-redis-reactive to the application.");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("wsedge.cluster.enabled")
	@ConditionalOnClass({ ReactiveStringRedisTemplate.class, io.lettuce.core.RedisClient.class })
	static class ClusterConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RedisEdgeCluster wsEdgeCluster(WsEdgeClusterProperties properties, WsEdgeProperties edge,
				ObjectProvider<ReactiveRedisConnectionFactory> connectionFactory, EdgeEngine engine,
				ObjectProvider<ClusterMetrics> metrics) {
			ReactiveRedisConnectionFactory factory = connectionFactory.getIfAvailable();
			if (factory == null) {
				throw new InvalidConfigurationPropertyValueException("wsedge.cluster.enabled", true,
						"Cluster mode needs a reactive Redis connection: set spring.data.redis.* and keep "
								+ "Spring Boot's Redis auto-configuration on.");
			}
			RedisEdgeCluster cluster = new RedisEdgeCluster(new ReactiveStringRedisTemplate(factory),
					settings(properties), edge.getLimits().getMaxConnections(),
					metrics.getIfAvailable(() -> ClusterMetrics.NONE));
			engine.cluster(cluster);
			ClusterMetrics meters = metrics.getIfAvailable(() -> ClusterMetrics.NONE);
			engine.principalLimiter(new ClusterRateLimiter(new ReactiveStringRedisTemplate(factory),
					properties.getKeyPrefix() + "rate:principal:", properties.getTokenBatch(),
					engine.principalLimiter(), meters));
			double perClient = properties.getMessagesPerSecondPerClient();
			if (perClient > 0) {
				engine.clientRate(new ClusterRateLimiter(new ReactiveStringRedisTemplate(factory),
						properties.getKeyPrefix() + "rate:client:", properties.getTokenBatch(),
						new LocalPrincipalLimiter(), meters), perClient);
			}
			return cluster;
		}

		static RedisEdgeCluster.Settings settings(WsEdgeClusterProperties properties) {
			positive(properties.getLeaseTime(), "wsedge.cluster.lease-time");
			positive(properties.getTimeout(), "wsedge.cluster.timeout");
			positive(properties.getOperationTimeout(), "wsedge.cluster.operation-timeout");
			if (properties.getLeaseTime().toMillis() < 3) {
				throw new InvalidConfigurationPropertyValueException("wsedge.cluster.lease-time",
						properties.getLeaseTime(), "Must be at least 3ms, as it is renewed every third of it.");
			}
			if (!(properties.getMessagesPerSecondPerClient() >= 0)) {
				throw new InvalidConfigurationPropertyValueException("wsedge.cluster.messages-per-second-per-client",
						properties.getMessagesPerSecondPerClient(), "Must be 0 (no cluster-wide rate) or more.");
			}
			if (properties.getTokenBatch() < 0) {
				throw new InvalidConfigurationPropertyValueException("wsedge.cluster.token-batch",
						properties.getTokenBatch(), "Must be 0 (a tenth of a second's worth) or more.");
			}
			String prefix = properties.getKeyPrefix();
			if (prefix == null || prefix.isEmpty()) {
				throw new InvalidConfigurationPropertyValueException("wsedge.cluster.key-prefix", prefix,
						"Must not be empty: it keeps the cluster's keys apart from the application's.");
			}
			String instance = properties.getInstanceId();
			if (instance == null || instance.isBlank()) {
				instance = UUID.randomUUID().toString();
			}
			else if (instance.chars().anyMatch((c) -> c < 0x21)) {
				throw new InvalidConfigurationPropertyValueException("wsedge.cluster.instance-id", instance,
						"Must not contain spaces or control characters.");
			}
			return new RedisEdgeCluster.Settings(instance, prefix, properties.getLeaseTime(), properties.getTimeout(),
					properties.getOnRedisFailure());
		}

		private static void positive(Duration duration, String property) {
			if (duration == null || duration.toMillis() < 1) {
				throw new InvalidConfigurationPropertyValueException(property, duration,
						"Must be a positive duration of at least 1ms.");
			}
		}

		@Bean
		@ConditionalOnMissingBean(EdgeMessenger.class)
		ClusterCommands wsEdgeMessenger(RedisEdgeCluster cluster, WsEdgeClusterProperties properties,
				ObjectProvider<ReactiveRedisConnectionFactory> connectionFactory, EdgeEngine engine,
				ObjectProvider<ClusterMetrics> metrics) {
			return new ClusterCommands(new ReactiveStringRedisTemplate(connectionFactory.getObject()), cluster,
					new LocalSessions(engine), properties.getKeyPrefix(), properties.getOperationTimeout(),
					metrics.getIfAvailable(() -> ClusterMetrics.NONE));
		}

		@Bean
		@ConditionalOnMissingBean
		ClusterLifecycle wsEdgeClusterLifecycle(RedisEdgeCluster cluster, ObjectProvider<ClusterCommands> commands) {
			return new ClusterLifecycle(cluster, commands.getIfAvailable());
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(HealthIndicator.class)
		@ConditionalOnEnabledHealthIndicator("wsedgecluster")
		static class ClusterHealthConfiguration {

			// Named so that Boot, which drops the HealthIndicator suffix, registers the contributor as
			// "wsedgeCluster".
			@Bean
			@ConditionalOnMissingBean(name = "wsedgeClusterHealthIndicator")
			ClusterHealthIndicator wsedgeClusterHealthIndicator(RedisEdgeCluster cluster) {
				return new ClusterHealthIndicator(cluster);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("wsedge.cluster.enabled")
	@ConditionalOnClass({ MeterRegistry.class, ReactiveStringRedisTemplate.class })
	@ConditionalOnBean(MeterRegistry.class)
	static class ClusterMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(ClusterMetrics.class)
		MicrometerClusterMetrics wsEdgeClusterMetrics(MeterRegistry registry) {
			return new MicrometerClusterMetrics(registry);
		}

	}

}
