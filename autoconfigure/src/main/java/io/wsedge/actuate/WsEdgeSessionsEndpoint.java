package io.wsedge.actuate;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

import io.wsedge.policy.CloseCodes;
import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.engine.ProxySession;
import io.wsedge.policy.CloseStatus;
import io.wsedge.engine.Side;

/**
 * The {@code wsedgesessions} actuator endpoint: lists the open sessions and closes them.
 * <ul>
 * <li>{@code GET /actuator/wsedgesessions[?route=ID]}: every open session (of one route);</li>
 * <li>{@code GET /actuator/wsedgesessions/{id}}: one session, 404 if it is not open;</li>
 * <li>{@code DELETE /actuator/wsedgesessions/{id}[?code=&reason=]}: closes one session on both sides with the
 * code and reason (by default 1000 and "closed by operator"); 204, or 404 if it is not open;</li>
 * <li>{@code DELETE /actuator/wsedgesessions?route=ID[&code=&reason=]}: closes every session of a route; 404
 * for an unknown route.</li>
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

	private final EdgeRoutes routes;

	/**
	 * Creates the endpoint.
	 * @param engine the engine that holds the sessions
	 * @param routes the configured routes, to tell an unknown route from one without sessions
	 */
	public WsEdgeSessionsEndpoint(EdgeEngine engine, EdgeRoutes routes) {
		this.engine = engine;
		this.routes = routes;
	}

	/**
	 * The open sessions, oldest first.
	 * @param route the id of the route whose sessions to list, or {@code null} for all
	 * @return the sessions
	 */
	@ReadOperation
	public SessionsDescriptor sessions(@Nullable String route) {
		Instant now = Instant.now();
		List<SessionDescriptor> sessions = this.engine.sessions()
			.stream()
			.filter((session) -> route == null || route.equals(session.routeId()))
			.sorted(Comparator.comparing(ProxySession::startedAt))
			.map((session) -> SessionDescriptor.of(session, now))
			.toList();
		return new SessionsDescriptor(sessions);
	}

	/**
	 * One open session.
	 * @param id the session id
	 * @return the session, or 404
	 */
	@ReadOperation
	public WebEndpointResponse<SessionDescriptor> session(@Selector String id) {
		ProxySession session = this.engine.session(id);
		if (session == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		return new WebEndpointResponse<>(SessionDescriptor.of(session, Instant.now()));
	}

	/**
	 * Closes one session on both sides.
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
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		session.closeFromOutside(status);
		return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NO_CONTENT);
	}

	/**
	 * Closes every open session of a route on both sides.
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
		int closed = 0;
		for (ProxySession session : this.engine.sessions()) {
			if (route.equals(session.routeId())) {
				session.closeFromOutside(status);
				closed++;
			}
		}
		return new WebEndpointResponse<>(new ClosedDescriptor(route, closed));
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
	 * @param sessions the sessions, oldest first
	 */
	public record SessionsDescriptor(List<SessionDescriptor> sessions) implements OperationResponseBody {
	}

	/**
	 * One open session.
	 *
	 * @param id the session id
	 * @param route the id of the route that accepted it
	 * @param clientAddress the client's address and port
	 * @param startedAt when the session opened (ISO-8601)
	 * @param age how long it has been open (ISO-8601 duration, such as {@code PT12.5S})
	 * @param subprotocol the subprotocol in use, or {@code null}
	 * @param messages data messages received, per side they came from
	 * @param bytes payload bytes of those messages, per side they came from
	 */
	public record SessionDescriptor(String id, String route, @Nullable String clientAddress, String startedAt,
			String age, @Nullable String subprotocol, PerDirection messages,
			PerDirection bytes) implements OperationResponseBody {

		static SessionDescriptor of(ProxySession session, Instant now) {
			Instant startedAt = session.startedAt();
			Duration age = Duration.between(startedAt, now).truncatedTo(ChronoUnit.MILLIS);
			return new SessionDescriptor(session.id(), session.routeId(), address(session.remoteAddress()),
					startedAt.toString(), age.toString(), session.subprotocol().orElse(null),
					new PerDirection(session.messages(Side.CLIENT), session.messages(Side.UPSTREAM)),
					new PerDirection(session.bytes(Side.CLIENT), session.bytes(Side.UPSTREAM)));
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
