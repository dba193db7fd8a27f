package io.wsedge.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import com.networknt.schema.Schema;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.api.MessageMode;
import io.wsedge.api.UpgradeInterceptor;
import io.wsedge.api.UpstreamFrameInterceptor;
import io.wsedge.autoconfigure.WsEdgeProperties.Interceptors;
import io.wsedge.auth.RouteAuth;
import io.wsedge.auth.TokenAuthenticator;
import io.wsedge.autoconfigure.WsEdgeProperties.Auth;
import io.wsedge.autoconfigure.WsEdgeProperties.DirectionValidation;
import io.wsedge.autoconfigure.WsEdgeProperties.Route;
import io.wsedge.autoconfigure.WsEdgeProperties.Validation;
import io.wsedge.autoconfigure.WsEdgeProperties.ValidationAction;
import io.wsedge.autoconfigure.WsEdgeProperties.UpstreamTarget;
import io.wsedge.engine.pool.PoolTarget;
import io.wsedge.engine.pool.ServiceTarget;
import io.wsedge.engine.pool.UpstreamPool;
import io.wsedge.policy.OriginPolicy;
import io.wsedge.policy.UpstreamPolicy;
import io.wsedge.policy.ClosePolicies;
import io.wsedge.engine.EdgeRoute;
import io.wsedge.policy.Limits;
import io.wsedge.engine.MessageValidator;
import io.wsedge.engine.NamedInterceptor;
import io.wsedge.engine.EdgeMetrics;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.engine.Side;
import io.wsedge.netty.UpstreamConnector;
import io.wsedge.observation.EdgeObservations;
import io.wsedge.validation.JsonSchemaValidator;
import io.wsedge.validation.JsonSchemas;

/**
 * Turns {@code wsedge.routes} into the engine's routes, checking every value on the way: a bad value stops
 * the application with a message that names the property, the value and what is allowed.
 */
final class WsEdgeRouteFactory {

	private static final Log logger = LogFactory.getLog(WsEdgeRouteFactory.class);

	private static final String DISCOVERY_CLIENT = "org.springframework.cloud.client.discovery.DiscoveryClient";

	private final WsEdgeProperties properties;

	private final InterceptorBeans interceptors;

	private final SslBundles sslBundles;

	private final HttpClient httpClient;

	private final EdgeMetrics metrics;

	private final ClosePolicies closePolicies;

	private final UpstreamPolicy upstreamPolicy;

	private ResourceLoader resourceLoader = new DefaultResourceLoader();

	private TokenAuthenticator tokenAuthenticator;

	private EdgeObservations observations = EdgeObservations.NOOP;

	WsEdgeRouteFactory(WsEdgeProperties properties, ClosePolicies closePolicies, UpstreamPolicy upstreamPolicy,
			InterceptorBeans interceptors, SslBundles sslBundles, HttpClient httpClient, EdgeMetrics metrics) {
		this.properties = properties;
		this.closePolicies = closePolicies;
		this.upstreamPolicy = upstreamPolicy;
		this.interceptors = interceptors;
		this.sslBundles = sslBundles;
		this.httpClient = httpClient;
		this.metrics = metrics;
	}

	/**
	 * Sets where schema locations ({@code classpath:}, {@code file:}) are read from.
	 * @param resourceLoader the application's resource loader
	 * @return this factory
	 */
	WsEdgeRouteFactory resourceLoader(ResourceLoader resourceLoader) {
		this.resourceLoader = resourceLoader;
		return this;
	}

	/**
	 * Sets what authenticates bearer tokens at the upgrade (Spring Security's resource server, when present).
	 * @param tokenAuthenticator the authenticator, or {@code null} for none
	 * @return this factory
	 */
	WsEdgeRouteFactory tokenAuthenticator(TokenAuthenticator tokenAuthenticator) {
		this.tokenAuthenticator = tokenAuthenticator;
		return this;
	}

	/**
	 * Sets the observations each route's connector reports its dial attempts to.
	 * @param observations the edge's observations
	 * @return this factory
	 */
	WsEdgeRouteFactory observations(EdgeObservations observations) {
		this.observations = observations;
		return this;
	}

