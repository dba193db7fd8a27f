package io.wsedge.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import lombok.Getter;
import lombok.Setter;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the WebSocket edge proxy. The defaults are the field initialisers here; a route's unset value
 * inherits the global one, and {@link WsEdgePropertiesMapper} turns both into the engine's values.
 */
@ConfigurationProperties("wsedge")
@Getter
@Setter
public class WsEdgeProperties implements EnvironmentAware {

	/**
	 * Whether the edge proxy is enabled.
	 */
	private boolean enabled = true;

	/**
	 * Name of the SSL bundle (spring.ssl.bundle.*) holding the trust material for wss:// upstreams of every
	 * route; by default the JDK's trust store is used. Certificates and host names are always verified.
	 */
	private String sslBundle;

	/**
	 * Limits applied to every route unless the route overrides them.
	 */
	@NestedConfigurationProperty
	private Limits limits = new Limits();

	/**
	 * Routes from a client-facing path to an upstream WebSocket server.
	 */
	private List<Route> routes = new ArrayList<>();

	/**
	 * Origins allowed to open sessions on any route: exact origins such as https://app.example.com or patterns
	 * such as https://*.example.com. Another Origin gets HTTP 403 at upgrade; when empty, any origin is allowed.
	 */
	private List<String> allowedOrigins = new ArrayList<>();

	/**
	 * Whether an upgrade request without an Origin header (not from a browser) is refused with HTTP 403.
	 */
	private boolean requireOrigin = false;

	/**
	 * Addresses or CIDR blocks of the reverse proxies in front of the edge whose X-Forwarded-For is believed
	 * when telling which client an upgrade comes from (for max-connections-per-client and the session's
	 * address).
	 */
	private List<String> trustedProxies = new ArrayList<>();

	/**
	 * Which upstreams the edge may dial, from routes or chosen at run time by an upgrade interceptor.
	 */
	@NestedConfigurationProperty
	private UpstreamPolicy upstreamPolicy = new UpstreamPolicy();

	/**
	 * How the edge ends its sessions when the application stops.
	 */
	@NestedConfigurationProperty
	private Shutdown shutdown = new Shutdown();

	/**
	 * permessage-deflate (RFC 7692) on each leg, for every route unless the route overrides it.
	 */
	@NestedConfigurationProperty
	private Compression compression = new Compression();

	/**
	 * One log line per ended session.
	 */
	@NestedConfigurationProperty
	private AccessLog accessLog = new AccessLog();

	/**
	 * Micrometer observations of the edge beyond upgrades, dials and sessions.
	 */
	@NestedConfigurationProperty
	private Observations observations = new Observations();

	/**
	 * Refuses configured keys under wsedge that bind to nothing, before anything is bound: a misspelled limit
	 * would otherwise silently not apply.
	 * @param environment the environment this bean is bound from
	 */
	@Override
	public void setEnvironment(Environment environment) {
		WsEdgePropertyNames.get().check(environment);
	}

	/**
	 * Limits of the edge and of its sessions; a route overrides the session limits under its own limits.
	 */
	@Getter
	@Setter
	public static class Limits {

		/**
		 * Largest whole message accepted from the client, counted across continuation frames as they arrive.
		 */
		private DataSize maxPayloadSize = DataSize.ofMegabytes(1);

		/**
		 * Largest whole message (and frame) accepted from the upstream.
		 */
		private DataSize upstreamMaxPayloadSize = DataSize.ofMegabytes(16);

		/**
		 * Largest single frame accepted from the client, at most 2GB; when unset, the max-payload-size in force.
		 */
		private DataSize maxFrameSize;

		/**
		 * Most bytes held for a peer that does not read, past which the session is closed with the
		 * buffer-overflow policy (reading from the other side pauses long before).
		 */
		private DataSize maxBufferedBytes = DataSize.ofMegabytes(4);

		/**
		 * Time allowed to connect to the upstream and complete its handshake; past it the client gets HTTP 504.
		 */
		private Duration connectTimeout = Duration.ofSeconds(10);

		/**
		 * Time a peer has to answer a close frame before the edge cuts its connection.
		 */
		private Duration closeTimeout = Duration.ofSeconds(5);

