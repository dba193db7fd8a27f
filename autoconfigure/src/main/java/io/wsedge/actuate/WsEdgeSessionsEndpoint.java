package io.wsedge.actuate;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

import io.wsedge.api.EdgeMessenger;
import io.wsedge.api.OutboundMessage;
import io.wsedge.cluster.ClusterSession;
import io.wsedge.cluster.ClusterSessions;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.engine.LocalSessions;
import io.wsedge.engine.ProxySession;
import io.wsedge.engine.Side;
import io.wsedge.policy.CloseCodes;
import io.wsedge.policy.CloseStatus;

/**
 * The {@code wsedgesessions} actuator endpoint: lists the open sessions, closes them and sends to them. In
 * cluster mode ({@code wsedge.cluster.enabled}) it reaches every session of the cluster, whichever instance
 * holds it, and each session shows its instance.
 * <ul>
 * <li>{@code GET /actuator/wsedgesessions[?route=ID][&principal=NAME][&client=ADDRESS][&page=N&size=M]}: the open
 * sessions, oldest first, filtered by route, principal and client address, one page of them when a page or a
 * size is given (pages count from 0; 100 sessions a page by default);</li>
 * <li>{@code GET /actuator/wsedgesessions/{id}}: one session, 404 if it is not open;</li>
 * <li>{@code DELETE /actuator/wsedgesessions/{id}[?code=&reason=]}: closes one session on both sides with the
 * code and reason (by default 1000 and "closed by operator"); 204, or 404 if it is not open;</li>
 * <li>{@code DELETE /actuator/wsedgesessions?route=ID[&code=&reason=]}: closes every session of a route; 404
 * for an unknown route.</li>
 * <li>{@code POST /actuator/wsedgesessions} with a JSON body naming one of {@code session}, {@code principal} or
 * {@code route} and one of {@code text} or {@code binary} (base64): sends the message to those sessions'
 * clients, at most once, and answers how many sessions took it.</li>
 * </ul>
 * A code that may not be sent (RFC 6455 §7.4.1: 1000-1003, 1007-1014 and 3000-4999 may) or a reason longer
 * than 123 UTF-8 bytes is answered with 400. Closing starts the closing handshake and returns at once; the
 * session leaves the list when both sides have closed.
 * <p>
 * HTTP only, as its answers use HTTP statuses; not reachable until exposed, like every actuator endpoint.
 */
@WebEndpoint(id = "wsedgesessions")
public class WsEdgeSessionsEndpoint {

	/** The code sent when the operator gives none. */
	public static final int DEFAULT_CODE = CloseCodes.NORMAL;

	/** The reason sent when the operator gives none. */
	public static final String DEFAULT_REASON = "closed by operator";

	private final EdgeEngine engine;

	/** The page size when a page is asked for without one. */
	public static final int DEFAULT_PAGE_SIZE = 100;

	private final EdgeRoutes routes;

	private final EdgeMessenger messenger;

	private final @Nullable ClusterSessions cluster;

	/**
	 * Creates the endpoint of an edge that stands alone.
	 * @param engine the engine that holds the sessions
	 * @param routes the configured routes, to tell an unknown route from one without sessions
	 */
	public WsEdgeSessionsEndpoint(EdgeEngine engine, EdgeRoutes routes) {
		this(engine, routes, new LocalSessions(engine), null);
	}

	/**
	 * Creates the endpoint.
	 * @param engine the engine that holds the sessions
	 * @param routes the configured routes, to tell an unknown route from one without sessions
	 * @param messenger what sends to the sessions
	 * @param cluster the sessions of the cluster this edge belongs to, or {@code null} when it stands alone
	 */
	public WsEdgeSessionsEndpoint(EdgeEngine engine, EdgeRoutes routes, EdgeMessenger messenger,
			@Nullable ClusterSessions cluster) {
		this.engine = engine;
		this.routes = routes;
		this.messenger = messenger;
		this.cluster = cluster;
	}