	EdgeRoutes build() {
		checkGlobal();
		originPolicy(this.properties.getAllowedOrigins(), "wsedge.allowed-origins");
		if (StringUtils.hasText(this.properties.getSslBundle())) {
			client(new Route(), "wsedge");
		}
		List<EdgeRoute> routes = new ArrayList<>();
		Map<String, Integer> ids = new HashMap<>();
		Map<String, Integer> paths = new HashMap<>();
		List<Route> configured = this.properties.getRoutes();
		for (int i = 0; i < configured.size(); i++) {
			Route route = configured.get(i);
			String prefix = "wsedge.routes[" + i + "]";
			String id = route.getId();
			if (!StringUtils.hasText(id)) {
				throw new InvalidConfigurationPropertyValueException(prefix + ".id", id, "Every route needs an id.");
			}
			Integer previousId = ids.putIfAbsent(id, i);
			if (previousId != null) {
				throw new WsEdgeConfigurationException("wsedge.routes[" + previousId + "].id", prefix + ".id", id,
						"Route ids must be unique.");
			}
			PathPattern pattern = parsePath(prefix + ".path", route.getPath());
			Integer previousPath = paths.putIfAbsent(pattern.getPatternString(), i);
			if (previousPath != null) {
				throw new WsEdgeConfigurationException("wsedge.routes[" + previousPath + "].path", prefix + ".path",
						route.getPath(), "Two routes may not serve the same path.");
			}
			List<ServiceTarget> services = new ArrayList<>();
			List<PoolTarget> targets = targets(route, prefix, services);
			URI upstream;
			if (targets == null) {
				upstream = checkAllowed(prefix + ".upstream", checkUpstream(prefix + ".upstream", route.getUpstream()));
			}
			else {
				// What logs show for the route: its first target, configured or named by a service id.
				upstream = targets.isEmpty() ? services.get(0).template() : targets.get(0).uri();
			}
			if (route.getMaxConnections() < 0) {
				throw new InvalidConfigurationPropertyValueException(prefix + ".max-connections",
						route.getMaxConnections(), "Must be 0 (no cap) or positive.");
			}
			Limits limits = WsEdgePropertiesMapper.limits(this.properties.getLimits(), route.getLimits(),
					prefix + ".limits");
			List<String> origins = route.getAllowedOrigins().isEmpty() ? this.properties.getAllowedOrigins()
					: route.getAllowedOrigins();
			OriginPolicy originPolicy = originPolicy(origins,
					route.getAllowedOrigins().isEmpty() ? "wsedge.allowed-origins" : prefix + ".allowed-origins");
			List<NamedInterceptor> clientInterceptors = this.interceptors.select(ClientFrameInterceptor.class,
					route.getInterceptors(), prefix, this.metrics);
			List<NamedInterceptor> upstreamInterceptors = this.interceptors.select(UpstreamFrameInterceptor.class,
					route.getInterceptors(), prefix, this.metrics);
			List<InterceptorBeans.Named<?>> upgradeInterceptors = this.interceptors
				.selected(UpgradeInterceptor.class, route.getInterceptors(), prefix);
			EdgeRoute edgeRoute = new EdgeRoute(id, route.getPath(), upstream, limits, this.closePolicies,
					clientInterceptors, upstreamInterceptors,
					upgradeInterceptors.stream().map((named) -> (UpgradeInterceptor) named.bean()).toList(),
					this.metrics.route(id), route.getMaxConnections(), originPolicy);
			edgeRoute.upgradeChainNames(upgradeInterceptors.stream().map(InterceptorBeans.Named::name).toList());
			edgeRoute.compression(
					WsEdgePropertiesMapper.compression(this.properties.getCompression().getClient(),
							route.getCompression().getClient(), prefix + ".compression.client"),
					WsEdgePropertiesMapper.compression(this.properties.getCompression().getUpstream(),
							route.getCompression().getUpstream(), prefix + ".compression.upstream"));
			edgeRoute.auth(auth(route.getAuth(), prefix + ".auth"));
			Validation validation = route.getValidation();
			edgeRoute.validation(validator(validation, validation.getClient(), prefix + ".validation"),
					validator(validation, validation.getUpstream(), prefix + ".validation"));
			edgeRoute.compressedPassThrough(
					WsEdgePropertiesMapper.passThrough(this.properties.getCompression(), route.getCompression()));
			if (targets != null) {
				edgeRoute.pool(new UpstreamPool(id, targets, services,
						WsEdgePropertiesMapper.loadBalancing(route.getLoadBalancer(), prefix + ".load-balancer"),
						this.metrics.pool(id)));
			}
			routes.add(edgeRoute.dialer(new UpstreamConnector(client(route, prefix), this.upstreamPolicy,
					this.observations)));
			logRoute(edgeRoute, route.getInterceptors(), prefix);
		}
		return new EdgeRoutes(routes);
	}