		/**
		 * Time without a data message in either direction (pings and pongs do not count) after which both sides
		 * are closed with the idle-timeout policy; 0 for none.
		 */
		private Duration idleTimeout = Duration.ofSeconds(0);

		/**
		 * Interval at which the edge pings the client to find dead peers that TCP does not report; 0 for none.
		 */
		private Duration pingInterval = Duration.ofSeconds(30);

		/**
		 * Time the client has to answer an edge ping before the session is closed with the ping-timeout policy.
		 */
		private Duration pongTimeout = Duration.ofSeconds(10);

		/**
		 * Most sessions open per client address (behind trusted proxies, the forwarded one); more upgrades get
		 * HTTP 429, and 0 is no cap.
		 */
		private int maxConnectionsPerClient = 0;

		/**
		 * Sustained rate of client messages allowed per session (a token bucket); 0 for no limit.
		 */
		private double messagesPerSecond = 0;

		/**
		 * Messages a client may send in a burst above the rate (the bucket's size); when unset,
		 * messages-per-second, at least 1.
		 */
		private Integer messageBurst;

		/**
		 * What happens to a client message over the rate limit: close the session with the rate-limit policy,
		 * or drop the message and count it.
		 */
		private RateLimitAction rateLimitAction = RateLimitAction.CLOSE;

		/**
		 * Most frames one message may arrive in, from either side, past which it is refused with the
		 * payload-too-big policy (bounds the cost of a flood of tiny continuation frames).
		 */
		private int maxFragments = 4096;

		/**
		 * Time a connection has to send its complete first request (against slowloris clients), for every
		 * connection of the server and so under wsedge.limits only; 0 for none.
		 */
		private Duration handshakeTimeout = Duration.ofSeconds(10);

		/**
		 * Most sessions open on the whole edge, more upgrades getting HTTP 503, and 0 for no cap; a route's own
		 * cap is wsedge.routes[].max-connections.
		 */
		private int maxConnections = 10_000;

		/**
		 * Most bytes the whole edge may hold for its sessions, heap and direct memory alike, past which new
		 * upgrades get HTTP 503 and the sessions holding the most are closed with the buffer-overflow policy;
		 * when unset, a quarter of the maximum heap.
		 */
		private DataSize maxTotalBufferedBytes;

	}

	/**
	 * Session limits of one route; each unset value inherits the one under wsedge.limits. The edge-wide
	 * limits (handshake-timeout, max-connections, max-total-buffered-bytes) have no per-route value.
	 */
	@Getter
	@Setter
	public static class RouteLimits {

		/**
		 * Largest whole message accepted from the client on this route; inherits wsedge.limits.max-payload-size.
		 */
		private DataSize maxPayloadSize;

		/**
		 * Largest whole message accepted from the upstream on this route; inherits
		 * wsedge.limits.upstream-max-payload-size.
		 */
		private DataSize upstreamMaxPayloadSize;

		/**
		 * Largest single frame accepted from the client on this route; inherits wsedge.limits.max-frame-size.
		 */
		private DataSize maxFrameSize;

		/**
		 * Most bytes held for a peer that does not read on this route; inherits wsedge.limits.max-buffered-bytes.
		 */
		private DataSize maxBufferedBytes;

		/**
		 * Time allowed to connect to this route's upstream; inherits wsedge.limits.connect-timeout.
		 */
		private Duration connectTimeout;

		/**
		 * Time a peer has to answer a close frame on this route; inherits wsedge.limits.close-timeout.
		 */
		private Duration closeTimeout;

		/**
		 * Time without a data message before this route's sessions close; inherits wsedge.limits.idle-timeout.
		 */
		private Duration idleTimeout;

		/**
		 * Interval of the edge's pings to this route's clients; inherits wsedge.limits.ping-interval.
		 */
		private Duration pingInterval;

		/**
		 * Time this route's clients have to answer an edge ping; inherits wsedge.limits.pong-timeout.
		 */
		private Duration pongTimeout;

		/**
		 * Most sessions open per client address on this route; inherits wsedge.limits.max-connections-per-client.
		 */
		private Integer maxConnectionsPerClient;

