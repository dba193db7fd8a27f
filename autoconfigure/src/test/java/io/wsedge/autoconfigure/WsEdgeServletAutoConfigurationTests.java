package io.wsedge.autoconfigure;

import java.time.Duration;
import java.util.List;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.autoconfigure.TomcatServerProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;

import io.wsedge.policy.EdgePolicies;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.server.EdgeDrain;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.server.reactive.WsEdgeHandlerMapping;
import io.wsedge.server.servlet.WsEdgeServletHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WsEdgeServletAutoConfiguration}: the servlet adapter of a Spring MVC application, and when it
 * steps aside.
 */
class WsEdgeServletAutoConfigurationTests {

	private static final String[] ECHO_ROUTE = { "wsedge.routes[0].id=echo", "wsedge.routes[0].path=/ws/echo",
			"wsedge.routes[0].upstream=ws://127.0.0.1:9/echo" };

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WsEdgeAutoConfiguration.class, WsEdgeServletAutoConfiguration.class,
				SslAutoConfiguration.class));

	@Test
	void servletApplicationGetsTheHandlerMappingBeforeItsOwn() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE).run((context) -> {
			assertThat(context).hasSingleBean(EdgeEngine.class)
				.hasSingleBean(EdgeDrain.class)
				.hasSingleBean(WsEdgeServletHandlerMapping.class)
				.doesNotHaveBean(WsEdgeHandlerMapping.class)
				.hasBean("wsEdgeHandshakeTimeout");
			assertThat(context.getBean(WsEdgeServletHandlerMapping.class).getOrder())
				.isEqualTo(WsEdgeServletHandlerMapping.ORDER);
		});
	}

	@Test
	void reactiveApplicationGetsNoServletHandlerMapping() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WsEdgeAutoConfiguration.class,
					WsEdgeServletAutoConfiguration.class, SslAutoConfiguration.class))
			.withPropertyValues(ECHO_ROUTE)
			.run((context) -> assertThat(context).hasSingleBean(WsEdgeHandlerMapping.class)
				.doesNotHaveBean(WsEdgeServletHandlerMapping.class));
	}

	@Test
	void servletApplicationWithoutSpringWebSocketGetsNoHandlerMapping() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withClassLoader(new FilteredClassLoader(StandardWebSocketUpgradeStrategy.class))
			.run((context) -> assertThat(context).hasSingleBean(EdgeEngine.class)
				.doesNotHaveBean(WsEdgeServletHandlerMapping.class));
	}

	@Test
	void disabledEdgeGetsNoHandlerMapping() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withPropertyValues("wsedge.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EdgeRoutes.class)
				.doesNotHaveBean(WsEdgeServletHandlerMapping.class));
	}

	@Test
	void userHandlerMappingReplacesOurs() {
		this.contextRunner.withPropertyValues(ECHO_ROUTE)
			.withBean("customMapping", WsEdgeServletHandlerMapping.class,
					() -> new WsEdgeServletHandlerMapping(new EdgeRoutes(List.of()), new EdgeEngine(List.of()),
							EdgePolicies.NONE))
			.run((context) -> assertThat(context).hasSingleBean(WsEdgeServletHandlerMapping.class)
				.hasBean("customMapping")
				.doesNotHaveBean("wsEdgeServletHandlerMapping"));
	}

	@Test
	void handshakeTimeoutBecomesTomcatsConnectionTimeout() {
		this.contextRunner.withPropertyValues("wsedge.limits.handshake-timeout=3s")
			.run((context) -> assertThat(connectionTimeout(context.getBean("wsEdgeHandshakeTimeout"))).isEqualTo(3000));
	}

	@Test
	void tomcatsOwnConnectionTimeoutWinsOverTheHandshakeTimeout() {
		TomcatServerProperties tomcat = new TomcatServerProperties();
		tomcat.setConnectionTimeout(Duration.ofSeconds(7));
		this.contextRunner.withPropertyValues("wsedge.limits.handshake-timeout=3s")
			.withBean(TomcatServerProperties.class, () -> tomcat)
			.run((context) -> assertThat(connectionTimeout(context.getBean("wsEdgeHandshakeTimeout")))
				.isEqualTo(((AbstractProtocol<?>) new Connector().getProtocolHandler()).getConnectionTimeout()));
	}

	@Test
	void negativeHandshakeTimeoutNamesTheProperty() {
		this.contextRunner.withPropertyValues("wsedge.limits.handshake-timeout=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("wsedge.limits.handshake-timeout");
		});
	}

	@SuppressWarnings("unchecked")
	private static int connectionTimeout(Object customizer) {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
		((WebServerFactoryCustomizer<TomcatServletWebServerFactory>) customizer).customize(factory);
		Connector connector = new Connector();
		factory.getConnectorCustomizers().forEach((connectorCustomizer) -> connectorCustomizer.customize(connector));
		return ((AbstractProtocol<?>) connector.getProtocolHandler()).getConnectionTimeout();
	}

}
