package io.wsedge.policy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which upstreams the edge may dial: the guard against server-side request forgery through dynamic routing.
 * Rules are {@code [scheme://]host[:port]} with {@code *} wildcards in the host ({@code *.internal.example.com}
 * matches any name ending in {@code .internal.example.com}), or CIDR blocks, which match address literals
 * only (host names are not resolved for this check). Deny wins over allow; with no allow rules, anything not
 * denied is allowed.
 */
public final class UpstreamPolicy {

	/** Allows every upstream. */
	public static final UpstreamPolicy ALLOW_ALL = new UpstreamPolicy(List.of(), List.of());

	private final List<Rule> allow;

	private final List<Rule> deny;

	private UpstreamPolicy(List<Rule> allow, List<Rule> deny) {
		this.allow = allow;
		this.deny = deny;
	}

	/**
	 * Parses the rules.
	 * @param allow the allow rules
	 * @param deny the deny rules
	 * @return the policy
	 * @throws IllegalArgumentException naming the first rule that cannot be parsed
	 */
	public static UpstreamPolicy of(List<String> allow, List<String> deny) {
		return new UpstreamPolicy(parse(allow), parse(deny));
	}

	private static List<Rule> parse(List<String> rules) {
		List<Rule> parsed = new ArrayList<>();
		for (String rule : rules) {
			parsed.add(Rule.parse(rule));
		}
		return parsed;
	}

	/**
	 * Parses one rule, to check it.
	 * @param rule the rule
	 * @throws IllegalArgumentException if it cannot be parsed
	 */
	public static void check(String rule) {
		Rule.parse(rule);
	}

	/**
	 * Whether an upstream may be dialled.
	 * @param upstream a ws:// or wss:// URI
	 * @return whether the policy allows it
	 */
	public boolean allows(URI upstream) {
		for (Rule rule : this.deny) {
			if (rule.matches(upstream)) {
				return false;
			}
		}
		if (this.allow.isEmpty()) {
			return true;
		}
		for (Rule rule : this.allow) {
			if (rule.matches(upstream)) {
				return true;
			}
		}
		return false;
	}

	private record Rule(String text, String scheme, Pattern host, Cidr block, int port) {

		static Rule parse(String text) {
			String rest = text.trim().toLowerCase(Locale.ROOT);
			if (rest.isEmpty()) {
				throw new IllegalArgumentException("An upstream rule must not be empty");
			}
			String scheme = null;
			int separator = rest.indexOf("://");
			if (separator >= 0) {
				scheme = rest.substring(0, separator);
				rest = rest.substring(separator + 3);
				if (!scheme.equals("ws") && !scheme.equals("wss")) {
					throw new IllegalArgumentException("'" + text + "': the scheme of an upstream rule is ws or wss");
				}
			}
			if (Cidr.looksLikeCidr(rest)) {
				return new Rule(text, scheme, null, Cidr.parse(rest), -1);
			}
			int port = -1;
			int colon = rest.lastIndexOf(':');
			if (colon >= 0 && rest.indexOf(']') < colon) {
				try {
					port = Integer.parseInt(rest.substring(colon + 1));
				}
				catch (NumberFormatException ex) {
					throw new IllegalArgumentException("'" + text + "': invalid port");
				}
				rest = rest.substring(0, colon);
			}
			if (!rest.matches("[a-z0-9*.\\-\\[\\]:]+")) {
				throw new IllegalArgumentException("'" + text + "' is not a host pattern such as *.internal.example.com"
						+ " or a CIDR block such as 10.0.0.0/8");
			}
			String regex = Pattern.quote(rest).replace("*", "\\E.+\\Q");
			return new Rule(text, scheme, Pattern.compile(regex), null, port);
		}

		boolean matches(URI uri) {
			String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
			if (this.scheme != null && !this.scheme.equals(scheme)) {
				return false;
			}
			if (this.port != -1) {
				int port = (uri.getPort() != -1) ? uri.getPort() : scheme.equals("wss") ? 443 : 80;
				if (port != this.port) {
					return false;
				}
			}
			String host = uri.getHost().toLowerCase(Locale.ROOT);
			if (host.startsWith("[") && host.endsWith("]")) {
				host = host.substring(1, host.length() - 1);
			}
			return (this.block != null) ? this.block.containsLiteral(host) : this.host.matcher(host).matches();
		}

	}

}