		/**
		 * Sustained rate of client messages per session on this route; inherits
		 * wsedge.limits.messages-per-second.
		 */
		private Double messagesPerSecond;

		/**
		 * Messages a client may send in a burst above the rate on this route; inherits
		 * wsedge.limits.message-burst.
		 */
		private Integer messageBurst;

		/**
		 * What happens to a client message over the rate on this route; inherits wsedge.limits.rate-limit-action.
		 */
		private RateLimitAction rateLimitAction;

		/**
		 * Most frames one message may arrive in on this route; inherits wsedge.limits.max-fragments.
		 */
		private Integer maxFragments;

	}

	/**
	 * What the edge does with a client message over the rate limit.
	 */
	public enum RateLimitAction {

		/**
		 * Close the client with the rate-limit policy (1008) and the upstream with its peer code.
		 */
		CLOSE,

		/**
		 * Drop the message and count it in wsedge.messages.dropped.
		 */
		DROP

	}

	/**
	 * Which upstreams may be dialled: patterns of [scheme://]host[:port] with * wildcards in the host
	 * (*.internal.example.com), or CIDR blocks for address literals (10.0.0.0/8). Deny wins over allow.
	 */
	@Getter
	@Setter
	public static class UpstreamPolicy {

		/**
		 * Upstreams that may be dialled; when empty, any upstream not denied may be.
		 */
		private List<String> allow = new ArrayList<>();

		/**
		 * Upstreams that may never be dialled, even if allowed.
		 */
		private List<String> deny = new ArrayList<>();

	}

	/**
	 * Shutdown behaviour.
	 */
	@Getter
	@Setter
	public static class Shutdown {

		/**
		 * Time open sessions get to finish their closing handshakes on application stop; connections still
		 * open after it are cut.
		 */
		private Duration drainTimeout = Duration.ofSeconds(10);

	}

	/**
	 * A route from a client-facing path to an upstream WebSocket server.
	 */
	@Getter
	@Setter
	public static class Route {

		/**
		 * Identifier of the route, used in logs, metrics and health.
		 */
		private String id;

		/**
		 * Path the route serves: an exact path or a Spring path pattern such as /ws/chat/**.
		 */
		private String path;

		/**
		 * Upstream WebSocket server, a ws:// or wss:// URI. The client's query string is appended to its query.
		 */
		private URI upstream;

		/**
		 * Name of the SSL bundle with the trust material for a wss:// upstream; overrides wsedge.ssl-bundle.
		 */
		private String sslBundle;

		/**
		 * Session limits of this route; unset values inherit wsedge.limits.
		 */
		@NestedConfigurationProperty
		private RouteLimits limits = new RouteLimits();

		/**
		 * Most sessions open on this route at once; more upgrades get HTTP 503. 0 for no cap of its own.
		 */
		private int maxConnections = 0;

		/**
		 * Origins allowed on this route, replacing wsedge.allowed-origins when set.
		 */
		private List<String> allowedOrigins = new ArrayList<>();

		/**
		 * Which interceptor beans run on this route.
		 */
		@NestedConfigurationProperty
		private Interceptors interceptors = new Interceptors();

		/**
		 * permessage-deflate on this route's legs; unset values inherit wsedge.compression.
		 */
		@NestedConfigurationProperty
		private RouteCompression compression = new RouteCompression();

	}

	/**
	 * permessage-deflate (RFC 7692) on the two legs of a session, negotiated on each leg on its own.
	 */
	@Getter
	@Setter
	public static class Compression {

		/**
		 * Compression between the client and the edge, where the edge is the server and accepts the client's
		 * offer.
		 */
		@NestedConfigurationProperty
		private LegCompression client = new LegCompression();

		/**
		 * Compression between the edge and the upstream, where the edge is the client and makes the offer.
		 */
		@NestedConfigurationProperty
		private LegCompression upstream = new LegCompression();

		/**
		 * Whether compressed messages are relayed as they came, neither inflated nor deflated again, in each
		 * direction where both legs negotiated compatible permessage-deflate parameters and no frame interceptor
		 * runs; limits then count compressed bytes.
		 */
		private boolean passThrough = true;

	}

