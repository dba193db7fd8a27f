package io.wsedge.upgrade;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

import org.springframework.http.HttpHeaders;

import io.micrometer.observation.Observation;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.wsedge.auth.AuthRefusedException;
import io.wsedge.auth.TokenAuthenticator;
import io.wsedge.auth.UpgradeAuthentication;
import io.wsedge.auth.UpgradeAuthentication.Authenticated;
import io.wsedge.engine.Admission;
import io.wsedge.engine.AdmissionResult;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.Leg;
import io.wsedge.engine.ProxySession;
import io.wsedge.engine.RouteMetrics;
import io.wsedge.engine.UpstreamDialer.Upstream;
import io.wsedge.netty.UpstreamException;
import io.wsedge.observation.EdgeObservations;
import io.wsedge.policy.EdgePolicies;

/**
 * Everything that happens to an upgrade request before the client's upgrade, whatever the server stack, so
 * that the client gets the upstream's subprotocol, or an HTTP status, never a socket that opens and then dies:
 * <ol>
 * <li>{@link #prepare}: the handshake is checked, the route's authentication runs (and takes the token out of
 * the request), the upgrade is admitted under the caps (the node's, then the cluster's when the edge belongs to
 * one), the upgrade interceptors run, and the upstream is
 * dialled;</li>
 * <li>{@link #accept}: the upstream's subprotocol and the drain are checked and the session is created;</li>
 * <li>the server adapter upgrades the client, then {@link Accepted#start starts} the session with the client's
 * leg.</li>
 * </ol>
 */
public final class UpgradeFlow {

	private static final Log logger = LogFactory.getLog(UpgradeFlow.class);

	private final EdgeEngine engine;

	private final EdgePolicies policies;

	private final EdgeObservations observations;

	public UpgradeFlow(EdgeEngine engine, EdgePolicies policies) {
		this(engine, policies, EdgeObservations.NOOP);
	}

	public UpgradeFlow(EdgeEngine engine, EdgePolicies policies, EdgeObservations observations) {
		this.engine = engine;
		this.policies = policies;
		this.observations = observations;
	}

	/**
	 * Prepares an upgrade.
	 * @param route the route that matched
	 * @param method the HTTP method
	 * @param uri the request URI
	 * @param headers the request headers
	 * @param peer the connection's peer address
	 * @param principal the authenticated principal, or {@code null}
	 * @param secure whether the request came over TLS
	 * @param loop the event loop the upstream connection must live on (the client's, for the reactive stack)
	 * @return the upgrade request with its connected upstream, or a {@link HandshakeRefusedException}
	 */
	public Mono<Prepared> prepare(EdgeRoute route, String method, URI uri, HttpHeaders headers,
			InetSocketAddress peer, Principal principal, boolean secure, EventLoop loop) {
		InetSocketAddress client = this.policies.clients().resolve(peer, headers);
		Observation upgrade = this.observations.upgrade(route.id(), headers, client);
		return prepare(route, method, uri, headers, peer, client, principal, secure, loop, upgrade)
			.doOnError((failure) -> {
				if (failure instanceof HandshakeRefusedException refused) {
					answered(upgrade, refused.refusal());
				}
				else {
					upgrade.error(failure);
					EdgeObservations.cancelled(upgrade);
				}
			})
			.doOnCancel(() -> EdgeObservations.cancelled(upgrade));
	}

	private Mono<Prepared> prepare(EdgeRoute route, String method, URI uri, HttpHeaders headers,
			InetSocketAddress peer, InetSocketAddress client, Principal principal, boolean secure, EventLoop loop,
			Observation upgrade) {
		Refusal invalid = Handshakes.validate(method, headers);
		if (invalid != null) {
			return Mono.error(new HandshakeRefusedException(invalid.by(Refusal.Step.HANDSHAKE, null)));
		}
		if (!route.originPolicy().allows(headers.getOrigin())) {
			return Mono.error(new HandshakeRefusedException(new Refusal(403, "Forbidden: origin not allowed")
				.by(Refusal.Step.ORIGIN, "origin " + headers.getOrigin())));
		}
		return UpgradeAuthentication.authenticate(route.auth(), uri, headers, principal)
			.onErrorMap(AuthRefusedException.class, UpgradeFlow::refusal)
			.flatMap((authenticated) -> admit(route, authenticated, peer, client, secure, loop, upgrade));
	}

	private static HandshakeRefusedException refusal(AuthRefusedException refused) {
		HttpHeaders headers = new HttpHeaders();
		if (refused.status() == 401) {
			// RFC 6750 §3: a bearer-token resource answers 401 with its challenge.
			headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		}
		return new HandshakeRefusedException(new Refusal(refused.status(), refused.getMessage(), headers)
			.by(Refusal.Step.AUTHENTICATION, refused.getMessage()));
	}

