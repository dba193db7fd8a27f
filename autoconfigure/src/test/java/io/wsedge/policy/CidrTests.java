package io.wsedge.policy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Address blocks: parsing and membership at the edges of the prefix, for both families.
 */
class CidrTests {

	private static boolean contains(String block, String address) throws Exception {
		return Cidr.parse(block).contains(InetAddress.getByName(address));
	}

	@Test
	void ipv4PrefixBoundaries() throws Exception {
		assertThat(contains("10.0.0.0/8", "10.0.0.0")).isTrue();
		assertThat(contains("10.0.0.0/8", "10.255.255.255")).isTrue();
		assertThat(contains("10.0.0.0/8", "11.0.0.0")).isFalse();
		assertThat(contains("10.0.0.0/8", "9.255.255.255")).isFalse();
		assertThat(contains("192.168.4.0/22", "192.168.7.255")).isTrue();
		assertThat(contains("192.168.4.0/22", "192.168.8.0")).isFalse();
		assertThat(contains("192.168.4.0/22", "192.168.3.255")).isFalse();
		assertThat(contains("0.0.0.0/0", "203.0.113.9")).isTrue();
		assertThat(contains("203.0.113.9", "203.0.113.9")).isTrue();
		assertThat(contains("203.0.113.9/32", "203.0.113.10")).isFalse();
	}

	@Test
	void hostBitsInTheNetworkAreIgnored() throws Exception {
		assertThat(contains("10.1.2.3/8", "10.200.0.1")).isTrue();
	}

	@Test
	void ipv6PrefixBoundaries() throws Exception {
		assertThat(contains("fd00::/8", "fdff:ffff::1")).isTrue();
		assertThat(contains("fd00::/8", "fe00::1")).isFalse();
		assertThat(contains("2001:db8::/33", "2001:db8:7fff::1")).isTrue();
		assertThat(contains("2001:db8::/33", "2001:db8:8000::1")).isFalse();
		assertThat(contains("::1", "::1")).isTrue();
		assertThat(contains("::/0", "2001:db8::1")).isTrue();
	}

	@Test
	void familiesDoNotMixExceptThroughIpv4MappedAddresses() throws Exception {
		assertThat(contains("::/0", "10.0.0.1")).isFalse();
		assertThat(contains("0.0.0.0/0", "::1")).isFalse();
		assertThat(contains("::ffff:10.0.0.0/104", "10.1.1.1")).isTrue();
		assertThat(contains("::ffff:10.0.0.0/104", "11.1.1.1")).isFalse();
		assertThat(contains("10.0.0.0/8", "::ffff:10.1.1.1")).isTrue();
	}

	@Test
	void literals() {
		Cidr block = Cidr.parse("10.0.0.0/8");
		assertThat(block.containsLiteral("10.9.9.9")).isTrue();
		assertThat(block.containsLiteral("example.com")).isFalse();
		assertThat(block.containsLiteral("")).isFalse();
		assertThat(Cidr.looksLikeCidr("10.0.0.0/8")).isTrue();
		assertThat(Cidr.looksLikeCidr("fd00::/8")).isTrue();
		assertThat(Cidr.looksLikeCidr("example.com")).isFalse();
	}

	@Test
	void invalidBlocks() {
		assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse("10.0.0.0/33"))
			.withMessageContaining("0-32");
		assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse("::1/129")).withMessageContaining("0-128");
		assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse("10.0.0.0/-1"));
		assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse("10.0.0.0/x"))
			.withMessageContaining("invalid prefix");
		assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse("10.0.0/8"))
			.withMessageContaining("not an IP address");
		assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse("example.com"));
	}

}
