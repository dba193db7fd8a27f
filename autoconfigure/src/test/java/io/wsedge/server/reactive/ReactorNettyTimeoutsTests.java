package io.wsedge.server.reactive;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.reactor.netty.autoconfigure.NettyServerProperties;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import io.wsedge.autoconfigure.WsEdgeAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Reactor Netty server's idle timeout between requests: the handshake timeout unless
 * {@code server.netty.idle-timeout} is set, which Boot applies itself then.
 */
class ReactorNettyTimeoutsTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WsEdgeAutoConfiguration.class, SslAutoConfiguration.class))
		.withUserConfiguration(NettyProperties.class);

	@Test
	void handshakeTimeoutIsTheIdleTimeoutByDefault() {
		this.contextRunner.withPropertyValues("wsedge.limits.handshake-timeout=3s")
			.run((context) -> assertThat(idleTimeout(context.getBean("wsEdgeHandshakeTimeout")))
				.isEqualTo(Duration.ofSeconds(3)));
	}

	@Test
	void nettysOwnIdleTimeoutIsLeftToBoot() {
		this.contextRunner.withPropertyValues("wsedge.limits.handshake-timeout=3s", "server.netty.idle-timeout=1m")
			.run((context) -> assertThat(idleTimeout(context.getBean("wsEdgeHandshakeTimeout"))).isNull());
	}

	@Test
	void zeroHandshakeTimeoutSetsNoTimeout() {
		this.contextRunner.withPropertyValues("wsedge.limits.handshake-timeout=0")
			.run((context) -> assertThat(idleTimeout(context.getBean("wsEdgeHandshakeTimeout"))).isNull());
	}

	private static Duration idleTimeout(Object customizer) {
		return ((NettyServerCustomizer) customizer).apply(HttpServer.create()).configuration().idleTimeout();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(NettyServerProperties.class)
	static class NettyProperties {

	}

}
