package io.wsedge.actuate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.engine.Side;
import io.wsedge.policy.ClosePolicy;
import io.wsedge.policy.ClosePolicyKind;
import io.wsedge.policy.Compression;
import io.wsedge.policy.Limits;

/**
 * The {@code wsedgeroutes} actuator endpoint (read only): every route as the edge runs it, with its settings
 * after defaults, so an operator sees what a route inherited without reading the configuration:
 * <ul>
 * <li>{@code GET /actuator/wsedgeroutes}: every route, in configuration order;</li>
 * <li>{@code GET /actuator/wsedgeroutes/{id}}: one route, 404 if no route has that id.</li>
 * </ul>
 * Upstreams are shown without their query, which may carry credentials.
 */
@Endpoint(id = "wsedgeroutes")
public class WsEdgeRoutesEndpoint {

	private final EdgeRoutes routes;

	/**
	 * Creates the endpoint.
	 * @param routes the routes the edge serves
	 */
	public WsEdgeRoutesEndpoint(EdgeRoutes routes) {
		this.routes = routes;
	}

	/**
	 * Every route.
	 * @return the routes, in configuration order
	 */
	@ReadOperation
	public RoutesDescriptor routes() {
		return new RoutesDescriptor(this.routes.routes().stream().map(RouteDescriptor::of).toList());
	}

	/**
	 * One route.
	 * @param id the route id
	 * @return the route, or {@code null} (404) if no route has that id
	 */
	@ReadOperation
	public @Nullable RouteDescriptor route(@Selector String id) {
		EdgeRoute route = this.routes.find(id);
		return (route != null) ? RouteDescriptor.of(route) : null;
	}

	/**
	 * The routes.
	 *
	 * @param routes every route, in configuration order
	 */
	public record RoutesDescriptor(List<RouteDescriptor> routes) implements OperationResponseBody {
	}

	/**
	 * One route as the edge runs it.
	 *
	 * @param id the route id
	 * @param path the path pattern it serves
	 * @param upstreams the upstream targets (scheme, host, port and path), one today
	 * @param limits its limits after defaults
	 * @param maxConnections its cap on open sessions, 0 for none
	 * @param closePolicies the close status sent per policy, keyed by the policy's name
	 * @param compression permessage-deflate per leg
	 * @param interceptors the interceptors that run on it, in order, by bean name
	 * @param sessions sessions open on it now
	 */
	public record RouteDescriptor(String id, String path, List<String> upstreams, LimitsDescriptor limits,
			int maxConnections, Map<String, ClosePolicyDescriptor> closePolicies,
			CompressionDescriptor compression, InterceptorsDescriptor interceptors,
			int sessions) implements OperationResponseBody {

		static RouteDescriptor of(EdgeRoute route) {
			Map<String, ClosePolicyDescriptor> policies = new LinkedHashMap<>();
			for (ClosePolicyKind kind : ClosePolicyKind.values()) {
				policies.put(kind.key(), ClosePolicyDescriptor.of(route.closePolicies().get(kind)));
			}
			return new RouteDescriptor(route.id(), route.path(), route.upstreamTargets(),
					LimitsDescriptor.of(route.limits()), route.maxConnections(), policies,
					new CompressionDescriptor(route.compression(Side.CLIENT), route.compression(Side.UPSTREAM),
							route.passesCompressed(Side.CLIENT) || route.passesCompressed(Side.UPSTREAM)),
					new InterceptorsDescriptor(route.upgradeChainNames(), route.chainNames(Side.CLIENT),
							route.chainNames(Side.UPSTREAM)),
					route.activeSessions().get());
		}

	}

	/**
	 * A route's limits after defaults, named as under {@code wsedge.limits}: sizes in bytes, durations in
	 * ISO-8601 ({@code PT10S}), {@code PT0S} or 0 where the limit is off.
	 *
	 * @param maxPayloadSize the largest message from the client
	 * @param upstreamMaxPayloadSize the largest message from the upstream
	 * @param maxFrameSize the largest frame from the client
	 * @param maxBufferedBytes the most bytes buffered per side of a session
	 * @param maxFragments the most frames one message may arrive in
	 * @param connectTimeout the time to dial the upstream and complete its handshake
	 * @param closeTimeout the time a side has to answer a close frame
	 * @param idleTimeout the time without a message after which the session closes
	 * @param pingInterval how often the edge pings the client
	 * @param pongTimeout the time the client has to answer a ping
	 * @param maxConnectionsPerClient the most sessions per client address
	 * @param messagesPerSecond the sustained client message rate
	 * @param messageBurst the client messages allowed in a burst
	 * @param rateLimitAction what happens to a message over the rate: {@code close} or {@code drop}
	 */
	public record LimitsDescriptor(long maxPayloadSize, long upstreamMaxPayloadSize, int maxFrameSize,
			long maxBufferedBytes, int maxFragments, String connectTimeout, String closeTimeout, String idleTimeout,
			String pingInterval, String pongTimeout, int maxConnectionsPerClient, double messagesPerSecond,
			int messageBurst, String rateLimitAction) {

		static LimitsDescriptor of(Limits limits) {
			return new LimitsDescriptor(limits.maxPayloadSize(), limits.upstreamMaxPayloadSize(),
					limits.maxFrameSize(), limits.maxBufferedBytes(), limits.maxFragments(),
					iso(limits.connectTimeout()), iso(limits.closeTimeout()), iso(limits.idleTimeout()),
					iso(limits.pingInterval()), iso(limits.pongTimeout()), limits.maxConnectionsPerClient(),
					limits.messagesPerSecond(), limits.messageBurst(), limits.dropOverRate() ? "drop" : "close");
		}

		private static String iso(Duration duration) {
			return duration.toString();
		}

	}

	/**
	 * The close statuses of one close policy.
	 *
	 * @param code the code sent to the side that caused the close
	 * @param reason its reason
	 * @param peerCode the code sent to the other side
	 * @param peerReason its reason
	 */
	public record ClosePolicyDescriptor(int code, String reason, int peerCode, String peerReason) {

		static ClosePolicyDescriptor of(ClosePolicy policy) {
			return new ClosePolicyDescriptor(policy.cause().code(), policy.cause().reason(), policy.peer().code(),
					policy.peer().reason());
		}

	}

	/**
	 * permessage-deflate on a route.
	 *
	 * @param client the client leg's settings
	 * @param upstream the upstream leg's settings
	 * @param passThrough whether compressed messages are relayed as they came in some direction
	 */
	public record CompressionDescriptor(Compression client, Compression upstream, boolean passThrough) {
	}

	/**
	 * The interceptors of a route, by bean name, in the order they run.
	 *
	 * @param upgrade the upgrade interceptors
	 * @param client the interceptors of messages from the client
	 * @param upstream the interceptors of messages from the upstream
	 */
	public record InterceptorsDescriptor(List<String> upgrade, List<String> client, List<String> upstream) {
	}

}