	private URI checkAllowed(String name, URI upstream) {
		String refused = this.upstreamPolicy.refusalResolving(upstream);
		if (refused != null) {
			throw new InvalidConfigurationPropertyValueException(name, upstream,
					"The upstream is outside wsedge.upstream-policy: " + refused + " (allow "
							+ this.properties.getUpstreamPolicy().getAllow() + ", deny "
							+ this.properties.getUpstreamPolicy().getDeny() + ").");
		}
		return upstream;
	}

	/**
	 * The targets of a route with {@code upstreams}, each checked as an {@code upstream} is; {@code null} for a
	 * route with one upstream. Targets named {@code lb://service-id} go to {@code services}.
	 */
	private List<PoolTarget> targets(Route route, String prefix, List<ServiceTarget> services) {
		List<UpstreamTarget> configured = route.getUpstreams();
		if (route.getUpstream() != null && !configured.isEmpty()) {
			throw new WsEdgeConfigurationException(prefix + ".upstream", prefix + ".upstreams", configured.size()
					+ " targets", "A route has either one upstream or a list of upstreams, not both.");
		}
		if (configured.isEmpty()) {
			return null;
		}
		List<PoolTarget> targets = new ArrayList<>(configured.size());
		Map<String, Integer> seen = new HashMap<>();
		for (int i = 0; i < configured.size(); i++) {
			UpstreamTarget target = configured.get(i);
			String name = prefix + ".upstreams[" + i + "]";
			if (target.getWeight() <= 0) {
				throw new InvalidConfigurationPropertyValueException(name + ".weight", target.getWeight(),
						"A weight is a positive whole number, such as 1 (the default) or 3.");
			}
			if (target.getMaxConnections() < 0) {
				throw new InvalidConfigurationPropertyValueException(name + ".max-connections",
						target.getMaxConnections(), "Must be 0 (no cap) or positive.");
			}
			String scheme = target.getScheme();
			if (scheme != null && !scheme.equals("ws") && !scheme.equals("wss")) {
				throw new InvalidConfigurationPropertyValueException(name + ".scheme", scheme,
						"ws or wss, or unset to take it from each instance.");
			}
			String id;
			if (target.getUri() != null && "lb".equalsIgnoreCase(target.getUri().getScheme())) {
				ServiceTarget service = service(target, name);
				services.add(service);
				id = EdgeRoute.describe(service.template());
			}
			else {
				if (scheme != null) {
					throw new InvalidConfigurationPropertyValueException(name + ".scheme", scheme,
							"Only an lb://service-id upstream takes a scheme; give this one in its uri.");
				}
				URI uri = checkAllowed(name + ".uri", checkUpstream(name + ".uri", target.getUri()));
				PoolTarget poolTarget = PoolTarget.of(uri, target.getWeight(), target.getMaxConnections());
				targets.add(poolTarget);
				id = poolTarget.id();
			}
			Integer previous = seen.putIfAbsent(id, i);
			if (previous != null) {
				throw new WsEdgeConfigurationException(prefix + ".upstreams[" + previous + "].uri", name + ".uri", id,
						"The upstreams of a route must differ (their query aside).");
			}
		}
		return targets;
	}

	private static ServiceTarget service(UpstreamTarget target, String name) {
		URI uri = target.getUri();
		if (!ClassUtils.isPresent(DISCOVERY_CLIENT, WsEdgeRouteFactory.class.getClassLoader())) {
			throw new InvalidConfigurationPropertyValueException(name + ".uri", uri,
					"An lb://service-id upstream needs Spring Cloud Commons and a discovery client on the class "
							+ "path, such as org.springframework.cloud:spring-cloud-commons.");
		}
		String serviceId = (uri.getHost() != null) ? uri.getHost() : uri.getAuthority();
		if (!StringUtils.hasText(serviceId) || uri.getPort() != -1 || uri.getUserInfo() != null) {
			throw new InvalidConfigurationPropertyValueException(name + ".uri", uri,
					"An lb:// upstream names a service id and no port, such as lb://chat-service/ws.");
		}
		return new ServiceTarget(serviceId, uri, target.getScheme(), target.getWeight(), target.getMaxConnections(),
				name + ".uri");
	}

