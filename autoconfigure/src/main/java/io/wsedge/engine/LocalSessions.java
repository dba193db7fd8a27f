package io.wsedge.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import io.wsedge.api.EdgeMessenger;
import io.wsedge.api.OutboundMessage;
import io.wsedge.policy.CloseStatus;

/**
 * Sends to and closes the sessions of this node that a selector picks; the {@link EdgeMessenger} of an edge
 * that stands alone, and what each instance of a cluster runs for a command it receives.
 */
public final class LocalSessions implements EdgeMessenger {

	private final EdgeEngine engine;

	/**
	 * Creates the sessions' commands of one edge.
	 * @param engine the engine that holds the sessions
	 */
	public LocalSessions(EdgeEngine engine) {
		this.engine = engine;
	}

	/**
	 * Sends a message to the matching sessions.
	 * @param selector which sessions
	 * @param message the message
	 * @return how many sessions took it
	 */
	public CompletableFuture<Integer> send(Selector selector, OutboundMessage message) {
		List<CompletableFuture<Boolean>> sends = new ArrayList<>();
		for (ProxySession session : matching(selector)) {
			sends.add(session.sendToClient(message.binary(), message.payload()));
		}
		return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
			.thenApply((done) -> (int) sends.stream().filter(CompletableFuture::join).count());
	}

	/**
	 * Closes the matching sessions on both sides.
	 * @param selector which sessions
	 * @param status the close status
	 * @return how many sessions are closing
	 */
	public int close(Selector selector, CloseStatus status) {
		int closed = 0;
		for (ProxySession session : matching(selector)) {
			session.closeFromOutside(status);
			closed++;
		}
		return closed;
	}

	private List<ProxySession> matching(Selector selector) {
		if (selector.kind() == Selector.Kind.SESSION) {
			ProxySession session = this.engine.session(selector.value());
			return (session != null) ? List.of(session) : List.of();
		}
		Predicate<ProxySession> filter = (selector.kind() == Selector.Kind.ROUTE)
				? (session) -> selector.value().equals(session.routeId())
				: (session) -> session.principal().map((principal) -> selector.value().equals(principal.getName()))
					.orElse(false);
		return this.engine.sessions().stream().filter(filter).toList();
	}

	@Override
	public CompletableFuture<Integer> sendToSession(String sessionId, OutboundMessage message) {
		return send(new Selector(Selector.Kind.SESSION, sessionId), message);
	}

	@Override
	public CompletableFuture<Integer> sendToPrincipal(String principal, OutboundMessage message) {
		return send(new Selector(Selector.Kind.PRINCIPAL, principal), message);
	}

	@Override
	public CompletableFuture<Integer> sendToRoute(String routeId, OutboundMessage message) {
		return send(new Selector(Selector.Kind.ROUTE, routeId), message);
	}

	/**
	 * Which sessions a command is for.
	 *
	 * @param kind what the value names
	 * @param value a session id, a principal's name or a route id
	 */
	public record Selector(Kind kind, String value) {

		/** What a selector's value names. */
		public enum Kind {

			/** One session, by its id. */
			SESSION,

			/** Every session of a principal. */
			PRINCIPAL,

			/** Every session of a route. */
			ROUTE

		}

	}

}
