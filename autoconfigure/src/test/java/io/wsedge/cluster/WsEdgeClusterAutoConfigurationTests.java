package io.wsedge.cluster;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import org.springframework.boot.test.context.FilteredClassLoader;

import io.wsedge.actuate.WsEdgeSessionsEndpoint;
import io.wsedge.api.EdgeMessenger;
import io.wsedge.autoconfigure.WsEdgeAutoConfiguration;
import io.wsedge.autoconfigure.WsEdgeClusterAutoConfiguration;
import io.wsedge.autoconfigure.WsEdgeSessionsEndpointAutoConfiguration;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.LocalSessions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WsEdgeClusterAutoConfiguration} in a context: off unless enabled (the messenger then reaches this
 * edge's sessions), on with Redis, and a startup failure naming the property for what cannot work. The Redis
 * behind the enabled contexts is not running: nothing here waits on it.
 */
class WsEdgeClusterAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WsEdgeAutoConfiguration.class, DataRedisAutoConfiguration.class,
				DataRedisReactiveAutoConfiguration.class, WsEdgeClusterAutoConfiguration.class))
		// A port nothing listens on.
		.withPropertyValues("spring.data.redis.port=1", "spring.data.redis.host=127.0.0.1");

	@Test
	void offByDefaultWithAMessengerForThisEdgesSessions() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(RedisEdgeCluster.class);
			assertThat(context).getBean(EdgeMessenger.class).isInstanceOf(LocalSessions.class);
			assertThat(context.getBean(EdgeEngine.class).cluster()).isNull();
		});
	}

	@Test
	void enabledJoinsTheEngineToTheCluster() {
		this.runner.withPropertyValues("wsedge.cluster.enabled=true", "wsedge.cluster.instance-id=edge-1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RedisEdgeCluster cluster = context.getBean(RedisEdgeCluster.class);
				assertThat(cluster.instanceId()).isEqualTo("edge-1");
				assertThat(context.getBean(EdgeEngine.class).cluster()).isSameAs(cluster);
				assertThat(context).getBean(EdgeMessenger.class).isInstanceOf(ClusterCommands.class);
				assertThat(context.getBean(EdgeEngine.class).principalLimiter()).isInstanceOf(ClusterRateLimiter.class);
			});
	}

	@Test
	void aUserMessengerWins() {
		EdgeMessenger own = new LocalSessions(new EdgeEngine(java.util.List.of()));
		this.runner.withPropertyValues("wsedge.cluster.enabled=true")
			.withBean(EdgeMessenger.class, () -> own)
			.run((context) -> assertThat(context).getBean(EdgeMessenger.class).isSameAs(own));
	}

	@Test
	void withoutSpringDataRedisTheEdgeRunsAndClusterModeFailsStartupNamingTheProperty() {
		ReactiveWebApplicationContextRunner withoutRedis = new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WsEdgeAutoConfiguration.class, WsEdgeClusterAutoConfiguration.class,
					WsEdgeSessionsEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=wsedgesessions")
			.withClassLoader(new FilteredClassLoader("org.springframework.data.redis", "io.lettuce"));
		withoutRedis.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean(EdgeMessenger.class).isInstanceOf(LocalSessions.class);
			assertThat(context).hasSingleBean(WsEdgeSessionsEndpoint.class);
		});
		withoutRedis.withPropertyValues("wsedge.cluster.enabled=true")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("wsedge.cluster.enabled")
				.hasMessageContaining("spring-boot-starter-data-redis-reactive"));
	}

	@Test
	void withoutARedisConnectionStartupFailsNamingTheProperty() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WsEdgeAutoConfiguration.class, WsEdgeClusterAutoConfiguration.class))
			.withPropertyValues("wsedge.cluster.enabled=true")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("wsedge.cluster.enabled"));
	}

	@Test
	void invalidSettingsFailStartupNamingTheProperty() {
		assertFails("wsedge.cluster.lease-time=0s", "wsedge.cluster.lease-time");
		assertFails("wsedge.cluster.timeout=0ms", "wsedge.cluster.timeout");
		assertFails("wsedge.cluster.operation-timeout=0s", "wsedge.cluster.operation-timeout");
		assertFails("wsedge.cluster.token-batch=-1", "wsedge.cluster.token-batch");
		assertFails("wsedge.cluster.messages-per-second-per-client=-1",
				"wsedge.cluster.messages-per-second-per-client");
		assertFails("wsedge.cluster.key-prefix=", "wsedge.cluster.key-prefix");
		assertFails("wsedge.cluster.instance-id=a b", "wsedge.cluster.instance-id");
	}

	private void assertFails(String setting, String property) {
		this.runner.withPropertyValues("wsedge.cluster.enabled=true", setting)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining(property));
	}

}
