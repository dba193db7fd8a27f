package io.wsedge.observation;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.http.HttpHeaders;

import io.wsedge.api.SessionSummary;
import io.wsedge.upgrade.Refusal;

/**
 * Starts and ends the edge's Micrometer observations: {@code wsedge.upgrade} per upgrade request,
 * {@code wsedge.upstream.connect} per dial attempt (a child of the upgrade) and {@code wsedge.session} per
 * session (a child of the upgrade that opened it), each with its replaceable convention. Nothing here runs per
 * message. With the {@link ObservationRegistry#NOOP no-op registry}, or when an {@code ObservationPredicate}
 * turns an observation off, every method does next to nothing.
 */
public final class EdgeObservations {

	/** No observations. */
	public static final EdgeObservations NOOP = new EdgeObservations(ObservationRegistry.NOOP, null, null, null);

	/**
	 * The key under which the upgrade's observation travels in the Reactor context of the dial, so that each dial
	 * attempt's observation is its child.
	 */
	public static final String UPGRADE_KEY = EdgeObservations.class.getName() + ".upgrade";

	private static final UpgradeObservationConvention DEFAULT_UPGRADE = new DefaultUpgradeObservationConvention();

	private static final UpstreamConnectObservationConvention DEFAULT_CONNECT = new DefaultUpstreamConnectObservationConvention();

	private static final SessionObservationConvention DEFAULT_SESSION = new DefaultSessionObservationConvention();

	private final ObservationRegistry registry;

	private final UpgradeObservationConvention upgrade;

	private final UpstreamConnectObservationConvention connect;

	private final SessionObservationConvention session;

	/**
	 * Creates the observations of an edge.
	 * @param registry the registry
	 * @param upgrade the convention replacing the default one of {@code wsedge.upgrade}, or {@code null}
	 * @param connect the convention replacing the default one of {@code wsedge.upstream.connect}, or {@code null}
	 * @param session the convention replacing the default one of {@code wsedge.session}, or {@code null}
	 */
	public EdgeObservations(ObservationRegistry registry, UpgradeObservationConvention upgrade,
			UpstreamConnectObservationConvention connect, SessionObservationConvention session) {
		this.registry = registry;
		this.upgrade = upgrade;
		this.connect = connect;
		this.session = session;
	}

	/**
	 * Whether nothing is observed: the registry is the no-op one.
	 * @return whether observations are off
	 */
	public boolean isNoop() {
		return this.registry.isNoop();
	}

	/**
	 * Starts the observation of an upgrade request.
	 * @param routeId the route that matched
	 * @param headers the request's headers, from which a tracer reads the client's trace context
	 * @param client the client's address, or {@code null}
	 * @return the started observation; end it with {@link #answered} or {@link #cancelled}
	 */
	public Observation upgrade(String routeId, HttpHeaders headers, InetSocketAddress client) {
		if (this.registry.isNoop()) {
			return Observation.NOOP;
		}
		return Observation
			.createNotStarted(this.upgrade, DEFAULT_UPGRADE,
					() -> new UpgradeObservationContext(routeId, headers, client), this.registry)
			.start();
	}

	/**
	 * Notes the upstream an upgrade dials.
	 * @param upgrade the upgrade's observation
	 * @param target the upstream, as logs show it
	 */
	public static void upstreamTarget(Observation upgrade, String target) {
		if (upgrade.getContext() instanceof UpgradeObservationContext context) {
			context.setUpstreamTarget(target);
		}
	}

	/**
	 * Ends an upgrade's observation with its answer; later calls for the same upgrade do nothing.
	 * @param upgrade the upgrade's observation
	 * @param status the HTTP status: 101, or the refusal's
	 * @param refusal the refusal, or {@code null} when accepted
	 */
	public static void answered(Observation upgrade, int status, Refusal refusal) {
		if (upgrade.getContext() instanceof UpgradeObservationContext context
				&& context.answered(status, (refusal != null) ? refusal.by() : null)) {
			if (refusal != null && refusal.detail() != null) {
				upgrade.highCardinalityKeyValue("refusal.detail", refusal.detail());
			}
			upgrade.stop();
		}
	}

	/**
	 * Ends an upgrade's observation that got no answer: the client left or the server stack gave up; does
	 * nothing if it was answered.
	 * @param upgrade the upgrade's observation
	 */
	public static void cancelled(Observation upgrade) {
		if (upgrade.getContext() instanceof UpgradeObservationContext context && context.cancel()) {
			upgrade.stop();
		}
	}

	/**
	 * Starts the observation of one dial attempt; a tracer writes its trace context into the handshake request's
	 * headers.
	 * @param routeId the route
	 * @param target the upstream, as logs show it
	 * @param headers the handshake request's headers, not sent yet
	 * @param parent the upgrade's observation, or {@code null}
	 * @return the started observation; end it with {@link #dialled}
	 */
	public Observation connect(String routeId, String target, io.netty.handler.codec.http.HttpHeaders headers,
			Observation parent) {
		if (this.registry.isNoop()) {
			return Observation.NOOP;
		}
		if (parent == null || parent.isNoop()) {
			return Observation
				.createNotStarted(this.connect, DEFAULT_CONNECT,
						() -> new UpstreamConnectObservationContext(routeId, target, headers), this.registry)
				.start();
		}
		// In the parent's scope: a tracer prefers the thread's current span to the parent observation's, and on
		// the servlet stack the thread may hold another (a security filter's, the servlet request's).
		try (Observation.Scope scope = parent.openScope()) {
			return Observation
				.createNotStarted(this.connect, DEFAULT_CONNECT,
						() -> new UpstreamConnectObservationContext(routeId, target, headers), this.registry)
				.parentObservation(parent)
				.start();
		}
	}

	/**
	 * Ends a dial attempt's observation; later calls for the same attempt do nothing.
	 * @param connect the attempt's observation
	 * @param outcome {@code success}, {@code refused}, {@code unreachable}, {@code timeout} or {@code cancelled}
	 * @param status the status for the client (101 on success), 0 if none
	 * @param error the failure, or {@code null}
	 */
	public static void dialled(Observation connect, String outcome, int status, Throwable error) {
		if (connect.getContext() instanceof UpstreamConnectObservationContext context
				&& context.ended(outcome, status)) {
			if (error != null) {
				connect.error(error);
			}
			connect.stop();
		}
	}

	/**
	 * Observes a session from now until it ends.
	 * @param routeId the route
	 * @param sessionId the session's id
	 * @param end completed with the session's summary when it ends
	 * @param parent the observation of the upgrade that opened it
	 */
	public void session(String routeId, String sessionId, CompletableFuture<SessionSummary> end, Observation parent) {
		if (this.registry.isNoop()) {
			return;
		}
		SessionObservationContext context = new SessionObservationContext(routeId, sessionId);
		Observation observation = Observation.createNotStarted(this.session, DEFAULT_SESSION, () -> context,
				this.registry);
		if (parent.isNoop()) {
			observation.start();
		}
		else {
			try (Observation.Scope scope = parent.openScope()) {
				observation.parentObservation(parent).start();
			}
		}
		end.whenComplete((summary, failure) -> {
			context.setSummary(summary);
			if (failure != null) {
				observation.error(failure);
			}
			observation.stop();
		});
	}

}
