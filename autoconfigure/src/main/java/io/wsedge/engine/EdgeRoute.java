package io.wsedge.engine;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import io.wsedge.api.UpgradeInterceptor;
import io.wsedge.auth.RouteAuth;

import io.wsedge.engine.pool.UpstreamPool;
import io.wsedge.policy.ClosePolicies;
import io.wsedge.policy.Compression;
import io.wsedge.policy.Limits;
import io.wsedge.policy.OriginPolicy;

/**
 * A route as the engine runs it: the paths it serves, where it goes and how it is dialled, its limits and
 * policies, and the interceptor chains resolved once for it.
 */
public final class EdgeRoute {

	private final String id;

	private final String path;

	private final PathPattern pattern;

	private final URI upstream;

	private final Limits limits;

	private final ClosePolicies closePolicies;

	private final NamedInterceptor[] clientChain;

	private final NamedInterceptor[] upstreamChain;

	private final List<UpgradeInterceptor> upgradeChain;

	private final RouteMetrics metrics;

	private final AtomicInteger activeSessions = new AtomicInteger();

	private final Map<InetAddress, AtomicInteger> clientSessions = new ConcurrentHashMap<>();

	private final int maxConnections;

	private final OriginPolicy originPolicy;

	private Compression clientCompression = Compression.OFF;

	private Compression upstreamCompression = Compression.OFF;

	private UpstreamDialer dialer = UpstreamDialer.NONE;

	private boolean compressedPassThrough = true;

	private MessageValidator clientValidator;

	private RouteAuth auth = RouteAuth.NONE;

	private MessageValidator upstreamValidator;

	private UpstreamPool pool;

	private List<String> upgradeChainNames = List.of();

	public EdgeRoute(String id, String path, URI upstream, Limits limits, ClosePolicies closePolicies,
			List<NamedInterceptor> clientChain, List<NamedInterceptor> upstreamChain,
			List<UpgradeInterceptor> upgradeChain, RouteMetrics metrics, int maxConnections,
			OriginPolicy originPolicy) {
		this.maxConnections = maxConnections;
		this.originPolicy = originPolicy;
		this.id = id;
		this.path = path;
		// The parser the configuration is validated with, so a path that passed validation parses here.
		this.pattern = PathPatternParser.defaultInstance.parse(path);
		this.upstream = upstream;
		this.limits = limits;
		this.closePolicies = closePolicies;
		this.clientChain = clientChain.toArray(new NamedInterceptor[0]);
		this.upstreamChain = upstreamChain.toArray(new NamedInterceptor[0]);
		this.upgradeChain = List.copyOf(upgradeChain);
		this.metrics = metrics;
	}

	public String id() {
		return this.id;
	}

	public String path() {
		return this.path;
	}

	/**
	 * The client-facing path pattern, parsed from {@link #path()}.
	 * @return the pattern
	 */
	public PathPattern pattern() {
		return this.pattern;
	}

	public URI upstream() {
		return this.upstream;
	}

	/**
	 * Sets how the route's upstream is dialled; called once when the route is built.
	 * @param dialer the dialer, with the route's TLS settings
	 * @return this route
	 */
	public EdgeRoute dialer(UpstreamDialer dialer) {
		this.dialer = dialer;
		return this;
	}

	/**
	 * Gives the route several upstream targets; called once when the route is built.
	 * @param pool the targets and how they are chosen
	 * @return this route
	 */
	public EdgeRoute pool(UpstreamPool pool) {
		this.pool = pool;
		return this;
	}

	/**
	 * The route's upstream targets ({@code wsedge.routes[].upstreams}); {@link #upstream()} is then the first
	 * configured one (an {@code lb://} URI when that comes first), for logs and interceptors.
	 * @return the pool, or {@code null} for a route with one upstream
	 */
	public UpstreamPool pool() {
		return this.pool;
	}

	/**
	 * How the route's upstream is dialled.
	 * @return the dialer, {@link UpstreamDialer#NONE} when none was set
	 */
	public UpstreamDialer dialer() {
		return this.dialer;
	}

	public Limits limits() {
		return this.limits;
	}

	public ClosePolicies closePolicies() {
		return this.closePolicies;
	}

	NamedInterceptor[] chain(Side from) {
		return (from == Side.CLIENT) ? this.clientChain : this.upstreamChain;
	}

	public List<UpgradeInterceptor> upgradeChain() {
		return this.upgradeChain;
	}

	/**
	 * Names the upgrade interceptors (their bean names), for the routes endpoint and logs; called once when the
	 * route is built.
	 * @param names the names, in the order of {@link #upgradeChain()}
	 * @return this route
	 */
	public EdgeRoute upgradeChainNames(List<String> names) {
		this.upgradeChainNames = List.copyOf(names);
		return this;
	}

	/**
	 * The names of the upgrade interceptors, in the order they run.
	 * @return the names
	 */
	public List<String> upgradeChainNames() {
		return this.upgradeChainNames;
	}

	/**
	 * The names of the frame interceptors that run on messages from one side, in the order they run.
	 * @param from the side the messages come from
	 * @return the names
	 */
	public List<String> chainNames(Side from) {
		return Arrays.stream(chain(from)).map(NamedInterceptor::name).toList();
	}