	/**
	 * permessage-deflate on one leg. Each compressing session holds a deflate context per direction (about
	 * 300 KB with full windows and context takeover); no-context-takeover and smaller windows cut that.
	 */
	@Getter
	@Setter
	public static class LegCompression {

		/**
		 * Whether permessage-deflate is negotiated on this leg.
		 */
		private boolean enabled = false;

		/**
		 * Whether the server side of this leg starts every message with a fresh compression context
		 * (server_no_context_takeover).
		 */
		private boolean serverNoContextTakeover = false;

		/**
		 * Whether the client side of this leg starts every message with a fresh compression context
		 * (client_no_context_takeover).
		 */
		private boolean clientNoContextTakeover = false;

		/**
		 * LZ77 window of the server side of this leg, 8 to 15 bits (server_max_window_bits).
		 */
		private int serverMaxWindowBits = 15;

		/**
		 * LZ77 window of the client side of this leg, 8 to 15 bits (client_max_window_bits).
		 */
		private int clientMaxWindowBits = 15;

		/**
		 * Messages smaller than this are sent uncompressed on this leg.
		 */
		private DataSize threshold = DataSize.ofBytes(128);

	}

	/**
	 * permessage-deflate on the two legs of one route; each unset value inherits wsedge.compression.
	 */
	@Getter
	@Setter
	public static class RouteCompression {

		/**
		 * Compression between the client and the edge on this route.
		 */
		@NestedConfigurationProperty
		private RouteLegCompression client = new RouteLegCompression();

		/**
		 * Compression between the edge and this route's upstream.
		 */
		@NestedConfigurationProperty
		private RouteLegCompression upstream = new RouteLegCompression();

		/**
		 * Whether compressed messages are relayed as they came on this route where both legs allow it; inherits
		 * wsedge.compression.pass-through.
		 */
		private Boolean passThrough;

	}

	/**
	 * permessage-deflate on one leg of one route; each unset value inherits the leg's wsedge.compression value.
	 */
	@Getter
	@Setter
	public static class RouteLegCompression {

		/**
		 * Whether permessage-deflate is negotiated on this leg of the route; inherits wsedge.compression.
		 */
		private Boolean enabled;

		/**
		 * Whether the server side of this leg starts every message with a fresh context; inherits
		 * wsedge.compression.
		 */
		private Boolean serverNoContextTakeover;

		/**
		 * Whether the client side of this leg starts every message with a fresh context; inherits
		 * wsedge.compression.
		 */
		private Boolean clientNoContextTakeover;

		/**
		 * LZ77 window of the server side of this leg, 8 to 15 bits; inherits wsedge.compression.
		 */
		private Integer serverMaxWindowBits;

		/**
		 * LZ77 window of the client side of this leg, 8 to 15 bits; inherits wsedge.compression.
		 */
		private Integer clientMaxWindowBits;

		/**
		 * Messages smaller than this are sent uncompressed on this leg of the route; inherits wsedge.compression.
		 */
		private DataSize threshold;

	}

	/**
	 * The access log: one line per ended session on the logger io.wsedge.access.
	 */
	@Getter
	@Setter
	public static class AccessLog {

		/**
		 * Whether every ended session is logged at INFO on the logger io.wsedge.access, in one key=value line
		 * with its route, client, principal, duration, close codes and counts.
		 */
		private boolean enabled = false;

	}

	/**
	 * Micrometer observations of the edge beyond upgrades, dials and sessions, which are always observed.
	 */
	@Getter
	@Setter
	public static class Observations {

		/**
		 * Whether every message is observed (wsedge.message: its way through the interceptor chain, a child of
		 * its session's observation). Costs an observation, and with a tracer a span, per message observed.
		 */
		private boolean messages = false;

		/**
		 * Share of messages observed when wsedge.observations.messages is on, from 0 (none) to 1 (all).
		 */
		private double messagesSamplingRatio = 1.0;

	}

	/**
	 * Selection of interceptor beans by bean name.
	 */
	@Getter
	@Setter
	public static class Interceptors {

		/**
		 * Bean names of the interceptors that run on the route; when empty, all of them run.
		 */
		private List<String> include = new ArrayList<>();

		/**
		 * Bean names of interceptors that do not run on the route.
		 */
		private List<String> exclude = new ArrayList<>();

	}

}
