package io.wsedge.observation;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.http.HttpHeaders;

import io.wsedge.api.FrameType;
import io.wsedge.api.SessionSummary;
import io.wsedge.engine.MessageObserver;
import io.wsedge.engine.ProxySession;
import io.wsedge.engine.Side;

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

	private static final MessageObservationConvention DEFAULT_MESSAGE = new DefaultMessageObservationConvention();

	private final ObservationRegistry registry;

	private final UpgradeObservationConvention upgrade;

	private final UpstreamConnectObservationConvention connect;

	private final SessionObservationConvention session;

	private final MessageObservationConvention message;

	private final double messageSamplingRatio;

	/**
	 * Creates the observations of an edge.
	 * @param registry the registry
	 * @param upgrade the convention replacing the default one of {@code wsedge.upgrade}, or {@code null}
	 * @param connect the convention replacing the default one of {@code wsedge.upstream.connect}, or {@code null}
	 * @param session the convention replacing the default one of {@code wsedge.session}, or {@code null}
	 */
	public EdgeObservations(ObservationRegistry registry, UpgradeObservationConvention upgrade,
			UpstreamConnectObservationConvention connect, SessionObservationConvention session) {
		this(registry, upgrade, connect, session, null, 0);
	}

	private EdgeObservations(ObservationRegistry registry, UpgradeObservationConvention upgrade,
			UpstreamConnectObservationConvention connect, SessionObservationConvention session,
			MessageObservationConvention message, double messageSamplingRatio) {
		this.registry = registry;
		this.upgrade = upgrade;
		this.connect = connect;
		this.session = session;
		this.message = message;
		this.messageSamplingRatio = messageSamplingRatio;
	}

	/**
	 * Observes messages too ({@code wsedge.message}): each message of a session, from its arrival through the
	 * interceptor chain, a child of the session's observation; off unless called. Costs an observation per
	 * message observed, so sample.
	 * @param convention the convention replacing the default one, or {@code null}
	 * @param samplingRatio the share of messages observed, from 0 (none) to 1 (all)
	 * @return observations that observe messages too
	 */
	public EdgeObservations withMessages(MessageObservationConvention convention, double samplingRatio) {
		if (samplingRatio < 0 || samplingRatio > 1) {
			throw new IllegalArgumentException("The sampling ratio is between 0 and 1, not " + samplingRatio);
		}
		return new EdgeObservations(this.registry, this.upgrade, this.connect, this.session, convention,
				samplingRatio);
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
	 * @param refusedBy the step that refused it ({@code origin}, {@code upstream}, ...), {@code null} when
	 * accepted
	 * @param detail why it was refused, or {@code null}
	 */
	public static void answered(Observation upgrade, int status, String refusedBy, String detail) {
		if (upgrade.getContext() instanceof UpgradeObservationContext context && context.answered(status, refusedBy)) {
			if (detail != null) {
				upgrade.highCardinalityKeyValue("refusal.detail", detail);
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
	 * Observes a session from now until it ends, and its messages when {@link #withMessages} asked for them.
	 * @param session the session, not started yet
	 * @param parent the observation of the upgrade that opened it
	 */
	public void session(ProxySession session, Observation parent) {
		if (this.registry.isNoop()) {
			return;
		}
		Observation observation = session(session.routeId(), session.id(), session.end(), parent);
		if (this.messageSamplingRatio > 0 && !observation.isNoop()) {
			session.observeMessages(new Messages(session.routeId(), session.id(), observation));
		}
	}

	private Observation session(String routeId, String sessionId, CompletableFuture<SessionSummary> end,
			Observation parent) {
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
		return observation;
	}

	/** The messages of one session, sampled; on the session's event loop. */
	private final class Messages implements MessageObserver {

		private final String routeId;

		private final String sessionId;

		private final Observation session;

		Messages(String routeId, String sessionId, Observation session) {
			this.routeId = routeId;
			this.sessionId = sessionId;
			this.session = session;
		}

		@Override
		public Object start(Side from, FrameType type, long size) {
			double ratio = EdgeObservations.this.messageSamplingRatio;
			if (ratio < 1 && ThreadLocalRandom.current().nextDouble() >= ratio) {
				return null;
			}
			Observation observation = Observation.createNotStarted(EdgeObservations.this.message, DEFAULT_MESSAGE,
					() -> new MessageObservationContext(this.routeId, this.sessionId, from, type, size),
					EdgeObservations.this.registry)
				.parentObservation(this.session)
				.start();
			return observation.isNoop() ? null : observation;
		}

		@Override
		public void stop(Object handle, String outcome, Throwable error) {
			Observation observation = (Observation) handle;
			if (observation.getContext() instanceof MessageObservationContext context) {
				context.setOutcome(outcome);
			}
			if (error != null) {
				observation.error(error);
			}
			observation.stop();
		}

	}

}
