package io.wsedge.test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.http.HttpHeaders;

import io.wsedge.api.CloseInitiator;
import io.wsedge.api.EdgeSession;
import io.wsedge.api.SessionEndListener;
import io.wsedge.api.SessionSummary;

/**
 * Ends a session as described and tells {@link SessionEndListener}s, for listeners whose behaviour depends on
 * how a session ended rather than on what passed through it:
 * <pre class="code">
 * SessionEnd.builder()
 *     .attribute("user", "alice")
 *     .clientClose(1000, "bye").upstreamClose(1000, "bye").closedBy(CloseInitiator.CLIENT)
 *     .clientMessages(3, 120)
 *     .deliverTo(auditListener);
 * </pre>
 * Any close status from 1000 to 4999 may be given, 1005 (a close frame without a code) and 1006 (no close
 * frame at all) included, as a {@link SessionSummary} reports them. To have the real engine count the
 * messages and decide who closed first, run the session with {@link ChainRunner} instead. Defaults: a client
 * close 1000 answered with 1000, closed by the client, no messages, one second.
 */
public final class SessionEnd {

	private SessionEnd() {
	}

	/**
	 * Starts describing a session's end.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Describes a session's end.
	 */
	public static final class Builder extends SessionBuilder<Builder> {

		private String id = "0123456789abcdef";

		private int clientStatus = 1000;

		private String clientReason = "";

		private int upstreamStatus = 1000;

		private String upstreamReason = "";

		private CloseInitiator closedBy = CloseInitiator.CLIENT;

		private Duration duration = Duration.ofSeconds(1);

		private long clientMessages;

		private long clientBytes;

		private long upstreamMessages;

		private long upstreamBytes;

		private Builder() {
		}

		@Override
		Builder self() {
			return this;
		}

		/**
		 * Sets the session's id ({@link EdgeSession#id()}).
		 * @param id the id
		 * @return this builder
		 */
		public Builder id(String id) {
			this.id = Objects.requireNonNull(id, "id");
			return this;
		}

		/**
		 * Sets the close status and reason exchanged on the client leg.
		 * @param status 1000-4999
		 * @param reason the reason, or {@code null} for none
		 * @return this builder
		 */
		public Builder clientClose(int status, String reason) {
			this.clientStatus = requireStatus(status);
			this.clientReason = (reason != null) ? reason : "";
			return this;
		}

		/**
		 * Sets the close status and reason exchanged on the upstream leg.
		 * @param status 1000-4999
		 * @param reason the reason, or {@code null} for none
		 * @return this builder
		 */
		public Builder upstreamClose(int status, String reason) {
			this.upstreamStatus = requireStatus(status);
			this.upstreamReason = (reason != null) ? reason : "";
			return this;
		}

		private static int requireStatus(int status) {
			if (status < 1000 || status > 4999) {
				throw new IllegalArgumentException("A close status is 1000-4999, not " + status);
			}
			return status;
		}

		/**
		 * Sets which party closed first.
		 * @param initiator the party
		 * @return this builder
		 */
		public Builder closedBy(CloseInitiator initiator) {
			this.closedBy = Objects.requireNonNull(initiator, "initiator");
			return this;
		}

		/**
		 * Sets how long the session was open.
		 * @param duration the duration
		 * @return this builder
		 */
		public Builder duration(Duration duration) {
			this.duration = Objects.requireNonNull(duration, "duration");
			return this;
		}

		/**
		 * Sets the data messages received from the client.
		 * @param messages the message count
		 * @param bytes their payload bytes
		 * @return this builder
		 */
		public Builder clientMessages(long messages, long bytes) {
			this.clientMessages = requireCount(messages);
			this.clientBytes = requireCount(bytes);
			return this;
		}

		/**
		 * Sets the data messages received from the upstream.
		 * @param messages the message count
		 * @param bytes their payload bytes
		 * @return this builder
		 */
		public Builder upstreamMessages(long messages, long bytes) {
			this.upstreamMessages = requireCount(messages);
			this.upstreamBytes = requireCount(bytes);
			return this;
		}

		private static long requireCount(long count) {
			if (count < 0) {
				throw new IllegalArgumentException("A count must not be negative: " + count);
			}
			return count;
		}

		/**
		 * Creates the summary without telling anyone.
		 * @return the summary
		 */
		public SessionSummary build() {
			EdgeSession session = new EndedSession(this.id, this.routeId, this.remoteAddress, this.uri,
					HttpHeaders.readOnlyHttpHeaders(copy(this.headers)), this.principal, this.subprotocol,
					new ConcurrentHashMap<>(this.attributes));
			return new SessionSummary(session, this.clientStatus, this.clientReason, this.upstreamStatus,
					this.upstreamReason, this.closedBy, this.duration, this.clientMessages, this.clientBytes,
					this.upstreamMessages, this.upstreamBytes);
		}

		private static HttpHeaders copy(HttpHeaders headers) {
			HttpHeaders copy = new HttpHeaders();
			copy.addAll(headers);
			return copy;
		}

		/**
		 * Creates the summary and tells the listeners in order, on this thread. As on the edge, a listener
		 * that throws does not keep the next ones from being told.
		 * @param listeners the listeners
		 * @return the summary they were given
		 * @throws IllegalStateException once all were told, if any threw (the first failure is the cause,
		 * later ones are suppressed)
		 */
		public SessionSummary deliverTo(SessionEndListener... listeners) {
			SessionSummary summary = build();
			IllegalStateException failed = null;
			for (SessionEndListener listener : listeners) {
				try {
					listener.onSessionEnd(summary);
				}
				catch (RuntimeException | Error ex) {
					if (failed == null) {
						failed = new IllegalStateException(
								"Session end listener " + listener.getClass().getName() + " failed", ex);
					}
					else {
						failed.addSuppressed(ex);
					}
				}
			}
			if (failed != null) {
				throw failed;
			}
			return summary;
		}

	}

	/**
	 * The session of a described end: its handshake details and attributes.
	 */
	private record EndedSession(String id, String routeId, InetSocketAddress remoteAddress, URI uri,
			HttpHeaders handshakeHeaders, Principal principalOrNull, String subprotocolOrNull,
			Map<String, Object> attributes) implements EdgeSession {

		@Override
		public Optional<Principal> principal() {
			return Optional.ofNullable(this.principalOrNull);
		}

		@Override
		public Optional<String> subprotocol() {
			return Optional.ofNullable(this.subprotocolOrNull);
		}

	}

}