	private Mono<Prepared> admit(EdgeRoute route, Authenticated authenticated, InetSocketAddress peer,
			InetSocketAddress client, boolean secure, EventLoop loop, Observation upgrade) {
		Principal principal = authenticated.principal();
		AdmissionResult admitted = this.engine.admit(route, (client != null) ? client.getAddress() : null,
				(principal != null) ? principal.getName() : null);
		if (admitted instanceof AdmissionResult.Denied denied) {
			Refusal refusal = new Refusal(denied.status(), denied.message()).by(Refusal.Step.ADMISSION, null);
			return Mono.error(new HandshakeRefusedException(refusal));
		}
		return this.engine.admitInCluster((Admission) admitted).flatMap((shared) -> {
			if (shared instanceof AdmissionResult.Denied denied) {
				return Mono.error(new HandshakeRefusedException(
						new Refusal(denied.status(), denied.message()).by(Refusal.Step.ADMISSION, "cluster")));
			}
			return admitted(route, authenticated, client, peer, secure, loop, (Admission) shared, upgrade);
		});
	}

	private Mono<Prepared> admitted(EdgeRoute route, Authenticated authenticated, InetSocketAddress client,
			InetSocketAddress peer, boolean secure, EventLoop loop, Admission admission, Observation upgrade) {
		URI uri = authenticated.uri();
		HttpHeaders headers = authenticated.headers();
		Principal principal = authenticated.principal();
		UpgradeRequest request = new UpgradeRequest(route, uri, client, peer, this.policies.clients().trusts(peer),
				headers, principal, secure);
		request.clientSubprotocol(authenticated.subprotocol());
		Mono<Void> interceptors = route.upgradeChain().isEmpty() ? Mono.empty()
				: Mono.fromCompletionStage(request::runInterceptors);
		return interceptors.then(Mono.defer(() -> {
			Refusal refusal = request.refusal();
			if (refusal != null) {
				return Mono.error(new HandshakeRefusedException(refusal));
			}
			// A pool's targets were checked when configured or discovered; a URI an interceptor chose is checked now.
			boolean pooled = route.pool() != null && !request.upstreamUriSet();
			if (!pooled && !this.policies.upstreams().allows(request.upstreamUri())) {
				return Mono.error(new HandshakeRefusedException(new Refusal(403, "Forbidden: upstream not allowed")
					.by(Refusal.Step.UPSTREAM_POLICY, "upstream " + EdgeRoute.describe(request.upstreamUri())
							+ " is outside wsedge.upstream-policy: "
							+ this.policies.upstreams().refusal(request.upstreamUri()))));
			}
			return dial(route, request, admission, loop, upgrade);
		})).doOnError((failure) -> admission.release()).doOnCancel(admission::release);
	}

	private Mono<Prepared> dial(EdgeRoute route, UpgradeRequest request, Admission admission, EventLoop loop,
			Observation upgrade) {
		Mono<Upstream> connect;
		if (route.pool() != null && !request.upstreamUriSet()) {
			connect = new UpstreamFailover(route, request, (uri) -> dialOnce(route, request, uri, loop, upgrade))
				.dial();
		}
		else {
			connect = dialOnce(route, request, request.upstreamUri(), loop, upgrade);
		}
		if (!upgrade.isNoop()) {
			// Each dial attempt's observation is a child of the upgrade's.
			connect = connect.contextWrite(Context.of(EdgeObservations.UPGRADE_KEY, upgrade));
		}
		RouteMetrics metrics = request.route().metrics();
		long[] started = new long[1];
		return connect.doOnSubscribe((subscription) -> started[0] = System.nanoTime())
			.doOnNext((upstream) -> metrics.upstreamConnect(System.nanoTime() - started[0], "success"))
			.doOnError(UpstreamException.class,
					(failure) -> metrics.upstreamConnect(System.nanoTime() - started[0], failure.outcome()))
			.map((upstream) -> new Prepared(request, upstream, admission, upgrade))
			.onErrorMap(UpstreamException.class, (failure) -> {
				String message = switch (failure.status()) {
					case 502 -> "Bad Gateway: the upstream is unavailable";
					case 504 -> "Gateway Timeout: the upstream did not answer in time";
					default -> "The upstream refused the WebSocket handshake";
				};
				return new HandshakeRefusedException(new Refusal(failure.status(), message, failure.headers())
					.by(failure.refusedByPolicy() ? Refusal.Step.UPSTREAM_POLICY : Refusal.Step.UPSTREAM,
							failure.getMessage()));
			});
	}

	/** One dial of one upstream: a single try, which {@link UpstreamFailover} repeats for a pool. */
	private static Mono<Upstream> dialOnce(EdgeRoute route, UpgradeRequest request, URI uri, EventLoop loop,
			Observation upgrade) {
		Mono<Upstream> connect = Mono.defer(() -> {
			if (!upgrade.isNoop()) {
				// The target of the last try, the one that answered or the last to fail.
				EdgeObservations.upstreamTarget(upgrade, EdgeRoute.describe(uri));
			}
			return route.dialer().dial(route, uri, request.upstreamHeaders(), request.subprotocolOffer());
		});
		if (loop != null && !loop.inEventLoop()) {
			// Dialled from the client's loop, the upstream connection is placed on it too (Reactor Netty's
			// colocation), so both legs of the session share one thread.
			connect = connect.subscribeOn(Schedulers.fromExecutor(loop));
		}
		return connect;
	}