	/**
	 * The upstream targets of the route, as logs and the routes endpoint show them (see {@link #describe}): its
	 * one upstream, or a pool's configured targets and {@code lb://} services (not the instances found for them,
	 * which come and go; the {@code wsedgeupstreams} endpoint lists those).
	 * @return the targets
	 */
	public List<String> upstreamTargets() {
		if (this.pool == null) {
			return List.of(describe(this.upstream));
		}
		List<String> targets = new ArrayList<>();
		this.pool.configured().forEach((target) -> targets.add(target.id()));
		this.pool.services().forEach((service) -> targets.add(describe(service.template())));
		return targets;
	}

	public RouteMetrics metrics() {
		return this.metrics;
	}

	/**
	 * The most sessions this route holds open at once ({@code wsedge.routes[].max-connections}).
	 * @return the cap, 0 for none
	 */
	public int maxConnections() {
		return this.maxConnections;
	}

	/**
	 * Which origins may open sessions on this route.
	 * @return the origin policy
	 */
	public OriginPolicy originPolicy() {
		return this.originPolicy;
	}

	/**
	 * Sets permessage-deflate for the route's legs; called once when the route is built.
	 * @param client the client leg's settings
	 * @param upstream the upstream leg's settings
	 * @return this route
	 */
	public EdgeRoute compression(Compression client, Compression upstream) {
		this.clientCompression = client;
		this.upstreamCompression = upstream;
		return this;
	}

	/**
	 * permessage-deflate on one leg.
	 * @param side the leg
	 * @return its settings
	 */
	public Compression compression(Side side) {
		return (side == Side.CLIENT) ? this.clientCompression : this.upstreamCompression;
	}

	/**
	 * Sets who may open sessions on the route; called once when the route is built.
	 * @param auth the route's authentication requirements
	 * @return this route
	 */
	public EdgeRoute auth(RouteAuth auth) {
		this.auth = auth;
		return this;
	}

	/**
	 * Who may open sessions on the route.
	 * @return the route's authentication requirements, {@link RouteAuth#NONE} when none were set
	 */
	public RouteAuth auth() {
		return this.auth;
	}

	/**
	 * Sets the built-in validation of each direction's messages; called once when the route is built.
	 * @param client the check of client messages, or {@code null} for none
	 * @param upstream the check of upstream messages, or {@code null} for none
	 * @return this route
	 */
	public EdgeRoute validation(MessageValidator client, MessageValidator upstream) {
		this.clientValidator = client;
		this.upstreamValidator = upstream;
		return this;
	}

	/**
	 * The built-in validation of one direction's messages.
	 * @param from the sending side
	 * @return its check, or {@code null} when the direction is not validated
	 */
	public MessageValidator validator(Side from) {
		return (from == Side.CLIENT) ? this.clientValidator : this.upstreamValidator;
	}

	/**
	 * Sets whether compressed messages may be relayed as they came; called once when the route is built.
	 * @param passThrough whether pass-through is on ({@code wsedge.compression.pass-through})
	 * @return this route
	 */
	public EdgeRoute compressedPassThrough(boolean passThrough) {
		this.compressedPassThrough = passThrough;
		return this;
	}

	/**
	 * Whether the compressed messages of one side may be relayed as they came, not inflated and deflated again:
	 * pass-through is on for the route and neither a frame interceptor nor validation, which need the plain
	 * payload, runs on them.
	 * Whether they are is decided per session, by the permessage-deflate parameters of both legs.
	 * @param from the sending side
	 * @return whether the route allows it
	 */
	public boolean passesCompressed(Side from) {
		return this.compressedPassThrough && chain(from).length == 0 && validator(from) == null;
	}

	/**
	 * The sessions open on this route.
	 * @return the live counter
	 */
	public AtomicInteger activeSessions() {
		return this.activeSessions;
	}

	/**
	 * Counts a client's sessions on this route.
	 * @param client the client's address
	 * @param delta +1 for a session admitted, -1 for one released
	 * @return the client's sessions on this route now
	 */
	int clientSessions(InetAddress client, int delta) {
		if (delta > 0) {
			return this.clientSessions.computeIfAbsent(client, (key) -> new AtomicInteger()).addAndGet(delta);
		}
		AtomicInteger left = this.clientSessions.computeIfPresent(client,
				(key, count) -> (count.addAndGet(delta) <= 0) ? null : count);
		return (left != null) ? left.get() : 0;
	}

	@Override
	public String toString() {
		return "route '" + this.id + "' (" + this.path + " -> " + describe(this.upstream) + ")";
	}

	/**
	 * An upstream URI as logs show it: scheme, host, port and path, never the query, which may carry secrets.
	 * @param uri the URI
	 * @return its description
	 */
	public static String describe(URI uri) {
		String path = (uri.getRawPath() != null) ? uri.getRawPath() : "";
		String port = (uri.getPort() != -1) ? ":" + uri.getPort() : "";
		return uri.getScheme() + "://" + uri.getHost() + port + path;
	}

}
