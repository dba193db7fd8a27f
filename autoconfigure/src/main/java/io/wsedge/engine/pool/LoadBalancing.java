package io.wsedge.engine.pool;

import java.time.Duration;

/**
 * How a route spreads its sessions over its upstream targets, fails over and ejects failing targets.
 *
 * @param strategy how a target is chosen
 * @param hashOn what a {@link Strategy#HASH} route hashes
 * @param hashKey the header, query parameter or cookie hashed, or {@code null} for the principal and client address
 * @param retries how many more targets a handshake may try after the first one fails
 * @param consecutiveFailures dial failures in a row that eject a target, 0 for no ejection
 * @param ejectionTime how long a first ejection lasts; each consecutive ejection doubles it
 * @param maxEjectionTime the longest an ejection lasts
 * @param maxEjectionPercent the most targets of the pool ejected at once, in percent (at least one may be)
 */
public record LoadBalancing(Strategy strategy, HashOn hashOn, String hashKey, int retries, int consecutiveFailures,
		Duration ejectionTime, Duration maxEjectionTime, int maxEjectionPercent) {

	/** Round robin, 2 retries, ejection after 3 failures for 10 s (up to 5 min), at most half of the pool. */
	public static final LoadBalancing DEFAULTS = new LoadBalancing(Strategy.ROUND_ROBIN, HashOn.CLIENT_ADDRESS, null,
			2, 3, Duration.ofSeconds(10), Duration.ofMinutes(5), 50);

	/**
	 * How a target is chosen for a new session.
	 */
	public enum Strategy {

		/** Smooth weighted round robin (as nginx's): each target in turn, as often as its weight says. */
		ROUND_ROBIN,

		/** The target with the fewest open sessions for its weight; ties broken at random. */
		LEAST_SESSIONS,

		/** Rendezvous hashing of a request key, so that a key sticks to its target. */
		HASH

	}

	/**
	 * What a {@link Strategy#HASH} route hashes.
	 */
	public enum HashOn {

		/** A request header, named by the hash key. */
		HEADER,

		/** A query parameter of the client's request, named by the hash key. */
		QUERY_PARAMETER,

		/** A cookie, named by the hash key. */
		COOKIE,

		/** The authenticated principal's name. */
		PRINCIPAL,

		/** The client's address (behind trusted proxies, the forwarded one). */
		CLIENT_ADDRESS;

		/**
		 * Whether this source needs a name ({@code hash-key}).
		 * @return whether a key name is needed
		 */
		public boolean needsKey() {
			return this == HEADER || this == QUERY_PARAMETER || this == COOKIE;
		}

	}

}