	/**
	 * Accepts a prepared upgrade, the last step before the client's upgrade: refuses it (and abandons it) when
	 * the upstream selected a subprotocol the client did not offer (RFC 6455 §4.1 lets only the client's
	 * offers be selected) or when the edge started draining meanwhile, and otherwise creates its session.
	 * @param prepared the prepared upgrade
	 * @return the accepted upgrade, to start once the client's upgrade completes, or to abandon
	 * @throws HandshakeRefusedException when the upgrade is refused, with the answer for the client
	 */
	public Accepted accept(Prepared prepared) {
		UpgradeRequest request = prepared.request();
		String subprotocol = prepared.upstream().subprotocol();
		Refusal refusal = null;
		if (subprotocol != null && !request.subprotocols().contains(subprotocol)) {
			refusal = new Refusal(502, "Bad Gateway: the upstream selected a subprotocol the client did not offer")
				.by(Refusal.Step.SUBPROTOCOL, "upstream selected " + subprotocol);
		}
		else if (this.engine.isDraining()) {
			refusal = new Refusal(503, "Service Unavailable: the server is shutting down").by(Refusal.Step.DRAIN,
					null);
		}
		if (refusal != null) {
			answered(prepared.observation(), refusal);
			prepared.abandon();
			throw new HandshakeRefusedException(refusal);
		}
		if (request.clientSubprotocol() != null) {
			// The route's subprotocol marker carried the token: the client gets the marker, one of its offers.
			subprotocol = request.clientSubprotocol();
		}
		try {
			Principal principal = request.principal().orElse(null);
			TokenAuthenticator authenticator = request.route().auth().authenticator();
			Instant expiry = (principal != null && authenticator != null) ? authenticator.expiresAt(principal) : null;
			ProxySession session = new ProxySession(this.engine, request.route(), request.remoteAddress(),
					request.uri(), request.requestHeaders(), principal, request.attributesIfAny(), expiry);
			return new Accepted(prepared, session, subprotocol, this.observations);
		}
		catch (RuntimeException ex) {
			prepared.abandon();
			throw ex;
		}
	}

	/**
	 * Counts a refused upgrade and logs it, in one line at DEBUG: a refusal is an answer to a client, which any
	 * client can cause, not a fault of the edge. Called by the server adapter as it answers.
	 * @param route the route
	 * @param client the client's address, or {@code null}
	 * @param refusal the answer
	 */
	public void refused(EdgeRoute route, InetSocketAddress client, Refusal refusal) {
		route.metrics().handshake(false, refusal.status());
		if (logger.isDebugEnabled()) {
			logger.debug("Upgrade refused: route=" + route.id() + " client=" + address(client) + " status="
					+ refusal.status() + " by=" + refusal.by().tagValue()
					+ ((refusal.detail() != null) ? " detail=\"" + refusal.detail() + "\"" : ""));
		}
	}

	private static void answered(Observation upgrade, Refusal refusal) {
		EdgeObservations.answered(upgrade, refusal.status(), refusal.by().tagValue(), refusal.detail());
	}

	static String address(InetSocketAddress address) {
		if (address == null) {
			return "-";
		}
		return (address.getAddress() != null) ? address.getAddress().getHostAddress() + ":" + address.getPort()
				: address.getHostString() + ":" + address.getPort();
	}

	/**
	 * An upgrade ready for the client: its request and its connected upstream.
	 *
	 * @param request the upgrade request
	 * @param upstream the connected upstream
	 * @param admission the upgrade's place under the connection caps
	 * @param observation the upgrade's {@code wsedge.upgrade} observation, not stopped yet
	 */
	public record Prepared(UpgradeRequest request, Upstream upstream, Admission admission, Observation observation) {

		/**
		 * Gives up an upgrade that will not become a session.
		 */
		public void abandon() {
			EdgeObservations.cancelled(this.observation);
			this.upstream.abort();
			this.admission.release();
		}

	}

	/**
	 * An accepted upgrade: its session waits for the client's leg.
	 *
	 * @param prepared the prepared upgrade
	 * @param session the session, not started yet
	 * @param subprotocol the subprotocol to answer the client with, or {@code null}
	 * @param observations the observations that follow the session
	 */
	public record Accepted(Prepared prepared, ProxySession session, String subprotocol,
			EdgeObservations observations) {

		/**
		 * Starts the session once the client's upgrade is complete and binds the upstream leg to it; the
		 * caller binds the client's leg, the way its stack does.
		 * @param client the client's leg
		 * @param executor the thread that runs the session
		 */
		public void start(Leg client, EventExecutor executor) {
			this.session.route().metrics().handshake(true, 101);
			Observation upgrade = this.prepared.observation();
			EdgeObservations.answered(upgrade, 101, null, null);
			this.observations.session(this.session, upgrade);
			this.session.start(client, this.prepared.upstream().leg(), this.subprotocol, this.prepared.admission());
			this.prepared.upstream().bind(this.session, executor);
		}

		/**
		 * Gives up an upgrade whose client never got its WebSocket.
		 */
		public void abandon() {
			this.prepared.abandon();
		}

	}

}
