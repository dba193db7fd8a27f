package io.wsedge.autoconfigure;

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

		static Limits withDefaults() {
			Limits limits = new Limits();
			limits.maxPayloadSize = DataSize.ofMegabytes(1);
			limits.upstreamMaxPayloadSize = DataSize.ofMegabytes(16);
			limits.maxBufferedBytes = DataSize.ofMegabytes(4);
			limits.connectTimeout = Duration.ofSeconds(10);
			limits.closeTimeout = Duration.ofSeconds(5);
			return limits;
		}

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
		 * Which interceptor beans run on this route.
		 */
		@NestedConfigurationProperty
		private Interceptors interceptors = new Interceptors();

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
