package io.wsedge.autoconfigure;

import lombok.Getter;
import lombok.Setter;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

import io.wsedge.policy.ClosePolicies;
import io.wsedge.policy.ClosePolicyKind;
import io.wsedge.policy.ClosePolicy;

/**
 * The close frames the edge sends when it ends a session on its own, one entry per {@link ClosePolicyKind}.
 * The defaults are the engine's ({@link ClosePolicies#DEFAULTS}); the processor cannot read them from a
 * constructor call, so additional-spring-configuration-metadata.json repeats them for IDEs and
 * ConfigurationMetadataTests keeps the two equal. Unknown keys are refused at startup like every unknown key
 * under wsedge.
 */
@ConfigurationProperties("wsedge.close-policies")
@Getter
@Setter
public class WsEdgeClosePoliciesProperties {

	/**
	 * A message over the payload limit: code to the sender, peer code to the other side.
	 */
	@NestedConfigurationProperty
	private Policy payloadTooBig = new Policy(ClosePolicies.DEFAULTS.get(ClosePolicyKind.PAYLOAD_TOO_BIG));

	/**
	 * No data message in either direction for the idle timeout: code and reason to both sides.
	 */
	@NestedConfigurationProperty
	private Policy idleTimeout = new Policy(ClosePolicies.DEFAULTS.get(ClosePolicyKind.IDLE_TIMEOUT));

	/**
	 * The client did not answer an edge ping in time: code to the client, peer code to the upstream.
	 */
	@NestedConfigurationProperty
	private Policy pingTimeout = new Policy(ClosePolicies.DEFAULTS.get(ClosePolicyKind.PING_TIMEOUT));

	/**
	 * The client sent faster than its rate limit: code to the client, peer code to the upstream.
	 */
	@NestedConfigurationProperty
	private Policy rateLimit = new Policy(ClosePolicies.DEFAULTS.get(ClosePolicyKind.RATE_LIMIT));

	/**
	 * A peer left more than max-buffered-bytes unread: code to that peer, peer code to the other side.
	 */
	@NestedConfigurationProperty
	private Policy bufferOverflow = new Policy(ClosePolicies.DEFAULTS.get(ClosePolicyKind.BUFFER_OVERFLOW));

	/**
	 * The client vanished without a close frame: code to the upstream.
	 */
	@NestedConfigurationProperty
	private Policy clientGone = new Policy(ClosePolicies.DEFAULTS.get(ClosePolicyKind.CLIENT_GONE));

	/**
	 * The upstream vanished, failed or broke the protocol: code to the client.
	 */
	@NestedConfigurationProperty
	private Policy upstreamFailure = new Policy(ClosePolicies.DEFAULTS.get(ClosePolicyKind.UPSTREAM_FAILURE));

	/**
	 * An interceptor threw or its deferred stage failed: code to the client, peer code to the upstream.
	 */
	@NestedConfigurationProperty
	private Policy interceptorError = new Policy(ClosePolicies.DEFAULTS.get(ClosePolicyKind.INTERCEPTOR_ERROR));

	/**
	 * The application is stopping: code and reason to both sides (1012, service restart, is a common choice).
	 */
	@NestedConfigurationProperty
	private Policy shutdown = new Policy(ClosePolicies.DEFAULTS.get(ClosePolicyKind.SHUTDOWN));

	/**
	 * A session reached its maximum lifetime (max-session-duration): code and reason to both sides.
	 */
	@NestedConfigurationProperty
	private Policy sessionLifetime = new Policy(ClosePolicies.DEFAULTS.get(ClosePolicyKind.SESSION_LIFETIME));

	/**
	 * A message failed the route's validation: code to the sender (its reason followed by a short, sanitised
	 * description of the failure), peer code to the other side.
	 */
	@NestedConfigurationProperty
	private Policy invalidMessage = new Policy(ClosePolicies.DEFAULTS.get(ClosePolicyKind.INVALID_MESSAGE));

	/**
	 * The JWT a session was opened with expired without being renewed: code to the client, peer code to the
	 * upstream.
	 */
	@NestedConfigurationProperty
	private Policy tokenExpired = new Policy(ClosePolicies.DEFAULTS.get(ClosePolicyKind.TOKEN_EXPIRED));

	/**
	 * The policy of one kind.
	 * @param kind the kind
	 * @return the configured close frames of that kind
	 */
	Policy policy(ClosePolicyKind kind) {
		return switch (kind) {
			case PAYLOAD_TOO_BIG -> this.payloadTooBig;
			case IDLE_TIMEOUT -> this.idleTimeout;
			case PING_TIMEOUT -> this.pingTimeout;
			case RATE_LIMIT -> this.rateLimit;
			case BUFFER_OVERFLOW -> this.bufferOverflow;
			case CLIENT_GONE -> this.clientGone;
			case UPSTREAM_FAILURE -> this.upstreamFailure;
			case INTERCEPTOR_ERROR -> this.interceptorError;
			case SHUTDOWN -> this.shutdown;
			case SESSION_LIFETIME -> this.sessionLifetime;
			case INVALID_MESSAGE -> this.invalidMessage;
			case TOKEN_EXPIRED -> this.tokenExpired;
		};
	}

	/**
	 * The close frames of one case.
	 */
	@Getter
	@Setter
	public static class Policy {

		/**
		 * Close code sent to the side that caused the close (to both sides where none did); 1000-1003,
		 * 1007-1014 or 3000-4999.
		 */
		private int code;

		/**
		 * Close reason sent with the code, at most 123 UTF-8 bytes.
		 */
		private String reason;

		/**
		 * Close code sent to the other side.
		 */
		private int peerCode;

		/**
		 * Close reason sent with the peer code, at most 123 UTF-8 bytes.
		 */
		private String peerReason;

		public Policy() {
		}

		Policy(ClosePolicy defaults) {
			this.code = defaults.cause().code();
			this.reason = defaults.cause().reason();
			this.peerCode = defaults.peer().code();
			this.peerReason = defaults.peer().reason();
		}

	}

}
