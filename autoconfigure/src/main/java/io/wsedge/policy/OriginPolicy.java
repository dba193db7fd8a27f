package io.wsedge.policy;

import java.util.List;

import org.springframework.web.cors.CorsConfiguration;

/**
 * Which browser origins may open sessions, with Spring's origin patterns ({@code https://*.example.com},
 * {@code http://localhost:[*]}). A request without an Origin header does not come from a browser and is
 * allowed unless origins are required.
 */
public final class OriginPolicy {

	/** Allows any origin, and requests without one. */
	public static final OriginPolicy ANY = new OriginPolicy(null, false);

	private final CorsConfiguration patterns;

	private final boolean requireOrigin;

	private OriginPolicy(CorsConfiguration patterns, boolean requireOrigin) {
		this.patterns = patterns;
		this.requireOrigin = requireOrigin;
	}

	/**
	 * Creates a policy.
	 * @param allowed origin patterns; empty allows any origin
	 * @param requireOrigin whether a request without an Origin is refused
	 * @return the policy
	 */
	public static OriginPolicy of(List<String> allowed, boolean requireOrigin) {
		if (allowed.isEmpty()) {
			return requireOrigin ? new OriginPolicy(null, true) : ANY;
		}
		CorsConfiguration patterns = new CorsConfiguration();
		patterns.setAllowedOriginPatterns(allowed);
		return new OriginPolicy(patterns, requireOrigin);
	}

	/**
	 * Whether a request with this Origin may upgrade.
	 * @param origin the Origin header, or {@code null}
	 * @return whether it is allowed
	 */
	public boolean allows(String origin) {
		if (origin == null) {
			return !this.requireOrigin;
		}
		return this.patterns == null || this.patterns.checkOrigin(origin) != null;
	}

}
