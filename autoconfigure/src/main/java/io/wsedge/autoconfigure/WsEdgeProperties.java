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

import io.wsedge.engine.pool.LoadBalancing;

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
	 * Service discovery of the lb://service-id upstreams of routes, with Spring Cloud Commons.
	 */
	@NestedConfigurationProperty
	private Discovery discovery = new Discovery();

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
		 * Longest a session may live, after which both sides are closed with the session-lifetime policy; each
		 * session gets a random extra of up to 10% so that a fleet of clients does not reconnect at once. Unset
		 * or 0 for no limit.
		 */
		private Duration maxSessionDuration;

		/**
		 * Most sessions open per authenticated principal (by name) on a route, counted on this node; more
		 * upgrades get HTTP 429, and 0 is no cap.
		 */
		private int maxConnectionsPerPrincipal = 0;

		/**
		 * Sustained rate of client messages shared by all sessions of one authenticated principal on a route,
		 * counted on this node, handled as rate-limit-action says; 0 for no limit.
		 */
		private double messagesPerSecondPerPrincipal = 0;

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

		/**
		 * Longest a session of this route may live (plus up to 10% jitter); inherits
		 * wsedge.limits.max-session-duration.
		 */
		private Duration maxSessionDuration;

		/**
		 * Most sessions open per authenticated principal on this route; inherits
		 * wsedge.limits.max-connections-per-principal.
		 */
		private Integer maxConnectionsPerPrincipal;

		/**
		 * Sustained rate of client messages shared by a principal's sessions on this route; inherits
		 * wsedge.limits.messages-per-second-per-principal.
		 */
		private Double messagesPerSecondPerPrincipal;

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
		 * Set either this or upstreams.
		 */
		private URI upstream;

		/**
		 * Upstream WebSocket servers that share this route's sessions, as an alternative to upstream.
		 */
		private List<UpstreamTarget> upstreams = new ArrayList<>();

		/**
		 * How sessions are spread over the upstreams, failed over and kept off failing upstreams.
		 */
		@NestedConfigurationProperty
		private LoadBalancer loadBalancer = new LoadBalancer();

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

		/**
		 * Validation of this route's messages, per direction, before any interceptor runs.
		 */
		@NestedConfigurationProperty
		private Validation validation = new Validation();

		/**
		 * Who may open sessions on this route, checked at the upgrade.
		 */
		@NestedConfigurationProperty
		private Auth auth = new Auth();

	}

	/**
	 * Authentication at the upgrade of a route. A bearer token in the Authorization header is authenticated by
	 * Spring Security's resource server; browsers, which cannot set that header on a WebSocket, may send it in a
	 * query parameter or a subprotocol entry instead.
	 */
	@Getter
	@Setter
	public static class Auth {

		/**
		 * Whether only authenticated upgrades are accepted; others get HTTP 401.
		 */
		private boolean required = false;

		/**
		 * Authorities of which the principal needs at least one, such as SCOPE_chat; others get HTTP 403 (and
		 * unauthenticated upgrades 401).
		 */
		private List<String> authorities = new ArrayList<>();

		/**
		 * Query parameter that may carry the bearer token, such as access_token; removed before the URI goes
		 * upstream, into logs or to the sessions endpoint. Unset for none.
		 */
		private String queryParameter;

		/**
		 * Subprotocol entry after which the client sends its bearer token (Sec-WebSocket-Protocol: marker,
		 * token); the marker is answered as the chosen subprotocol and the token never goes upstream. Unset for
		 * none.
		 */
		private String subprotocolMarker;

	}

	/**
	 * Validation of a route's messages: JSON Schema for text messages and a rule for binary ones, per direction.
	 */
	@Getter
	@Setter
	public static class Validation {

		/**
		 * Validation of the messages the client sends.
		 */
		@NestedConfigurationProperty
		private DirectionValidation client = new DirectionValidation();

		/**
		 * Validation of the messages the upstream sends.
		 */
		@NestedConfigurationProperty
		private DirectionValidation upstream = new DirectionValidation();

		/**
		 * Deepest nesting of arrays and objects in a validated JSON message; a deeper message is invalid and is
		 * not parsed further.
		 */
		private int maxNestingDepth = 64;

	}

	/**
	 * Validation of the messages of one direction of a route.
	 */
	@Getter
	@Setter
	public static class DirectionValidation {

		/**
		 * Location of the JSON Schema that text messages must meet, such as classpath:schemas/chat-message.json;
		 * the draft is read from its $schema, 2020-12 when it has none. Unset for no schema check.
		 */
		private String schema;

		/**
		 * What happens to an invalid message: close the session with the invalid-message policy, or drop the
		 * message and count it.
		 */
		private ValidationAction action = ValidationAction.CLOSE;

		/**
		 * Whether binary messages pass; when false, a binary message is invalid.
		 */
		private boolean allowBinary = true;

	}

	/**
	 * What the edge does with a message that fails validation.
	 */
	public enum ValidationAction {

		/**
		 * Close the session with the invalid-message policy (1007 to the sender).
		 */
		CLOSE,

		/**
		 * Drop the message and count it in wsedge.messages.invalid and wsedge.messages.dropped.
		 */
		DROP

	}

	/**
	 * Service discovery of lb://service-id upstreams.
	 */
	@Getter
	@Setter
	public static class Discovery {

		/**
		 * Time between two look-ups of the instances of every lb://service-id upstream.
		 */
		private Duration refreshInterval = Duration.ofSeconds(10);

	}

	/**
	 * One upstream of a route with several.
	 */
	@Getter
	@Setter
	public static class UpstreamTarget {

		/**
		 * Upstream WebSocket server, a ws:// or wss:// URI, or lb://service-id/path for every instance service
		 * discovery finds. The client's query string is appended to its query.
		 */
		private URI uri;

		/**
		 * Scheme of the instances of an lb:// upstream, ws or wss; by default wss for an instance marked secure
		 * and ws for others.
		 */
		private String scheme;

		/**
		 * Share of the route's sessions this upstream gets, relative to the others' weights.
		 */
		private int weight = 1;

		/**
		 * Most sessions open on this upstream at once; past it the others take them. 0 for no cap.
		 */
		private int maxConnections = 0;

	}

	/**
	 * Load balancing, failover and outlier ejection over a route's upstreams.
	 */
	@Getter
	@Setter
	public static class LoadBalancer {

		/**
		 * How an upstream is chosen for a new session: round-robin (weighted, smooth), least-sessions (fewest open
		 * sessions for the weight) or hash (the same key goes to the same upstream).
		 */
		private LoadBalancing.Strategy strategy = LoadBalancing.Strategy.ROUND_ROBIN;

		/**
		 * What the hash strategy hashes: header, query-parameter, cookie (named by hash-key), principal or
		 * client-address.
		 */
		private LoadBalancing.HashOn hashOn = LoadBalancing.HashOn.CLIENT_ADDRESS;

		/**
		 * Name of the header, query parameter or cookie the hash strategy hashes.
		 */
		private String hashKey;

		/**
		 * How many more upstreams a handshake tries after a failed dial (unreachable, reset, TLS failure, 5xx
		 * answer or no answer in time), all within the connect timeout.
		 */
		private int retries = 2;

		/**
		 * Failed dials in a row after which an upstream is ejected; 0 never ejects.
		 */
		private int consecutiveFailures = 3;

		/**
		 * How long an upstream stays ejected the first time; each ejection in a row doubles it.
		 */
		private Duration ejectionTime = Duration.ofSeconds(10);

		/**
		 * Longest an ejection lasts, however many came before it.
		 */
		private Duration maxEjectionTime = Duration.ofMinutes(5);

		/**
		 * Most upstreams of the route ejected at once, in percent of them; at least one may be.
		 */
		private int maxEjectionPercent = 50;

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
