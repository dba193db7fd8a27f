package io.wsedge.policy;

import java.util.EnumMap;
import java.util.Map;

/**
 * The close policy of every {@link ClosePolicyKind}. Codes follow RFC 6455 §7.4.1 and the IANA registry.
 */
public final class ClosePolicies {

	/** The defaults, as documented in the README. */
	public static final ClosePolicies DEFAULTS = new ClosePolicies(defaults());

	private final ClosePolicy[] policies;

	private ClosePolicies(Map<ClosePolicyKind, ClosePolicy> policies) {
		this.policies = new ClosePolicy[ClosePolicyKind.values().length];
		for (ClosePolicyKind kind : ClosePolicyKind.values()) {
			ClosePolicy policy = policies.get(kind);
			if (policy == null) {
				throw new IllegalArgumentException("No close policy for " + kind);
			}
			this.policies[kind.ordinal()] = policy;
		}
	}

	/**
	 * The policies given, the defaults for every kind not given.
	 * @param policies policies by kind
	 * @return the close policies
	 */
	public static ClosePolicies of(Map<ClosePolicyKind, ClosePolicy> policies) {
		Map<ClosePolicyKind, ClosePolicy> all = defaults();
		all.putAll(policies);
		return new ClosePolicies(all);
	}

	/**
	 * The policy of one kind.
	 * @param kind the kind
	 * @return its policy
	 */
	public ClosePolicy get(ClosePolicyKind kind) {
		return this.policies[kind.ordinal()];
	}

	private static Map<ClosePolicyKind, ClosePolicy> defaults() {
		Map<ClosePolicyKind, ClosePolicy> defaults = new EnumMap<>(ClosePolicyKind.class);
		defaults.put(ClosePolicyKind.PAYLOAD_TOO_BIG, new ClosePolicy(1009, "message too big", 1001, "peer message too big"));
		defaults.put(ClosePolicyKind.IDLE_TIMEOUT, new ClosePolicy(1001, "idle timeout", 1001, "idle timeout"));
		defaults.put(ClosePolicyKind.PING_TIMEOUT, new ClosePolicy(1001, "ping timeout", 1001, "client ping timeout"));
		defaults.put(ClosePolicyKind.RATE_LIMIT,
				new ClosePolicy(1008, "rate limit exceeded", 1001, "client rate limit exceeded"));
		defaults.put(ClosePolicyKind.BUFFER_OVERFLOW,
				new ClosePolicy(1008, "slow consumer", 1001, "peer is a slow consumer"));
		defaults.put(ClosePolicyKind.CLIENT_GONE, new ClosePolicy(1001, "client gone", 1001, "client gone"));
		defaults.put(ClosePolicyKind.UPSTREAM_FAILURE, new ClosePolicy(1014, "upstream failure", 1001, "upstream failure"));
		defaults.put(ClosePolicyKind.INTERCEPTOR_ERROR, new ClosePolicy(1011, "internal error", 1001, "internal error"));
		defaults.put(ClosePolicyKind.SHUTDOWN, new ClosePolicy(1001, "server shutting down", 1001, "server shutting down"));
		defaults.put(ClosePolicyKind.SESSION_LIFETIME,
				new ClosePolicy(1001, "session lifetime reached", 1001, "session lifetime reached"));
		defaults.put(ClosePolicyKind.INVALID_MESSAGE,
				new ClosePolicy(1007, "invalid message", 1001, "peer sent an invalid message"));
		defaults.put(ClosePolicyKind.TOKEN_EXPIRED, new ClosePolicy(1008, "token expired", 1001, "client token expired"));
		return defaults;
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder("ClosePolicies{");
		for (ClosePolicyKind kind : ClosePolicyKind.values()) {
			text.append((kind.ordinal() > 0) ? ", " : "").append(kind).append('=').append(get(kind));
		}
		return text.append('}').toString();
	}

}
