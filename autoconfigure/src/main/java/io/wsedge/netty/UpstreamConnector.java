package io.wsedge.netty;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import io.micrometer.observation.Observation;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.resolver.AddressResolverGroup;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.HttpClient;
import reactor.netty.channel.ChannelOperations;
import reactor.netty.http.client.HttpClientConfig;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.LoopResources;
import reactor.netty.transport.NameResolverProvider;

import org.springframework.http.HttpHeaders;

import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.RouteMetrics;
import io.wsedge.engine.Side;
import io.wsedge.engine.UpstreamDialer;
import io.wsedge.policy.Compression;
import io.wsedge.policy.Limits;
import io.wsedge.netty.PolicyResolverGroup.RefusedAddressException;
import io.wsedge.observation.EdgeObservations;
import io.wsedge.policy.UpstreamPolicy;

/**
 * Dials upstream WebSocket servers with Reactor Netty's client, one connection per session, and hands back a
 * {@link NettyLeg} already in the connection's pipeline. The leg is installed before the handshake, so no
 * frame the upstream sends right after its 101 response can slip past it. {@link ClientPipeline} is the
 * counterpart for the client's connection on the Reactor Netty server.
 */
public final class UpstreamConnector implements UpstreamDialer {

	/** The name under which the UTF-8 validator sits in a pipeline. */
	public static final String UTF8_VALIDATOR_NAME = "wsedge.utf8";

	private static final Map<LoopResources, AddressResolverGroup<?>> RESOLVERS = new ConcurrentHashMap<>();

	private final HttpClient client;

	private final UpstreamPolicy policy;

	private final AddressResolverGroup<?> resolver;

	private final EdgeObservations observations;

	private volatile Prepared prepared;

	/**
	 * Creates a connector that dials any address but the unspecified ones ({@link UpstreamPolicy#ALLOW_ALL}).
	 * @param client the client to dial with, carrying the route's TLS settings; its connection provider should
	 * not pool, as an upgraded connection is never returned
	 */
	public UpstreamConnector(HttpClient client) {
		this(client, UpstreamPolicy.ALLOW_ALL);
	}

	/**
	 * Creates a connector.
	 * @param client the client to dial with, carrying the route's TLS settings; its connection provider should
	 * not pool, as an upgraded connection is never returned, and it should not record connection metrics
	 * @param policy the upstream policy every address the client resolves is checked against
	 */
	public UpstreamConnector(HttpClient client, UpstreamPolicy policy) {
		this(client, policy, EdgeObservations.NOOP);
	}

	/**
	 * Creates a connector that observes each dial attempt ({@code wsedge.upstream.connect}).
	 * @param client the client to dial with (see {@link #UpstreamConnector(HttpClient, UpstreamPolicy)})
	 * @param policy the upstream policy every address the client resolves is checked against
	 * @param observations the observations of the edge
	 */
	public UpstreamConnector(HttpClient client, UpstreamPolicy policy, EdgeObservations observations) {
		this.client = client;
		this.policy = policy;
		this.resolver = resolver(client.configuration());
		this.observations = observations;
	}

	/**
	 * The client's own resolver, or the one Reactor Netty would make for it (non-blocking DNS), one per set of
	 * event loops as Reactor Netty keeps its own: its resolvers live as long as the loops.
	 */
	private static AddressResolverGroup<?> resolver(HttpClientConfig config) {
		if (config.resolver() != null) {
			return config.resolver();
		}
		LoopResources loops = (config.loopResources() != null) ? config.loopResources() : HttpResources.get();
		boolean preferNative = config.isPreferNative();
		return RESOLVERS.computeIfAbsent(loops,
				(key) -> NameResolverProvider.builder().build().newNameResolverGroup(key, preferNative));
	}


