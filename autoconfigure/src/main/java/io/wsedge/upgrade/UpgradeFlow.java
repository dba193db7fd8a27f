package io.wsedge.upgrade;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.HttpHeaders;

import io.netty.channel.EventLoop;
import io.wsedge.policy.EdgePolicies;
import io.wsedge.engine.Admission;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.EdgeRoute;
import io.wsedge.policy.Limits;
import io.wsedge.engine.RouteMetrics;
import io.wsedge.engine.Side;
import io.wsedge.netty.UpstreamConnection;
import io.wsedge.netty.UpstreamConnector;
import io.wsedge.netty.UpstreamException;

/**
 * Everything that happens to an upgrade request before the client's upgrade is accepted, whatever the server
 * stack: the handshake is checked, the upgrade interceptors run, and the upstream is dialled, so that the
 * client gets the upstream's subprotocol, or an HTTP status, never a socket that opens and then dies.
 */
public final class UpgradeFlow {

	private static final Log logger = LogFactory.getLog(UpgradeFlow.class);

	private final EdgeEngine engine;

	private final EdgePolicies policies;

	public UpgradeFlow(EdgeEngine engine, EdgePolicies policies) {
		this.engine = engine;
		this.policies = policies;
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
	public Mono<Prepared> prepare(ServerRoute route, String method, URI uri, HttpHeaders headers,
			InetSocketAddress peer, Principal principal, boolean secure, EventLoop loop) {
		Refusal invalid = Handshakes.validate(method, headers);
		if (invalid != null) {
			return Mono.error(new HandshakeRefusedException(invalid));
		}
		EdgeRoute edgeRoute = route.route();
		if (!edgeRoute.originPolicy().allows(headers.getOrigin())) {
			return Mono.error(new HandshakeRefusedException(new Refusal(403, "Forbidden: origin not allowed")));
		}
		InetSocketAddress client = this.policies.clients().resolve(peer, headers);
		Object admitted = this.engine.admit(edgeRoute, (client != null) ? client.getAddress() : null);
		if (admitted instanceof Refusal refusal) {
			return Mono.error(new HandshakeRefusedException(refusal));
		}
		Admission admission = (Admission) admitted;
		UpgradeRequest request = new UpgradeRequest(edgeRoute, uri, client, peer,
				this.policies.clients().trusts(peer), headers, principal, secure);
		Mono<Void> interceptors = edgeRoute.upgradeChain().isEmpty() ? Mono.empty()
				: Mono.fromCompletionStage(request::runInterceptors);
		return interceptors.then(Mono.defer(() -> {
			Refusal refusal = request.refusal();
			if (refusal != null) {
				return Mono.error(new HandshakeRefusedException(refusal));
			}
			if (!this.policies.upstreams().allows(request.upstreamUri())) {
				logger.warn("Upgrade refused on " + edgeRoute + ": upstream "
						+ UpstreamConnector.describe(request.upstreamUri()) + " is outside wsedge.upstream-policy: "
						+ this.policies.upstreams().refusal(request.upstreamUri()));
				return Mono.error(new HandshakeRefusedException(
						new Refusal(403, "Forbidden: upstream not allowed")));
			}
			return dial(route, request, admission, loop);
		})).doOnError((failure) -> admission.release()).doOnCancel(admission::release);
	}

	private Mono<Prepared> dial(ServerRoute route, UpgradeRequest request, Admission admission, EventLoop loop) {
		Limits limits = request.route().limits();
		Mono<UpstreamConnection> connect = Mono.defer(() -> route.connector()
			.connect(request.upstreamUri(), request.upstreamHeaders(), request.subprotocolOffer(),
					(int) Math.min(Integer.MAX_VALUE, limits.upstreamMaxPayloadSize()), limits.connectTimeout(),
					limits.closeTimeout(), request.route().compression(Side.UPSTREAM)));
		if (loop != null && !loop.inEventLoop()) {
			// Dialled from the client's loop, the upstream connection is placed on it too (Reactor Netty's
			// colocation), so both legs of the session share one thread.
			connect = connect.subscribeOn(Schedulers.fromExecutor(loop));
		}
		RouteMetrics metrics = request.route().metrics();
		long[] started = new long[1];
		return connect.doOnSubscribe((subscription) -> started[0] = System.nanoTime())
			.doOnNext((upstream) -> metrics.upstreamConnect(System.nanoTime() - started[0], "success"))
			.doOnError(UpstreamException.class, (failure) -> metrics.upstreamConnect(System.nanoTime() - started[0],
					switch (failure.status()) {
						case 502 -> "unreachable";
						case 504 -> "timeout";
						default -> "refused";
					}))
			.map((upstream) -> new Prepared(request, upstream, admission))
			.onErrorMap(UpstreamException.class, (failure) -> {
				logger.warn("Upgrade refused on " + request.route() + ": " + failure.getMessage());
				String message = switch (failure.status()) {
					case 502 -> "Bad Gateway: the upstream is unavailable";
					case 504 -> "Gateway Timeout: the upstream did not answer in time";
					default -> "The upstream refused the WebSocket handshake";
				};
				return new HandshakeRefusedException(new Refusal(failure.status(), message, failure.headers()));
			});
	}

	/**
	 * An upgrade ready for the client: its request and its connected upstream.
	 *
	 * @param request the upgrade request
	 * @param upstream the connected upstream
	 * @param admission the upgrade's place under the connection caps
	 */
	public record Prepared(UpgradeRequest request, UpstreamConnection upstream, Admission admission) {

		/**
		 * Gives up an upgrade that will not become a session.
		 */
		public void abandon() {
			this.upstream.abort();
			this.admission.release();
		}

	}

}
