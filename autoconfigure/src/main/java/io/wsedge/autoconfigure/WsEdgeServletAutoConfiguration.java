package io.wsedge.autoconfigure;

import java.time.Duration;

import org.apache.coyote.AbstractProtocol;
import org.apache.tomcat.websocket.WsSession;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.tomcat.autoconfigure.TomcatServerProperties;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;

import io.wsedge.policy.EdgePolicies;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.observation.EdgeObservations;
import io.wsedge.server.servlet.ServletUpgradeObservationPredicate;
import io.wsedge.server.servlet.WsEdgeServletHandlerMapping;

/**
 * Auto-configuration of the edge on the servlet stack: Spring MVC on Tomcat with Spring's WebSocket support
 * ({@code spring-boot-starter-websocket}). The client leg runs on Tomcat; the engine, the routes and the
 * upstream leg (Reactor Netty) are those of {@link WsEdgeAutoConfiguration}.
 */
@AutoConfiguration(after = WsEdgeAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ DispatcherServlet.class, StandardWebSocketUpgradeStrategy.class, WsSession.class })
@ConditionalOnBean(EdgeRoutes.class)
public final class WsEdgeServletAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WsEdgeServletHandlerMapping wsEdgeServletHandlerMapping(EdgeRoutes routes, EdgeEngine engine,
			EdgePolicies policies, ObjectProvider<EdgeObservations> observations) {
		return new WsEdgeServletHandlerMapping(routes, engine, policies,
				observations.getIfAvailable(() -> EdgeObservations.NOOP));
	}

	/**
	 * Boot's observation registry applies every {@code ObservationPredicate} bean; this one keeps the upgrades on
	 * the edge's routes out of {@code http.server.requests} (they are observed as {@code wsedge.upgrade}).
	 */
	@Bean
	@ConditionalOnMissingBean
	ServletUpgradeObservationPredicate wsEdgeServletUpgradeObservationPredicate(ObjectProvider<EdgeRoutes> routes) {
		return new ServletUpgradeObservationPredicate(routes::getObject);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ConfigurableTomcatWebServerFactory.class)
	static class TomcatServerConfiguration {

		/**
		 * Tomcat's connection timeout is how long it waits for a connection's request line and headers, which
		 * is what {@code wsedge.limits.handshake-timeout} bounds; {@code server.tomcat.connection-timeout} wins
		 * when set. Tomcat also uses it as the keep-alive timeout unless {@code server.tomcat.keep-alive-timeout}
		 * is set, and never for upgraded connections.
		 */
		@Bean
		WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> wsEdgeHandshakeTimeout(
				WsEdgeProperties properties, ObjectProvider<TomcatServerProperties> tomcatProperties) {
			Duration timeout = properties.getLimits().getHandshakeTimeout();
			if (timeout == null || timeout.isNegative()) {
				throw new InvalidConfigurationPropertyValueException("wsedge.limits.handshake-timeout", timeout,
						"Must be 0 (off) or a positive duration, such as 10s.");
			}
			TomcatServerProperties tomcat = tomcatProperties.getIfAvailable();
			if (timeout.isZero() || (tomcat != null && tomcat.getConnectionTimeout() != null)) {
				return (factory) -> {
				};
			}
			int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
			return (factory) -> factory.addConnectorCustomizers((connector) -> {
				if (connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol) {
					protocol.setConnectionTimeout(millis);
				}
			});
		}

	}

}