	/**
	 * One line per route at startup: where it goes, its effective limits and compression, and the interceptors
	 * that run on it, because an interceptor bean runs on every route unless the route names its interceptors
	 * ({@code include}) or leaves some out ({@code exclude}), which surprises new users. The upstream is shown
	 * without its query, which may carry credentials. The {@code wsedgeroutes} endpoint shows the same in full.
	 */
	private static void logRoute(EdgeRoute route, Interceptors selection, String prefix) {
		if (!logger.isInfoEnabled()) {
			return;
		}
		String scope;
		if (!selection.getInclude().isEmpty()) {
			scope = "those named in " + prefix + ".interceptors.include";
		}
		else {
			scope = "every interceptor bean (the default; " + prefix + ".interceptors.include or .exclude narrows it)";
		}
		if (!selection.getExclude().isEmpty()) {
			scope += ", except " + selection.getExclude();
		}
		List<String> targets = route.upstreamTargets();
		Limits limits = route.limits();
		logger.info("Route '" + route.id() + "' (" + route.path() + " -> "
				+ ((targets.size() == 1) ? targets.get(0) : targets.toString()) + ") runs " + scope + ": upgrade "
				+ route.upgradeChainNames() + ", client frames " + route.chainNames(Side.CLIENT) + ", upstream frames "
				+ route.chainNames(Side.UPSTREAM) + "; limits max-payload-size=" + size(limits.maxPayloadSize())
				+ " upstream-max-payload-size=" + size(limits.upstreamMaxPayloadSize()) + " max-frame-size="
				+ size(limits.maxFrameSize()) + " max-connections="
				+ ((route.maxConnections() > 0) ? route.maxConnections() : "none") + " connect-timeout="
				+ duration(limits.connectTimeout()) + " idle-timeout=" + duration(limits.idleTimeout())
				+ " ping-interval=" + duration(limits.pingInterval()) + " messages-per-second="
				+ ((limits.messagesPerSecond() > 0) ? limits.messagesPerSecond() + " ("
						+ (limits.dropOverRate() ? "drop" : "close") + ")" : "off")
				+ "; compression client=" + (route.compression(Side.CLIENT).enabled() ? "on" : "off") + " upstream="
				+ (route.compression(Side.UPSTREAM).enabled() ? "on" : "off"));
	}

	private static String size(long bytes) {
		if (bytes > 0 && bytes % (1024 * 1024) == 0) {
			return (bytes / (1024 * 1024)) + "MB";
		}
		return (bytes > 0 && bytes % 1024 == 0) ? (bytes / 1024) + "KB" : bytes + "B";
	}

	private static String duration(Duration duration) {
		if (duration.isZero()) {
			return "off";
		}
		long millis = duration.toMillis();
		if (millis % 60_000 == 0) {
			return (millis / 60_000) + "m";
		}
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

	private RouteAuth auth(Auth auth, String prefix) {
		String parameter = StringUtils.hasText(auth.getQueryParameter()) ? auth.getQueryParameter().trim() : null;
		String marker = StringUtils.hasText(auth.getSubprotocolMarker()) ? auth.getSubprotocolMarker().trim() : null;
		if (marker != null && !marker.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".subprotocol-marker", marker,
					"A subprotocol is an HTTP token (RFC 6455 §4.1), such as access_token.");
		}
		List<String> authorities = auth.getAuthorities().stream().filter(StringUtils::hasText).map(String::trim).toList();
		if (this.tokenAuthenticator == null) {
			String needs = "Needs Spring Security's OAuth2 resource server with a JWT decoder "
					+ "(spring-boot-starter-security-oauth2-resource-server and spring.security.oauth2.resourceserver.jwt.*).";
			if (parameter != null) {
				throw new InvalidConfigurationPropertyValueException(prefix + ".query-parameter", parameter, needs);
			}
			if (marker != null) {
				throw new InvalidConfigurationPropertyValueException(prefix + ".subprotocol-marker", marker, needs);
			}
			if (!authorities.isEmpty()) {
				throw new InvalidConfigurationPropertyValueException(prefix + ".authorities", authorities, needs);
			}
		}
		return new RouteAuth(auth.isRequired(), authorities, parameter, marker, this.tokenAuthenticator);
	}