	/**
	 * Dials an upstream and completes its WebSocket handshake within the route's connect timeout, with the
	 * route's upstream payload limit, close timeout and compression. Must be subscribed on the event loop that
	 * serves the client, so that both legs of the session share it.
	 * @return the connection, or an {@link UpstreamException} with the status for the client
	 */
	@Override
	public Mono<Upstream> dial(EdgeRoute route, URI uri, HttpHeaders requestHeaders, String subprotocols) {
		Prepared prepared = prepared(route);
		io.netty.handler.codec.http.HttpHeaders headers = new io.netty.handler.codec.http.DefaultHttpHeaders();
		requestHeaders.forEach(headers::add);
		if (!headers.contains(HttpHeaderNames.ORIGIN)) {
			// Keeps Netty's handshaker from making an Origin up; UpstreamHandshakeAdapter takes it off again.
			headers.set(HttpHeaderNames.ORIGIN, UpstreamHandshakeAdapter.NO_ORIGIN);
		}
		if (subprotocols != null) {
			// Offered as a plain header, not through the spec: see UpstreamHandshakeAdapter.
			headers.set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, subprotocols);
		}
		Mono<Upstream> attempt = Mono.defer(() -> {
			// Only what differs per session is configured here: the headers and the URI.
			// Reactor Netty keeps the subscriber of connect() for the connection's life (the connection's
			// observer holds its sink), and with it everything subscribed downstream: the whole WebFlux
			// request, its exchange and operators. A future in between is all it keeps.
			// The dial's configuration stays with the connection too (its operations factory), so its copy of
			// the headers is emptied once the handshake is done.
			io.netty.handler.codec.http.HttpHeaders[] configured = new io.netty.handler.codec.http.HttpHeaders[1];
			HttpClient client = "wss".equalsIgnoreCase(uri.getScheme()) ? prepared.wss : prepared.ws;
			CompletableFuture<? extends Connection> connected = client.headers((target) -> {
				target.set(headers);
				configured[0] = target;
			})
				.websocket(prepared.spec)
				.uri(uri)
				.connect()
				.toFuture();
			// A connection that arrives as the dial is cancelled is closed.
			return Mono.<Connection>fromFuture(connected)
				.doOnNext((connection) -> configured[0].clear())
				.doOnCancel(() -> connected.thenAccept(Connection::dispose));
		})
			.timeout(prepared.timeout)
			.<Upstream>map((connection) -> {
				release(connection.channel());
				NettyLeg leg = connection.channel().pipeline().get(NettyLeg.class);
				return new UpstreamConnection(leg, leg.handshakeSubprotocol(), connection);
			})
			.onErrorMap((failure) -> !(failure instanceof UpstreamException), (failure) -> translate(uri, failure));
		return this.observations.isNoop() ? attempt : observed(attempt, route, uri, headers);
	}

	/**
	 * One dial attempt as a {@code wsedge.upstream.connect} observation, a child of the upgrade's found in the
	 * Reactor context; started before the handshake request is built, so that a tracer's headers go with it.
	 */
	private Mono<Upstream> observed(Mono<Upstream> attempt, EdgeRoute route, URI uri,
			io.netty.handler.codec.http.HttpHeaders headers) {
		return Mono.deferContextual((context) -> {
			Observation connect = this.observations.connect(route.id(), EdgeRoute.describe(uri), headers,
					context.getOrDefault(EdgeObservations.UPGRADE_KEY, null));
			return attempt.doOnNext((upstream) -> EdgeObservations.dialled(connect, "success", 101, null))
				.doOnError((failure) -> EdgeObservations.dialled(connect,
						(failure instanceof UpstreamException upstream) ? upstream.outcome() : "unreachable",
						(failure instanceof UpstreamException upstream) ? upstream.status() : 502, failure))
				.doOnCancel(() -> EdgeObservations.dialled(connect, "cancelled", 0, null));
		});
	}

	/**
	 * The client prepared for a route: built on the first dial and kept, so that a dial configures the client
	 * only for what differs per session. A connector normally serves one route; one that serves several
	 * prepares again when the route changes.
	 */
	private Prepared prepared(EdgeRoute route) {
		Prepared prepared = this.prepared;
		if (prepared == null || prepared.route != route) {
			prepared = new Prepared(route, this.client, this.resolver, this.policy);
			this.prepared = prepared;
		}
		return prepared;
	}

	/**
	 * A route's fixed part of a dial: its clients, one per scheme, with the connect timeout, the pipeline set up
	 * and the resolver that checks every address against the upstream policy.
	 */
	private static final class Prepared {

		private final EdgeRoute route;

		private final HttpClient ws;

		private final HttpClient wss;

		private final WebsocketClientSpec spec;

		private final Duration timeout;

		Prepared(EdgeRoute route, HttpClient client, AddressResolverGroup<?> resolver, UpstreamPolicy policy) {
			Limits limits = route.limits();
			int maxFramePayload = (int) Math.min(Integer.MAX_VALUE, limits.upstreamMaxPayloadSize());
			long closeTimeoutNanos = limits.closeTimeout().toNanos();
			Compression compression = route.compression(Side.UPSTREAM);
			RouteMetrics metrics = route.metrics();
			this.route = route;
			this.timeout = limits.connectTimeout();
			this.spec = WebsocketClientSpec.builder().maxFramePayloadLength(maxFramePayload).handlePing(true).build();
			HttpClient prepared = client
				.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, this.timeout.toMillis()))
				.doOnConnected((connection) -> install(connection.channel(), maxFramePayload, closeTimeoutNanos,
						compression, metrics));
			this.ws = prepared.resolver(new PolicyResolverGroup(resolver, policy, "ws"));
			this.wss = prepared.resolver(new PolicyResolverGroup(resolver, policy, "wss"));
		}

	}

	/**
	 * Empties the handshake's request and response headers, which Reactor Netty's operations keep for the
	 * connection's life though nothing reads them once the handshake is complete.
	 */
	private static void release(Channel channel) {
		if (ChannelOperations.get(channel) instanceof HttpClientResponse response) {
			response.responseHeaders().clear();
			if (response instanceof HttpClientRequest request) {
				request.requestHeaders().clear();
			}
		}
	}

	private static void install(Channel channel, int maxFramePayload, long closeTimeoutNanos,
			Compression compression, RouteMetrics metrics) {
		UpstreamHandshakeAdapter handshake = new UpstreamHandshakeAdapter(maxFramePayload, metrics);
		NettyLeg leg = new NettyLeg(Side.UPSTREAM, channel, closeTimeoutNanos);
		leg.handshake(handshake);
		if (compression.enabled()) {
			channel.pipeline()
				.addBefore(NettyPipeline.ReactiveBridge, Deflate.HANDLER_NAME, Deflate.offer(compression, maxFramePayload));
		}
		channel.pipeline()
			.addBefore(NettyPipeline.ReactiveBridge, UpstreamHandshakeAdapter.NAME, handshake)
			.addBefore(NettyPipeline.ReactiveBridge, UTF8_VALIDATOR_NAME, new TextValidator())
			.addBefore(NettyPipeline.ReactiveBridge, NettyLeg.HANDLER_NAME, leg);
	}

	static UpstreamException translate(URI uri, Throwable failure) {
		String upstream = EdgeRoute.describe(uri);
		RefusedAddressException refused = cause(failure, RefusedAddressException.class);
		if (refused != null) {
			return new UpstreamException(403, "Upstream " + upstream + " is outside wsedge.upstream-policy: "
					+ refused.getMessage(), HttpHeaders.EMPTY, failure);
		}
		if (failure instanceof TimeoutException || failure instanceof ConnectTimeoutException) {
			return new UpstreamException(504, "Upstream " + upstream + " did not answer in time", HttpHeaders.EMPTY,
					failure);
		}
		if (failure instanceof WebSocketClientHandshakeException handshake && handshake.response() != null) {
			HttpResponse response = handshake.response();
			int status = response.status().code();
			if (status >= 400 && status <= 599) {
				HttpHeaders headers = new HttpHeaders();
				copy(response, HttpHeaderNames.WWW_AUTHENTICATE, headers);
				copy(response, HttpHeaderNames.RETRY_AFTER, headers);
				return new UpstreamException(status, "Upstream " + upstream + " refused the handshake with " + status,
						headers, failure);
			}
			return new UpstreamException(502, "Upstream " + upstream + " answered the handshake with " + status,
					HttpHeaders.EMPTY, failure);
		}
		String what = (cause(failure, SSLException.class) != null) ? "TLS with upstream " + upstream + " failed"
				: "Upstream " + upstream + " is unreachable";
		return new UpstreamException(502, what + ": " + failure.getMessage(), HttpHeaders.EMPTY, failure);
	}

	private static void copy(HttpResponse response, CharSequence name, HttpHeaders target) {
		String value = response.headers().get(name);
		if (value != null) {
			target.set(name.toString(), value);
		}
	}

	private static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return type.cast(current);
			}
		}
		return null;
	}

}
