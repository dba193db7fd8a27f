package io.wsedge.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.micrometer.observation.ObservationRegistry;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.reactor.netty.autoconfigure.NettyServerProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.unit.DataSize;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.HandlerMapping;

import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.auth.TokenAuthenticator;
import io.wsedge.api.SessionEndListener;
import io.wsedge.logging.AccessLog;
import io.wsedge.observation.EdgeObservations;
import io.wsedge.observation.MessageObservationConvention;
import io.wsedge.observation.SessionObservationConvention;
import io.wsedge.observation.UpgradeObservationConvention;
import io.wsedge.observation.UpstreamConnectObservationConvention;
import io.wsedge.api.UpgradeInterceptor;
import io.wsedge.api.UpstreamFrameInterceptor;
import io.wsedge.autoconfigure.WsEdgeClosePoliciesProperties.Policy;
import io.wsedge.policy.Cidr;
import io.wsedge.policy.ClientAddressResolver;
import io.wsedge.policy.EdgePolicies;
import io.wsedge.policy.UpstreamPolicy;
import io.wsedge.policy.ClosePolicies;
import io.wsedge.policy.ClosePolicyKind;
import io.wsedge.policy.ClosePolicy;
import io.wsedge.policy.CloseCodes;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.PrincipalLimiter;
import io.wsedge.engine.EdgeMetrics;
import io.wsedge.server.EdgeDrain;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.server.reactive.DecodingFailureHandler;
import io.wsedge.server.reactive.HandshakeTimeoutHandler;
import io.wsedge.server.reactive.UpgradeObservationPredicate;
import io.wsedge.server.reactive.WsEdgeHandlerMapping;

