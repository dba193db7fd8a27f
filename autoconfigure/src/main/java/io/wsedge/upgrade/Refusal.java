package io.wsedge.upgrade;

import java.util.Locale;

import org.springframework.http.HttpHeaders;

/**
 * An upgrade request answered with an HTTP status instead of a WebSocket.
 *
 * @param status the HTTP status code
 * @param message a short plain-text body for the client
 * @param headers response headers to add
 * @param by the step of the upgrade that refused it
 * @param detail why, for the edge's log and traces (may name the upstream), or {@code null}; never sent to the
 * client
 */
public record Refusal(int status, String message, HttpHeaders headers, Step by, String detail) {

	public Refusal(int status, String message) {
		this(status, message, new HttpHeaders());
	}

	public Refusal(int status, String message, HttpHeaders headers) {
		this(status, message, headers, Step.HANDSHAKE, null);
	}

	/**
	 * The same refusal, made by another step.
	 * @param by the step that refused
	 * @param detail why, or {@code null}
	 * @return the refusal
	 */
	public Refusal by(Step by, String detail) {
		return new Refusal(this.status, this.message, this.headers, by, detail);
	}

	/**
	 * The steps of an upgrade that may refuse it, in the order they run; {@link #tagValue()} names them in logs,
	 * meters and traces.
	 */
	public enum Step {

		/** The request is no valid WebSocket handshake (RFC 6455 §4.2.1). */
		HANDSHAKE,

		/** The route's origin policy. */
		ORIGIN,

		/** Authentication at the upgrade: a missing, bad or expired token, or missing authorities. */
		AUTHENTICATION,

		/** The connection caps, the drain or the memory budget. */
		ADMISSION,

		/** An upgrade interceptor rejected the request, or failed. */
		INTERCEPTOR,

		/** {@code wsedge.upstream-policy} refused the upstream address. */
		UPSTREAM_POLICY,

		/** The upstream refused the handshake, was unreachable or did not answer in time. */
		UPSTREAM,

		/** The upstream selected a subprotocol the client did not offer. */
		SUBPROTOCOL,

		/** The edge started draining while the upstream was dialled. */
		DRAIN,

		/** The upgrade was not ready in time, or the server failed to upgrade the client. */
		SERVER;

		/**
		 * The step's name in logs, tags and traces: {@code upstream-policy}.
		 * @return the name
		 */
		public String tagValue() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

}
