package io.wsedge.policy;

/**
 * Every case in which the edge closes a session on its own. Each kind keys its close policy, its property
 * ({@code wsedge.close-policies.<key>}), its {@code policy} metric tag and its log text, all spelled as
 * {@link #key()}.
 */
public enum ClosePolicyKind {

	/** A message over the payload limit, or with more fragments than allowed (1009 to the sender). */
	PAYLOAD_TOO_BIG("payload-too-big"),

	/** No data message in either direction for the idle timeout (to both sides). */
	IDLE_TIMEOUT("idle-timeout"),

	/** No pong within the pong timeout (to the client). */
	PING_TIMEOUT("ping-timeout"),

	/** The client sends faster than its rate limit (1008 to the client). */
	RATE_LIMIT("rate-limit"),

	/**
	 * A peer does not read what the edge holds for it, or the edge as a whole holds more than its memory
	 * budget (1008 to that peer).
	 */
	BUFFER_OVERFLOW("buffer-overflow"),

	/** The client vanished without a close frame, or broke the protocol (toward the upstream). */
	CLIENT_GONE("client-gone"),

	/** The upstream vanished, failed or broke the protocol (toward the client). */
	UPSTREAM_FAILURE("upstream-failure"),

	/** An interceptor threw or its deferred stage failed (1011 to the client). */
	INTERCEPTOR_ERROR("interceptor-error"),

	/** The edge is shutting down (to both sides). */
	SHUTDOWN("shutdown"),

	/** The session reached its maximum lifetime (to both sides). */
	SESSION_LIFETIME("session-lifetime"),

	/**
	 * A message failed the route's validation: not JSON, against its schema, or binary where refused (1007 to
	 * the sender).
	 */
	INVALID_MESSAGE("invalid-message"),

	/** The credential the session was opened with expired and was not renewed (1008 to the client). */
	TOKEN_EXPIRED("token-expired");

	private final String key;

	ClosePolicyKind(String key) {
		this.key = key;
	}

	/**
	 * The kind's name in properties, metric tags and logs.
	 * @return the kebab-case key
	 */
	public String key() {
		return this.key;
	}

	/**
	 * Finds a kind by its key.
	 * @param key a kebab-case key such as {@code payload-too-big}
	 * @return the kind, or {@code null} when none has that key
	 */
	public static ClosePolicyKind ofKey(String key) {
		for (ClosePolicyKind kind : values()) {
			if (kind.key.equals(key)) {
				return kind;
			}
		}
		return null;
	}

	@Override
	public String toString() {
		return this.key;
	}

}