	/**
	 * The open sessions, oldest first; in cluster mode, those of every instance.
	 * @param route the id of the route whose sessions to list, or {@code null} for all
	 * @param principal the principal whose sessions to list, or {@code null} for all
	 * @param client the client address whose sessions to list, or {@code null} for all
	 * @param page the page, from 0, or {@code null} for the first
	 * @param size the sessions in a page, or {@code null} for all of them (100 when a page is given)
	 * @return the sessions
	 */
	@ReadOperation
	public SessionsDescriptor sessions(@Nullable String route, @Nullable String principal, @Nullable String client,
			@Nullable Integer page, @Nullable Integer size) {
		if ((page != null && page < 0) || (size != null && size < 1)) {
			throw new InvalidEndpointRequestException("Invalid page", "page must be 0 or more and size 1 or more");
		}
		Instant now = Instant.now();
		String instance = (this.cluster != null) ? this.cluster.instanceId() : null;
		List<SessionDescriptor> sessions = new ArrayList<>();
		for (ProxySession session : this.engine.sessions()) {
			SessionDescriptor described = SessionDescriptor.of(session, now, instance);
			if (described.matches(route, principal, client)) {
				sessions.add(described);
			}
		}
		boolean complete = true;
		if (this.cluster != null) {
			try {
				List<ClusterSession> everywhere = this.cluster.sessions().block();
				for (ClusterSession session : (everywhere != null) ? everywhere : List.<ClusterSession>of()) {
					if (!session.instance().equals(instance)) {
						SessionDescriptor described = SessionDescriptor.of(session, now);
						if (described.matches(route, principal, client)) {
							sessions.add(described);
						}
					}
				}
			}
			catch (RuntimeException ex) {
				// Redis is away: this instance's own sessions, said to be only part of the cluster's.
				complete = false;
			}
		}
		sessions.sort(Comparator.comparing((SessionDescriptor session) -> Instant.parse(session.startedAt()))
			.thenComparing(SessionDescriptor::id));
		int total = sessions.size();
		if (page != null || size != null) {
			int pageSize = (size != null) ? size : DEFAULT_PAGE_SIZE;
			long from = Math.min(total, (long) ((page != null) ? page : 0) * pageSize);
			sessions = sessions.subList((int) from, (int) Math.min(total, from + pageSize));
		}
		return new SessionsDescriptor(List.copyOf(sessions), total, complete);
	}

	/**
	 * Sends a message to the clients of one session, of every session of a principal, or of every session of a
	 * route, wherever they are in the cluster.
	 * @param session the session's id
	 * @param principal the principal's name
	 * @param route the route's id
	 * @param text a text message
	 * @param binary a binary message, in base64
	 * @return how many sessions took the message
	 */
	@WriteOperation
	public SentDescriptor send(@Nullable String session, @Nullable String principal, @Nullable String route,
			@Nullable String text, @Nullable String binary) {
		if (count(session, principal, route) != 1 || count(text, binary) != 1) {
			throw new InvalidEndpointRequestException("Name one target and one message",
					"Name exactly one of session, principal or route, and exactly one of text or binary (base64)");
		}
		OutboundMessage message;
		if (text != null) {
			message = OutboundMessage.text(text);
		}
		else {
			try {
				message = new OutboundMessage(true, Base64.getDecoder().decode(binary));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidEndpointRequestException("binary is not base64", "binary must be base64");
			}
		}
		CompletionStage<Integer> sent = (session != null) ? this.messenger.sendToSession(session, message)
				: (principal != null) ? this.messenger.sendToPrincipal(principal, message)
						: this.messenger.sendToRoute(route, message);
		try {
			return new SentDescriptor(sent.toCompletableFuture().get(10, TimeUnit.SECONDS));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Sending failed", ex);
		}
	}

	private static int count(@Nullable Object... values) {
		int count = 0;
		for (Object value : values) {
			if (value != null) {
				count++;
			}
		}
		return count;
	}

