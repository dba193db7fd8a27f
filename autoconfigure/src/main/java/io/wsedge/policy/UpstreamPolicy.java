package io.wsedge.policy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import io.netty.util.NetUtil;

/**
 * Which upstreams the edge may dial: the guard against server-side request forgery through dynamic routing.
 * Rules are {@code [scheme://]host[:port]} with {@code *} wildcards in the host ({@code *.internal.example.com}
 * matches any name ending in {@code .internal.example.com}), address literals ({@code 10.0.0.1:8080}), or CIDR
 * blocks ({@code 10.0.0.0/8}). Deny wins over allow; with no allow rules, anything not denied is allowed.
 * <p>
 * Host names are compared in a normal form: lower case, without a trailing dot, and with numeric IPv4 forms
 * ({@code 2130706433}, {@code 0177.0.0.1}, {@code 0x7f.1}) turned into the address they stand for, as
 * {@code inet_aton(3)} and so most resolvers read them. Address rules match every address a host name resolves
 * to: {@link #allows(URI)} decides what the URI alone can tell before the dial, and
 * {@link #allows(URI, InetAddress)} decides each address the dial resolved, so that the address checked is the
 * address connected to. The unspecified addresses ({@code 0.0.0.0}, {@code ::}), which reach the local host,
 * are refused unless an allow rule's block contains them.
 */
public final class UpstreamPolicy {

