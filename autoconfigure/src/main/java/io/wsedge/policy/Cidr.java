package io.wsedge.policy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import io.netty.util.NetUtil;

/**
 * An address block such as {@code 10.0.0.0/8} or {@code ::1}. An IPv4-mapped IPv6 block
 * ({@code ::ffff:10.0.0.0/104}) is the IPv4 block it maps, so that it matches the addresses Java hands out for
 * it: {@link InetAddress} turns every IPv4-mapped address into an {@link Inet4Address}.
 */
public final class Cidr {

	private final String text;

	private final byte[] network;

	private final int prefix;

	private Cidr(String text, byte[] network, int prefix) {
		this.text = text;
		this.network = network;
		this.prefix = prefix;
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
		byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
		if (bytes == null) {
			throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
		}
		int maxPrefix = bytes.length * 8;
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
		if (bytes.length == 16 && isIpv4Mapped(bytes) && prefix >= 96) {
			byte[] v4 = new byte[4];
			System.arraycopy(bytes, 12, v4, 0, 4);
			return new Cidr(trimmed, v4, prefix - 96);
		}
		return new Cidr(trimmed, bytes, prefix);
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

	/**
	 * Whether an address falls in the block. An IPv4 address never falls in an IPv6 block and the other way
	 * round, except through the IPv4-mapped form.
	 * @param address the address
	 * @return whether it is inside
	 */
	public boolean contains(InetAddress address) {
		byte[] bytes = address.getAddress();
		if (bytes.length == 16 && this.network.length == 4 && isIpv4Mapped(bytes)) {
			byte[] v4 = new byte[4];
			System.arraycopy(bytes, 12, v4, 0, 4);
			bytes = v4;
		}
		if (bytes.length != this.network.length) {
			return false;
		}
		int whole = this.prefix / 8;
		for (int i = 0; i < whole; i++) {
			if (bytes[i] != this.network[i]) {
				return false;
			}
		}
		int rest = this.prefix % 8;
		if (rest == 0) {
			return true;
		}
		int mask = (0xff << (8 - rest)) & 0xff;
		return (bytes[whole] & mask) == (this.network[whole] & mask);
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

	private static boolean isIpv4Mapped(byte[] bytes) {
		for (int i = 0; i < 10; i++) {
			if (bytes[i] != 0) {
				return false;
			}
		}
		return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
	}

	@Override
	public String toString() {
		return this.text;
	}

}