	/**
	 * One open session.
	 * @param id the session id
	 * @return the session, or 404
	 */
	@ReadOperation
	public WebEndpointResponse<SessionDescriptor> session(@Selector String id) {
		ProxySession session = this.engine.session(id);
		if (session != null) {
			return new WebEndpointResponse<>(SessionDescriptor.of(session, Instant.now(),
					(this.cluster != null) ? this.cluster.instanceId() : null));
		}
		if (this.cluster != null) {
			try {
				List<ClusterSession> everywhere = this.cluster.sessions().block();
				for (ClusterSession other : (everywhere != null) ? everywhere : List.<ClusterSession>of()) {
					if (other.id().equals(id)) {
						return new WebEndpointResponse<>(SessionDescriptor.of(other, Instant.now()));
					}
				}
			}
			catch (RuntimeException ex) {
				return new WebEndpointResponse<>(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
			}
		}
		return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

	/**
	 * Closes one session on both sides, wherever it lives in cluster mode.
	 * @param id the session id
	 * @param code the close status, 1000 if {@code null}
	 * @param reason the close reason, "closed by operator" if {@code null}
	 * @return 204, 404 if the session is not open, or 400 with a {@link Refused} saying why
	 */
	@DeleteOperation
	public WebEndpointResponse<Object> close(@Selector String id, @Nullable String code, @Nullable String reason) {
		CloseStatus status;
		try {
			status = closeStatus(code, reason);
		}
		catch (IllegalArgumentException ex) {
			return refused(ex.getMessage());
		}
		ProxySession session = this.engine.session(id);
		if (session == null) {
			// Another instance's, perhaps: the one that holds it closes it.
			if (this.cluster == null || join(this.cluster
				.close(new LocalSessions.Selector(LocalSessions.Selector.Kind.SESSION, id), status)) == 0) {
				return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
			}
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NO_CONTENT);
		}
		session.closeFromOutside(status);
		return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NO_CONTENT);
	}