	/** Allows every upstream but the unspecified addresses. */
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
	 * Whether an upstream may be dialled as far as its URI tells: an address literal is decided here; a host
	 * name passes unless a name rule refuses it, and each address it resolves to is then checked with
	 * {@link #allows(URI, InetAddress)}. Never resolves.
	 * @param upstream a ws:// or wss:// URI
	 * @return whether the policy allows it
	 */
	public boolean allows(URI upstream) {
		return refusal(upstream) == null;
	}

	/**
	 * Whether an upstream may be dialled at one of the addresses its host resolved to.
	 * @param upstream a ws:// or wss:// URI
	 * @param address an address its host resolved to
	 * @return whether the policy allows it
	 */
	public boolean allows(URI upstream, InetAddress address) {
		return refusal(upstream, address) == null;
	}

	/**
	 * Why an upstream may not be dialled, as far as its URI tells (see {@link #allows(URI)}).
	 * @param upstream a ws:// or wss:// URI
	 * @return the reason, naming the host and the rule but nothing else of the URI, or {@code null} if allowed
	 */
	public String refusal(URI upstream) {
		if (upstream.getHost() == null) {
			// java.net.URI reads no host in some numeric forms ("ws://0x7f.1/") that Reactor Netty would dial.
			return "'" + upstream.getRawAuthority() + "' is not a host name or address";
		}
		Target target = Target.of(upstream);
		if (target.address() != null) {
			return decide(target, target.address());
		}
		for (Rule rule : this.deny) {
			if (rule.appliesTo(target) && rule.matchesName(target.name())) {
				return target.name() + " matches deny rule " + rule.text();
			}
		}
		if (this.allow.isEmpty()) {
			return null;
		}
		for (Rule rule : this.allow) {
			// An address rule may allow the name once it is resolved.
			if (rule.appliesTo(target) && (rule.block() != null || rule.matchesName(target.name()))) {
				return null;
			}
		}
		return target.name() + " matches no allow rule";
	}

	/**
	 * Why an upstream may not be dialled at an address its host resolved to.
	 * @param upstream a ws:// or wss:// URI
	 * @param address an address its host resolved to
	 * @return the reason, or {@code null} if allowed
	 */
	public String refusal(URI upstream, InetAddress address) {
		String refused = (upstream.getHost() == null) ? refusal(upstream) : null;
		return (refused != null) ? refused : decide(Target.of(upstream), address);
	}

	/**
	 * Why an upstream may not be dialled, resolving its host now, blocking: for the routes checked at startup.
	 * A host that does not resolve yet is decided by its name alone; its addresses are checked when dialled.
	 * @param upstream a ws:// or wss:// URI
	 * @return the reason, or {@code null} if allowed
	 */
	public String refusalResolving(URI upstream) {
		String refused = refusal(upstream);
		if (refused != null) {
			return refused;
		}
		Target target = Target.of(upstream);
		if (target.address() != null) {
			return null;
		}
		InetAddress[] addresses;
		try {
			addresses = InetAddress.getAllByName(target.name());
		}
		catch (UnknownHostException ex) {
			return null;
		}
		for (InetAddress address : addresses) {
			refused = decide(target, address);
			if (refused != null) {
				return refused;
			}
		}
		return null;
	}

	private String decide(Target target, InetAddress address) {
		String shown = target.name() + ((target.address() == null) ? " (" + text(address) + ")" : "");
		for (Rule rule : this.deny) {
			if (rule.appliesTo(target) && (rule.matchesName(target.name()) || rule.matchesAddress(address))) {
				return shown + " matches deny rule " + rule.text();
			}
		}
		boolean allowedByAddress = false;
		for (Rule rule : this.allow) {
			if (rule.appliesTo(target) && rule.matchesAddress(address)) {
				allowedByAddress = true;
				break;
			}
		}
		if (address.isAnyLocalAddress() && !allowedByAddress) {
			return shown + " is the unspecified address, which reaches this host; an allow rule must name it";
		}
		if (this.allow.isEmpty() || allowedByAddress) {
			return null;
		}
		for (Rule rule : this.allow) {
			if (rule.appliesTo(target) && rule.matchesName(target.name())) {
				return null;
			}
		}
		return shown + " matches no allow rule";
	}

	private static String text(InetAddress address) {
		return NetUtil.toAddressString(address);
	}

	/**
	 * The normal form of a host for the rules: an address for an address literal (IPv6 in brackets or not, with
	 * any zone dropped) or a numeric IPv4 form, else the name in lower case without its trailing dot.
	 * @param host a host as in a URI
	 * @return the address, or {@code null} for a name
	 */
	public static InetAddress address(String host) {
		String text = host.trim();
		if (text.startsWith("[") && text.endsWith("]")) {
			text = text.substring(1, text.length() - 1);
		}
		int zone = text.indexOf('%');
		if (zone >= 0 && text.indexOf(':') >= 0) {
			text = text.substring(0, zone);
		}
		if (text.endsWith(".")) {
			text = text.substring(0, text.length() - 1);
		}
		byte[] bytes = (text.indexOf(':') >= 0) ? NetUtil.createByteArrayFromIpAddressString(text) : inetAton(text);
		if (bytes == null) {
			return null;
		}
		try {
			return InetAddress.getByAddress(bytes);
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	/**
	 * The normal form of a host name for the name rules.
	 * @param host a host as in a URI
	 * @return the host in lower case without its trailing dot, or the address text of an address
	 */
	public static String normalize(String host) {
		InetAddress address = address(host);
		if (address != null) {
			return text(address);
		}
		String name = host.trim().toLowerCase(Locale.ROOT);
		return (name.length() > 1 && name.endsWith(".")) ? name.substring(0, name.length() - 1) : name;
	}

	/**
	 * Reads an IPv4 address the way {@code inet_aton(3)} does: one to four parts, each decimal, octal (a
	 * leading {@code 0}) or hexadecimal ({@code 0x}), the last part filling the bytes that remain.
	 */
	private static byte[] inetAton(String text) {
		if (text.isEmpty() || text.length() > 64) {
			return null;
		}
		String[] parts = text.split("\\.", -1);
		if (parts.length > 4) {
			return null;
		}
		long[] values = new long[parts.length];
		for (int i = 0; i < parts.length; i++) {
			values[i] = part(parts[i]);
			if (values[i] < 0 || (i < parts.length - 1 && values[i] > 0xff)) {
				return null;
			}
		}
		int lastBytes = 5 - parts.length;
		long last = values[parts.length - 1];
		if (last >= (1L << (8 * lastBytes))) {
			return null;
		}
		long value = last;
		for (int i = 0; i < parts.length - 1; i++) {
			value |= values[i] << (8 * (3 - i));
		}
		return new byte[] { (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value };
	}

	private static long part(String part) {
		int radix = 10;
		String digits = part;
		if (part.length() > 2 && (part.startsWith("0x") || part.startsWith("0X"))) {
			radix = 16;
			digits = part.substring(2);
		}
		else if (part.length() > 1 && part.startsWith("0")) {
			radix = 8;
			digits = part.substring(1);
		}
		if (digits.isEmpty() || digits.length() > 12) {
			return -1;
		}
		long value = 0;
		for (int i = 0; i < digits.length(); i++) {
			int digit = Character.digit(digits.charAt(i), radix);
			if (digit < 0) {
				return -1;
			}
			value = value * radix + digit;
		}
		return (value > 0xffffffffL) ? -1 : value;
	}

	/**
	 * What a rule is matched against: the scheme, the port (the scheme's default when the URI has none), and the
	 * host's normal form, with its address when the host is a literal.
	 */
	private record Target(String scheme, int port, String name, InetAddress address) {

		static Target of(URI uri) {
			String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
			int port = (uri.getPort() != -1) ? uri.getPort() : scheme.equals("wss") ? 443 : 80;
			String host = uri.getHost();
			InetAddress address = UpstreamPolicy.address(host);
			return new Target(scheme, port, (address != null) ? UpstreamPolicy.text(address) : normalize(host),
					address);
		}

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
				if (port < 1 || port > 65535) {
					throw new IllegalArgumentException("'" + text + "': a port is 1-65535");
				}
				rest = rest.substring(0, colon);
			}
			if (!rest.matches("[a-z0-9*.\\-\\[\\]:]+")) {
				throw new IllegalArgumentException("'" + text + "' is not a host pattern such as *.internal.example.com"
						+ " or a CIDR block such as 10.0.0.0/8");
			}
			InetAddress literal = (rest.indexOf('*') < 0) ? address(rest) : null;
			if (literal != null) {
				return new Rule(text, scheme, null, Cidr.parse(UpstreamPolicy.text(literal)), port);
			}
			String name = normalize(rest);
			String regex = Pattern.quote(name).replace("*", "\\E.+\\Q");
			return new Rule(text, scheme, Pattern.compile(regex), null, port);
		}

		boolean appliesTo(Target target) {
			return (this.scheme == null || this.scheme.equals(target.scheme()))
					&& (this.port == -1 || this.port == target.port());
		}

		boolean matchesName(String name) {
			return this.host != null && this.host.matcher(name).matches();
		}

		boolean matchesAddress(InetAddress address) {
			return this.block != null && this.block.contains(address);
		}

	}

}
