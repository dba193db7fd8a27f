package io.wsedge.policy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

/**
 * An address block such as {@code 10.0.0.0/8} or {@code ::1}, matched with Netty's subnet rule.
 */
public final class Cidr {

	private final String text;

	private final IpSubnetFilterRule rule;

	private Cidr(String text, IpSubnetFilterRule rule) {
		this.text = text;
		this.rule = rule;
	}

	/**
	 * Parses a block; a single address is a block of one.
	 * @param text an address literal, optionally followed by {@code /prefix}
	 * @return the block
	 * @throws IllegalArgumentException if the text is not an address literal and prefix
	 */
	public static Cidr parse(String text) {
		String trimmed = text.trim();
		int slash = trimmed.indexOf('/');
		String address = (slash >= 0) ? trimmed.substring(0, slash) : trimmed;
		if (!NetUtil.isValidIpV4Address(address) && !NetUtil.isValidIpV6Address(address)) {
			throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
		}
		int maxPrefix = NetUtil.isValidIpV4Address(address) ? 32 : 128;
		int prefix;
		try {
			prefix = (slash >= 0) ? Integer.parseInt(trimmed.substring(slash + 1)) : maxPrefix;
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + text + "' has an invalid prefix length");
		}
		if (prefix < 0 || prefix > maxPrefix) {
			throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0-" + maxPrefix);
		}
		return new Cidr(trimmed, new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT));
	}

	/**
	 * Whether the text looks like an address block rather than a host name pattern.
	 * @param text the text
	 * @return whether it is an address literal or CIDR block
	 */
	public static boolean looksLikeCidr(String text) {
		String trimmed = text.trim();
		int slash = trimmed.indexOf('/');
		String address = (slash >= 0) ? trimmed.substring(0, slash) : trimmed;
		return NetUtil.isValidIpV4Address(address) || NetUtil.isValidIpV6Address(address);
	}

	public boolean contains(InetAddress address) {
		return this.rule.matches(new InetSocketAddress(address, 0));
	}

	/**
	 * Whether an address literal falls in the block.
	 * @param literal an address literal
	 * @return whether it is inside; {@code false} for anything that is not a literal
	 */
	public boolean containsLiteral(String literal) {
		byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
		if (bytes == null) {
			return false;
		}
		try {
			return contains(InetAddress.getByAddress(bytes));
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	@Override
	public String toString() {
		return this.text;
	}

}