	/**
	 * Closes every open session of a route on both sides, on every instance in cluster mode.
	 * @param route the route id, required
	 * @param code the close status, 1000 if {@code null}
	 * @param reason the close reason, "closed by operator" if {@code null}
	 * @return how many sessions are closing, 404 if no route has that id, or 400 with a {@link Refused} saying
	 * why
	 */
	@DeleteOperation
	public WebEndpointResponse<Object> closeRoute(@Nullable String route, @Nullable String code,
			@Nullable String reason) {
		if (route == null || route.isEmpty()) {
			// Closing every session of the edge at once is not offered.
			return refused("The route parameter is required: DELETE /actuator/wsedgesessions?route=ID closes "
					+ "the sessions of one route");
		}
		CloseStatus status;
		try {
			status = closeStatus(code, reason);
		}
		catch (IllegalArgumentException ex) {
			return refused(ex.getMessage());
		}
		if (this.routes.find(route) == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		LocalSessions.Selector selector = new LocalSessions.Selector(LocalSessions.Selector.Kind.ROUTE, route);
		int closed = (this.cluster != null) ? join(this.cluster.close(selector, status))
				: new LocalSessions(this.engine).close(selector, status);
		return new WebEndpointResponse<>(new ClosedDescriptor(route, closed));
	}

	private static int join(CompletionStage<Integer> count) {
		try {
			return count.toCompletableFuture().get(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("The cluster did not answer", ex);
		}
	}

	private static WebEndpointResponse<Object> refused(String error) {
		return new WebEndpointResponse<>(new Refused(error), WebEndpointResponse.STATUS_BAD_REQUEST);
	}

	private static CloseStatus closeStatus(@Nullable String code, @Nullable String reason) {
		int status = DEFAULT_CODE;
		if (code != null) {
			try {
				status = Integer.parseInt(code.trim());
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("Close status '" + code + "' is not a number");
			}
		}
		if (!CloseCodes.isSendable(status)) {
			throw new IllegalArgumentException(
					"Close status " + status + " may not be sent; use 1000-1003, 1007-1014 or 3000-4999");
		}
		return new CloseStatus(status, (reason != null) ? CloseCodes.requireValidReason(reason) : DEFAULT_REASON);
	}

	/**
	 * Why a request to close sessions was refused (400); nothing was closed.
	 *
	 * @param error what is wrong with the request
	 */
	public record Refused(String error) implements OperationResponseBody {
	}

	/**
	 * The open sessions.
	 *
	 * @param sessions the sessions, oldest first (one page of them when a page was asked for)
	 * @param total how many sessions matched, on every page
	 * @param complete false when the cluster's registry was out of reach and only this instance's sessions are
	 * listed
	 */
	public record SessionsDescriptor(List<SessionDescriptor> sessions, int total,
			boolean complete) implements OperationResponseBody {
	}

	/**
	 * The answer to a send.
	 *
	 * @param sent how many sessions took the message
	 */
	public record SentDescriptor(int sent) implements OperationResponseBody {
	}

	/**
	 * One open session.
	 *
	 * @param id the session id
	 * @param route the id of the route that accepted it
	 * @param clientAddress the client's address and port (the address alone for another instance's session)
	 * @param principal the principal's name, or {@code null}
	 * @param instance the cluster instance that holds it, or {@code null} when the edge stands alone
	 * @param startedAt when the session opened (ISO-8601)
	 * @param age how long it has been open (ISO-8601 duration, such as {@code PT12.5S})
	 * @param subprotocol the subprotocol in use, or {@code null} (also for another instance's session)
	 * @param messages data messages received, per side they came from; {@code null} for another instance's
	 * session
	 * @param bytes payload bytes of those messages, per side they came from; {@code null} for another
	 * instance's session
	 */
	public record SessionDescriptor(String id, String route, @Nullable String clientAddress,
			@Nullable String principal, @Nullable String instance, String startedAt, String age,
			@Nullable String subprotocol, @Nullable PerDirection messages,
			@Nullable PerDirection bytes) implements OperationResponseBody {

		static SessionDescriptor of(ProxySession session, Instant now, @Nullable String instance) {
			Instant startedAt = session.startedAt();
			Duration age = Duration.between(startedAt, now).truncatedTo(ChronoUnit.MILLIS);
			return new SessionDescriptor(session.id(), session.routeId(), address(session.remoteAddress()),
					session.principal().map(java.security.Principal::getName).orElse(null), instance,
					startedAt.toString(), age.toString(), session.subprotocol().orElse(null),
					new PerDirection(session.messages(Side.CLIENT), session.messages(Side.UPSTREAM)),
					new PerDirection(session.bytes(Side.CLIENT), session.bytes(Side.UPSTREAM)));
		}

		static SessionDescriptor of(ClusterSession session, Instant now) {
			Duration age = Duration.between(session.startedAt(), now).truncatedTo(ChronoUnit.MILLIS);
			return new SessionDescriptor(session.id(), session.route(), session.client(), session.principal(),
					session.instance(), session.startedAt().toString(), age.toString(), null, null, null);
		}

		boolean matches(@Nullable String route, @Nullable String principal, @Nullable String client) {
			return (route == null || route.equals(this.route))
					&& (principal == null || principal.equals(this.principal))
					&& (client == null || (this.clientAddress != null && (this.clientAddress.equals(client)
							|| this.clientAddress.startsWith(client + ":")
							|| this.clientAddress.startsWith("[" + client + "]:"))));
		}

		private static @Nullable String address(@Nullable InetSocketAddress address) {
			if (address == null) {
				return null;
			}
			String host = (address.getAddress() != null) ? address.getAddress().getHostAddress()
					: address.getHostString();
			return (host.indexOf(':') >= 0) ? "[" + host + "]:" + address.getPort() : host + ":" + address.getPort();
		}

	}

	/**
	 * A count per direction, named like the {@code direction} tag of the metrics.
	 *
	 * @param client what came from the client
	 * @param upstream what came from the upstream
	 */
	public record PerDirection(long client, long upstream) {
	}

	/**
	 * The sessions of a route that are closing.
	 *
	 * @param route the route id
	 * @param closed how many sessions were told to close
	 */
	public record ClosedDescriptor(String route, int closed) implements OperationResponseBody {
	}

}
