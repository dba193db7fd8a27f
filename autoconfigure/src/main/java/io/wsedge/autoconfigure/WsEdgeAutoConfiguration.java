package io.wsedge.autoconfigure;

import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.HandlerMapping;

import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.api.SessionEndListener;
import io.wsedge.api.UpgradeInterceptor;
import io.wsedge.api.UpstreamFrameInterceptor;
import io.wsedge.proxy.EdgeEngine;
import io.wsedge.proxy.EdgeMetrics;
import io.wsedge.server.ServerRoutes;
import io.wsedge.server.reactive.WsEdgeHandlerMapping;

/**
 * Auto-configuration of the WebSocket edge: the engine, the routes of {@code wsedge.routes}, and the adapter
 * of the application's server stack.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration",
		"org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration",
		"org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "wsedge.enabled", matchIfMissing = true)
@EnableConfigurationProperties(WsEdgeProperties.class)
public final class WsEdgeAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EdgeEngine wsEdgeEngine(ObjectProvider<SessionEndListener> listeners) {
		return new EdgeEngine(listeners.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	ServerRoutes wsEdgeRoutes(WsEdgeProperties properties, ListableBeanFactory beanFactory,
			ObjectProvider<ClientFrameInterceptor> clientInterceptors,
			ObjectProvider<UpstreamFrameInterceptor> upstreamInterceptors,
			ObjectProvider<UpgradeInterceptor> upgradeInterceptors, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<ReactorResourceFactory> resourceFactory, ObjectProvider<EdgeMetrics> metrics) {
		WsEdgeRouteFactory.InterceptorBeans interceptors = new WsEdgeRouteFactory.InterceptorBeans();
		interceptors.add(ClientFrameInterceptor.class, clientInterceptors.orderedStream().toList(),
				beanFactory.getBeansOfType(ClientFrameInterceptor.class));
		interceptors.add(UpstreamFrameInterceptor.class, upstreamInterceptors.orderedStream().toList(),
				beanFactory.getBeansOfType(UpstreamFrameInterceptor.class));
		interceptors.add(UpgradeInterceptor.class, upgradeInterceptors.orderedStream().toList(),
				beanFactory.getBeansOfType(UpgradeInterceptor.class));
		return new WsEdgeRouteFactory(properties, interceptors, sslBundles.getIfAvailable(),
				upstreamHttpClient(resourceFactory.getIfAvailable()), metrics.getIfAvailable(() -> EdgeMetrics.NONE))
			.build();
	}

	/**
	 * The client for upstream connections: no pooling, as an upgraded connection never goes back to a pool,
	 * and the server's event loops, so that an upstream connection dialled from a client's event loop lands on
	 * that same loop (Reactor Netty's colocation) and a session runs on one thread.
	 */
	private static HttpClient upstreamHttpClient(ReactorResourceFactory resourceFactory) {
		HttpClient client = HttpClient.create(ConnectionProvider.newConnection());
		if (resourceFactory != null && resourceFactory.getLoopResources() != null) {
			client = client.runOn(resourceFactory.getLoopResources());
		}
		return client;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass(HandlerMapping.class)
	static class ReactiveServerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WsEdgeHandlerMapping wsEdgeHandlerMapping(ServerRoutes routes, EdgeEngine engine) {
			return new WsEdgeHandlerMapping(routes, engine);
		}

	}

}