	/**
	 * The check of one direction, its schema compiled now so that a missing or broken schema fails startup.
	 * @return the validator, or {@code null} when the direction is not validated
	 */
	private MessageValidator validator(Validation validation, DirectionValidation direction, String prefix) {
		String location = direction.getSchema();
		if (!StringUtils.hasText(location) && direction.isAllowBinary()) {
			return null;
		}
		if (validation.getMaxNestingDepth() < 1) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".max-nesting-depth",
					validation.getMaxNestingDepth(), "Must be at least 1, such as 64.");
		}
		String side = (direction == validation.getClient()) ? ".client" : ".upstream";
		Schema schema = null;
		if (StringUtils.hasText(location)) {
			String name = prefix + side + ".schema";
			Resource resource = this.resourceLoader.getResource(location);
			if (!resource.exists()) {
				throw new InvalidConfigurationPropertyValueException(name, location,
						"No schema at this location; use classpath:schemas/name.json or file:/path/name.json.");
			}
			try (InputStream in = resource.getInputStream()) {
				schema = JsonSchemas.compile(in);
			}
			catch (IOException ex) {
				throw new InvalidConfigurationPropertyValueException(name, location,
						"The schema cannot be read: " + ex.getMessage());
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException(name, location, ex.getMessage());
			}
		}
		return new JsonSchemaValidator(schema, validation.getMaxNestingDepth(), direction.isAllowBinary(),
				direction.getAction() == ValidationAction.DROP);
	}

	private static PathPattern parsePath(String name, String path) {
		if (!StringUtils.hasText(path) || !path.startsWith("/")) {
			throw new InvalidConfigurationPropertyValueException(name, path,
					"A route path is an absolute path such as /ws/echo, or a pattern such as /ws/chat/**.");
		}
		try {
			return PathPatternParser.defaultInstance.parse(path);
		}
		catch (PatternParseException ex) {
			throw new InvalidConfigurationPropertyValueException(name, path,
					"Not a valid path pattern: " + ex.getMessage());
		}
	}

	static URI checkUpstream(String name, URI upstream) {
		if (upstream == null) {
			throw new InvalidConfigurationPropertyValueException(name, null,
					"Every route needs an upstream ws:// or wss:// URI, or a list of them under upstreams.");
		}
		String scheme = upstream.getScheme();
		if (!upstream.isAbsolute() || !("ws".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme))
				|| upstream.getHost() == null) {
			throw new InvalidConfigurationPropertyValueException(name, upstream,
					"The upstream must be an absolute ws:// or wss:// URI with a host, such as ws://chat:8080/ws.");
		}
		return upstream;
	}

	private OriginPolicy originPolicy(List<String> origins, String property) {
		for (int i = 0; i < origins.size(); i++) {
			String origin = origins.get(i);
			if (!origin.equals("*") && !origin.matches("[a-zA-Z][a-zA-Z0-9+.-]*://[^/]+")) {
				throw new InvalidConfigurationPropertyValueException(property + "[" + i + "]", origin,
						"An origin is scheme://host[:port], such as https://app.example.com, with * allowed in the "
								+ "host (https://*.example.com) or port (http://localhost:[*]).");
			}
		}
		return OriginPolicy.of(origins, this.properties.isRequireOrigin());
	}

	/** The global settings are checked even when no route uses them yet. */
	private void checkGlobal() {
		WsEdgePropertiesMapper.checkEdgeWide(this.properties.getLimits());
		WsEdgePropertiesMapper.limits(this.properties.getLimits(), null, "wsedge.limits");
		WsEdgePropertiesMapper.compression(this.properties.getCompression().getClient(), null,
				"wsedge.compression.client");
		WsEdgePropertiesMapper.compression(this.properties.getCompression().getUpstream(), null,
				"wsedge.compression.upstream");
	}

	private HttpClient client(Route route, String prefix) {
		boolean own = StringUtils.hasText(route.getSslBundle());
		String bundleName = own ? route.getSslBundle() : this.properties.getSslBundle();
		if (!StringUtils.hasText(bundleName)) {
			return this.httpClient;
		}
		String property = own ? prefix + ".ssl-bundle" : "wsedge.ssl-bundle";
		if (this.sslBundles == null) {
			throw new InvalidConfigurationPropertyValueException(property, bundleName,
					"SSL bundles are not available in this application.");
		}
		SslBundle bundle;
		try {
			bundle = this.sslBundles.getBundle(bundleName);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidConfigurationPropertyValueException(property, bundleName,
					"No SSL bundle of that name is configured under spring.ssl.bundle.");
		}
		TrustManagerFactory trust = bundle.getManagers().getTrustManagerFactory();
		KeyManagerFactory keys = (bundle.getStores().getKeyStore() != null)
				? bundle.getManagers().getKeyManagerFactory() : null;
		SslOptions options = bundle.getOptions();
		// secure(...) keeps Reactor Netty's host name verification on.
		return this.httpClient.secure((spec) -> spec.sslContext(Http11SslContextSpec.forClient().configure((builder) -> {
			builder.trustManager(trust);
			if (keys != null) {
				builder.keyManager(keys);
			}
			if (options.getEnabledProtocols() != null) {
				builder.protocols(options.getEnabledProtocols());
			}
			if (options.getCiphers() != null) {
				builder.ciphers(List.of(options.getCiphers()));
			}
		})));
	}

	/**
	 * The interceptor beans of the context with their names, in {@code @Order} sequence.
	 */
	static final class InterceptorBeans {

		private final Map<Class<?>, List<Named<?>>> beans = new IdentityHashMap<>();

		<T> void add(Class<T> type, List<T> ordered, Map<String, T> byName) {
			Map<Object, String> names = new IdentityHashMap<>();
			byName.forEach((name, bean) -> names.put(bean, name));
			List<Named<?>> list = new ArrayList<>();
			for (T bean : ordered) {
				list.add(new Named<>(names.getOrDefault(bean, bean.getClass().getName()), bean));
			}
			this.beans.put(type, list);
		}

		List<NamedInterceptor> select(Class<?> type, Interceptors selection, String prefix, EdgeMetrics metrics) {
			List<NamedInterceptor> selected = new ArrayList<>();
			for (Named<?> named : selected(type, selection, prefix)) {
				Object bean = named.bean();
				NamedInterceptor.Interceptor call;
				MessageMode mode;
				if (bean instanceof ClientFrameInterceptor client) {
					call = client::intercept;
					mode = client.messageMode();
				}
				else {
					UpstreamFrameInterceptor upstream = (UpstreamFrameInterceptor) bean;
					call = upstream::intercept;
					mode = upstream.messageMode();
				}
				selected.add(new NamedInterceptor(named.name(), call, metrics.interceptor(named.name()),
						(mode != null) ? mode : MessageMode.WHOLE));
			}
			return selected;
		}

		List<Named<?>> selected(Class<?> type, Interceptors selection, String prefix) {
			checkNames(selection.getInclude(), prefix + ".interceptors.include");
			checkNames(selection.getExclude(), prefix + ".interceptors.exclude");
			List<Named<?>> selected = new ArrayList<>();
			for (Named<?> named : this.beans.getOrDefault(type, List.of())) {
				boolean included = selection.getInclude().isEmpty() || selection.getInclude().contains(named.name());
				if (included && !selection.getExclude().contains(named.name())) {
					selected.add(named);
				}
			}
			return selected;
		}

		private void checkNames(List<String> names, String property) {
			for (int i = 0; i < names.size(); i++) {
				String name = names.get(i);
				boolean known = this.beans.values()
					.stream()
					.anyMatch((list) -> list.stream().anyMatch((named) -> named.name().equals(name)));
				if (!known) {
					throw new InvalidConfigurationPropertyValueException(property + "[" + i + "]", name,
							"No ClientFrameInterceptor, UpstreamFrameInterceptor or UpgradeInterceptor bean has "
									+ "that name.");
				}
			}
		}

		record Named<T>(String name, T bean) {
		}

	}

}
