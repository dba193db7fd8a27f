package io.wsedge.autoconfigure;

import io.wsedge.policy.Compression;
import io.wsedge.policy.Limits;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import lombok.Getter;
import lombok.Setter;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the WebSocket edge proxy.
 */
@ConfigurationProperties("wsedge")
@Getter
@Setter
public class WsEdgeProperties {

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
	private Limits limits = Limits.withDefaults();

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
	private Compression compression = Compression.withDefaults();

	/**
	 * Limits of a session. Unset values of a route's limits fall back to wsedge.limits.
	 */
	@Getter
	@Setter
	public static class Limits {

		/**
		 * Largest whole message accepted from the client, counted across continuation frames as they arrive.
		 */
		private DataSize maxPayloadSize;

		/**
		 * Largest whole message accepted from the upstream.
		 */
		private DataSize upstreamMaxPayloadSize;

		/**
		 * Largest single frame accepted from the client. Defaults to max-payload-size.
		 */
		private DataSize maxFrameSize;

		/**
		 * Most bytes held for a peer that does not read. Reading from the other side pauses long before
		 * (backpressure); a session whose peer lets the edge hold more is closed with the buffer-overflow
		 * policy.
		 */
		private DataSize maxBufferedBytes;

		/**
		 * Time allowed to connect to the upstream and complete its handshake; past it the client gets HTTP 504.
		 */
		private Duration connectTimeout;

		/**
		 * Time a peer has to answer a close frame before the edge cuts its connection.
		 */
		private Duration closeTimeout;

		/**
		 * Time without a data message in either direction after which both sides are closed with the
		 * idle-timeout policy; 0 for none. Pings and pongs do not count as activity.
		 */
		private Duration idleTimeout;

		/**
		 * Interval at which the edge pings the client to find dead peers that TCP does not report; 0 for none.
		 */
		private Duration pingInterval;

		/**
		 * Time the client has to answer an edge ping with a pong before the session is closed with the
		 * ping-timeout policy.
		 */
		private Duration pongTimeout;

		/**
		 * Time a client has to send its complete upgrade request (against slowloris clients); past it the
		 * connection is dropped. Applies to every request of the server, so only under wsedge.limits.
		 */
		private Duration handshakeTimeout;

		/**
		 * Most sessions open on the whole edge; more upgrades get HTTP 503. 0 for no cap. Only under
		 * wsedge.limits: a route's own cap is wsedge.routes[].max-connections.
		 */
		private Integer maxConnections;

		/**
		 * Most sessions open per client address (behind trusted proxies, the forwarded address); more upgrades
		 * get HTTP 429. 0 for no cap.
		 */
		private Integer maxConnectionsPerClient;

		/**
		 * Sustained rate of client messages allowed per session (a token bucket); 0 for no limit.
		 */
		private Double messagesPerSecond;

		/**
		 * Messages a client may send in a burst above the rate (the bucket's size). Defaults to
		 * messages-per-second, at least 1.
		 */
		private Integer messageBurst;

		/**
		 * What happens to a client message over the rate limit: close the session with the rate-limit policy,
		 * or drop the message and count it.
		 */
		private RateLimitAction rateLimitAction;

		/**
		 * Most frames one message may arrive in, from either side; a message in more fragments is refused with
		 * the payload-too-big policy. Bounds the work and memory a flood of tiny continuation frames costs.
		 */
		private Integer maxFragments;

		/**
		 * Most bytes the whole edge may hold for its sessions (messages being assembled, waiting for a deferred
		 * interceptor, or queued for a peer that reads slowly), heap and direct memory alike. Past it new
		 * upgrades get HTTP 503 and the sessions holding the most are closed with the buffer-overflow policy
		 * until the edge holds less than 80% of it. Defaults to a quarter of the maximum heap. Only under
		 * wsedge.limits.
		 */
		private DataSize maxTotalBufferedBytes;

		/** The global defaults: the engine's, plus the edge-wide settings the engine does not hold. */
		static Limits withDefaults() {
			io.wsedge.policy.Limits engine = io.wsedge.policy.Limits.DEFAULTS;
			Limits limits = new Limits();
			limits.maxPayloadSize = DataSize.ofBytes(engine.maxPayloadSize());
			limits.upstreamMaxPayloadSize = DataSize.ofBytes(engine.upstreamMaxPayloadSize());
			limits.maxBufferedBytes = DataSize.ofBytes(engine.maxBufferedBytes());
			limits.connectTimeout = engine.connectTimeout();
			limits.closeTimeout = engine.closeTimeout();
			limits.idleTimeout = engine.idleTimeout();
			limits.pingInterval = engine.pingInterval();
			limits.pongTimeout = engine.pongTimeout();
			limits.maxConnectionsPerClient = engine.maxConnectionsPerClient();
			limits.messagesPerSecond = engine.messagesPerSecond();
			limits.rateLimitAction = engine.dropOverRate() ? RateLimitAction.DROP : RateLimitAction.CLOSE;
			limits.maxFragments = engine.maxFragments();
			limits.handshakeTimeout = Duration.ofSeconds(10);
			limits.maxConnections = 10_000;
			return limits;
		}

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
		 * Limits of this route; unset values fall back to wsedge.limits.
		 */
		@NestedConfigurationProperty
		private Limits limits = new Limits();

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
		 * permessage-deflate on this route's legs; unset values fall back to wsedge.compression.
		 */
		@NestedConfigurationProperty
		private Compression compression = new Compression();

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

		static Compression withDefaults() {
			Compression compression = new Compression();
			compression.client = LegCompression.withDefaults();
			compression.upstream = LegCompression.withDefaults();
			return compression;
		}

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
		private Boolean enabled;

		/**
		 * Whether the server side of this leg starts every message with a fresh compression context
		 * (server_no_context_takeover).
		 */
		private Boolean serverNoContextTakeover;

		/**
		 * Whether the client side of this leg starts every message with a fresh compression context
		 * (client_no_context_takeover).
		 */
		private Boolean clientNoContextTakeover;

		/**
		 * LZ77 window of the server side of this leg, 8 to 15 bits (server_max_window_bits).
		 */
		private Integer serverMaxWindowBits;

		/**
		 * LZ77 window of the client side of this leg, 8 to 15 bits (client_max_window_bits).
		 */
		private Integer clientMaxWindowBits;

		/**
		 * Messages smaller than this are sent uncompressed on this leg.
		 */
		private DataSize threshold;

		static LegCompression withDefaults() {
			LegCompression compression = new LegCompression();
			compression.enabled = false;
			compression.serverNoContextTakeover = false;
			compression.clientNoContextTakeover = false;
			compression.serverMaxWindowBits = 15;
			compression.clientMaxWindowBits = 15;
			compression.threshold = DataSize.ofBytes(128);
			return compression;
		}

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