/**
 * Auto-configuration of the WebSocket edge: the engine, the routes of {@code wsedge.routes} with their
 * limits and policies, the drain on shutdown, and the adapter of the application's server stack.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration",
		"org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration",
		"org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "wsedge.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ WsEdgeProperties.class, WsEdgeClosePoliciesProperties.class })
public final class WsEdgeAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EdgeEngine wsEdgeEngine(WsEdgeProperties properties, ObjectProvider<SessionEndListener> listeners,
			ObjectProvider<PrincipalLimiter> principalLimiter) {
		WsEdgeProperties.Limits limits = properties.getLimits();
		WsEdgePropertiesMapper.checkEdgeWide(limits);
		DataSize budget = limits.getMaxTotalBufferedBytes();
		// A quarter of the heap by default: room for the sessions' buffers, and for everything else.
		long maxTotalBufferedBytes = (budget != null) ? budget.toBytes() : Runtime.getRuntime().maxMemory() / 4;
		EdgeEngine engine = new EdgeEngine(listeners.orderedStream().toList(), limits.getMaxConnections(),
				maxTotalBufferedBytes);
		// A PrincipalLimiter bean (one shared by a cluster, say) replaces the per-node counting.
		principalLimiter.ifAvailable(engine::principalLimiter);
		return engine;
	}

	/**
	 * The edge's observations ({@code wsedge.upgrade}, {@code wsedge.upstream.connect}, {@code wsedge.session}) on
	 * the application's {@code ObservationRegistry}, with the convention beans that replace the defaults; none
	 * without a registry.
	 */
	@Bean
	@ConditionalOnMissingBean
	EdgeObservations wsEdgeObservations(WsEdgeProperties properties, ObjectProvider<ObservationRegistry> registry,
			ObjectProvider<UpgradeObservationConvention> upgrade,
			ObjectProvider<UpstreamConnectObservationConvention> connect,
			ObjectProvider<SessionObservationConvention> session,
			ObjectProvider<MessageObservationConvention> message) {
		EdgeObservations observations = new EdgeObservations(registry.getIfAvailable(() -> ObservationRegistry.NOOP),
				upgrade.getIfAvailable(), connect.getIfAvailable(), session.getIfAvailable());
		WsEdgeProperties.Observations settings = properties.getObservations();
		double ratio = settings.getMessagesSamplingRatio();
		if (!(ratio >= 0 && ratio <= 1)) {
			throw new InvalidConfigurationPropertyValueException("wsedge.observations.messages-sampling-ratio", ratio,
					"A share of messages, from 0 (none) to 1 (all).");
		}
		return settings.isMessages() ? observations.withMessages(message.getIfAvailable(), ratio) : observations;
	}

	@Bean
	@ConditionalOnBooleanProperty("wsedge.access-log.enabled")
	AccessLog wsEdgeAccessLog() {
		return new AccessLog();
	}

	@Bean
	@ConditionalOnMissingBean
	EdgePolicies wsEdgePolicies(WsEdgeProperties properties) {
		List<Cidr> trusted = new ArrayList<>();
		List<String> proxies = properties.getTrustedProxies();
		for (int i = 0; i < proxies.size(); i++) {
			try {
				trusted.add(Cidr.parse(proxies.get(i)));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException("wsedge.trusted-proxies[" + i + "]", proxies.get(i),
						"A trusted proxy is an IP address or CIDR block, such as 10.0.0.0/8.");
			}
		}
		return new EdgePolicies(upstreamPolicy(properties), new ClientAddressResolver(trusted));
	}

	private static UpstreamPolicy upstreamPolicy(WsEdgeProperties properties) {
		checkRules(properties.getUpstreamPolicy().getAllow(), "wsedge.upstream-policy.allow");
		checkRules(properties.getUpstreamPolicy().getDeny(), "wsedge.upstream-policy.deny");
		return UpstreamPolicy.of(properties.getUpstreamPolicy().getAllow(), properties.getUpstreamPolicy().getDeny());
	}

	private static void checkRules(List<String> rules, String property) {
		for (int i = 0; i < rules.size(); i++) {
			try {
				UpstreamPolicy.check(rules.get(i));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException(property + "[" + i + "]", rules.get(i),
						ex.getMessage());
			}
		}
	}

	@Bean
	@ConditionalOnMissingBean
	EdgeRoutes wsEdgeRoutes(WsEdgeProperties properties, WsEdgeClosePoliciesProperties closePolicies,
			EdgePolicies policies, ListableBeanFactory beanFactory,
			ObjectProvider<ClientFrameInterceptor> clientInterceptors,
			ObjectProvider<UpstreamFrameInterceptor> upstreamInterceptors,
			ObjectProvider<UpgradeInterceptor> upgradeInterceptors, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<ReactorResourceFactory> resourceFactory, ObjectProvider<EdgeMetrics> metrics,
			ResourceLoader resourceLoader, ObjectProvider<TokenAuthenticator> tokenAuthenticator,
			EdgeObservations observations) {
		WsEdgeRouteFactory.InterceptorBeans interceptors = new WsEdgeRouteFactory.InterceptorBeans();
		interceptors.add(ClientFrameInterceptor.class, clientInterceptors.orderedStream().toList(),
				beanFactory.getBeansOfType(ClientFrameInterceptor.class));
		interceptors.add(UpstreamFrameInterceptor.class, upstreamInterceptors.orderedStream().toList(),
				beanFactory.getBeansOfType(UpstreamFrameInterceptor.class));
		interceptors.add(UpgradeInterceptor.class, upgradeInterceptors.orderedStream().toList(),
				beanFactory.getBeansOfType(UpgradeInterceptor.class));
		return new WsEdgeRouteFactory(properties, closePolicies(closePolicies), policies.upstreams(), interceptors,
				sslBundles.getIfAvailable(), upstreamHttpClient(resourceFactory.getIfAvailable()),
				metrics.getIfAvailable(() -> EdgeMetrics.NONE))
			.resourceLoader(resourceLoader)
			.tokenAuthenticator(tokenAuthenticator.getIfAvailable())
			.observations(observations)
			.build();
	}

	static ClosePolicies closePolicies(WsEdgeClosePoliciesProperties properties) {
		Map<ClosePolicyKind, ClosePolicy> policies = new EnumMap<>(ClosePolicyKind.class);
		for (ClosePolicyKind kind : ClosePolicyKind.values()) {
			policies.put(kind, policy(properties.policy(kind), kind));
		}
		return ClosePolicies.of(policies);
	}

	/**
	 * The engine's policy, whose constructor holds the rules (sendable codes, reasons of at most 123 bytes); a
	 * value that breaks one is reported under its property name.
	 */
	private static ClosePolicy policy(Policy policy, ClosePolicyKind kind) {
		try {
			return new ClosePolicy(policy.getCode(), policy.getReason(), policy.getPeerCode(), policy.getPeerReason());
		}
		catch (IllegalArgumentException ex) {
			String prefix = "wsedge.close-policies." + kind.key() + ".";
			if (!CloseCodes.isSendable(policy.getCode())) {
				throw new InvalidConfigurationPropertyValueException(prefix + "code", policy.getCode(), ex.getMessage());
			}
			if (!CloseCodes.isSendable(policy.getPeerCode())) {
				throw new InvalidConfigurationPropertyValueException(prefix + "peer-code", policy.getPeerCode(),
						ex.getMessage());
			}
			boolean reasonFits = CloseCodes.truncate(policy.getReason()).equals(policy.getReason());
			throw new InvalidConfigurationPropertyValueException(prefix + (reasonFits ? "peer-reason" : "reason"),
					reasonFits ? policy.getPeerReason() : policy.getReason(), ex.getMessage());
		}
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
	@ConditionalOnWebApplication
	static class DrainConfiguration {

		@Bean
		@ConditionalOnMissingBean
		EdgeDrain wsEdgeDrain(EdgeEngine engine, WsEdgeProperties properties) {
			Duration timeout = properties.getShutdown().getDrainTimeout();
			if (timeout == null || timeout.isNegative()) {
				throw new InvalidConfigurationPropertyValueException("wsedge.shutdown.drain-timeout", timeout,
						"Must be 0 or a positive duration, such as 10s.");
			}
			return new EdgeDrain(engine, timeout);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass(HandlerMapping.class)
	static class ReactiveServerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WsEdgeHandlerMapping wsEdgeHandlerMapping(EdgeRoutes routes, EdgeEngine engine, EdgePolicies policies,
				EdgeObservations observations) {
			return new WsEdgeHandlerMapping(routes, engine, policies, observations);
		}

		/**
		 * Boot's observation registry applies every {@code ObservationPredicate} bean; this one keeps the
		 * upgrades on the edge's routes out of {@code http.server.requests}.
		 */
		@Bean
		@ConditionalOnMissingBean
		UpgradeObservationPredicate wsEdgeUpgradeObservationPredicate(ObjectProvider<EdgeRoutes> routes) {
			return new UpgradeObservationPredicate(routes::getObject);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass(NettyServerCustomizer.class)
	static class ReactorNettyServerConfiguration {

		/**
		 * Every request's head within {@code wsedge.limits.handshake-timeout} (see
		 * {@link HandshakeTimeoutHandler}), and the same time as Reactor Netty's idle timeout of connections
		 * between requests unless {@code server.netty.idle-timeout} is set, which Boot applies then. Upgraded
		 * connections are subject to neither.
		 */
		@Bean
		NettyServerCustomizer wsEdgeHandshakeTimeout(WsEdgeProperties properties,
				ObjectProvider<NettyServerProperties> nettyProperties) {
			Duration timeout = properties.getLimits().getHandshakeTimeout();
			if (timeout == null || timeout.isNegative()) {
				throw new InvalidConfigurationPropertyValueException("wsedge.limits.handshake-timeout", timeout,
						"Must be 0 (off) or a positive duration, such as 10s.");
			}
			if (timeout.isZero()) {
				return (server) -> server;
			}
			NettyServerProperties netty = nettyProperties.getIfAvailable();
			boolean idleTimeout = netty == null || netty.getIdleTimeout() == null;
			long nanos = timeout.toNanos();
			return (server) -> {
				HttpServer timed = server.doOnChannelInit((observer, channel, address) -> channel.pipeline()
					.addBefore(NettyPipeline.ReactiveBridge, HandshakeTimeoutHandler.NAME,
							new HandshakeTimeoutHandler(nanos)));
				return idleTimeout ? timed.idleTimeout(timeout) : timed;
			};
		}

		@Bean
		NettyServerCustomizer wsEdgeDecodingFailures() {
			// Only where the HTTP/1.1 codec is in place at init; otherwise Reactor Netty answers on its own.
			return (server) -> server.doOnChannelInit((observer, channel, address) -> {
				if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
					channel.pipeline()
						.addAfter(NettyPipeline.HttpCodec, DecodingFailureHandler.NAME, new DecodingFailureHandler());
				}
			});
		}

	}

}
