package io.wsedge.policy;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which client an upgrade comes from: the peer, unless the peer is a trusted proxy, and then the right-most
 * address of X-Forwarded-For that no trusted proxy vouches for.
 */
class ClientAddressResolverTests {

	private static final InetSocketAddress PROXY = new InetSocketAddress("10.0.0.1", 4000);

	private static final InetSocketAddress STRANGER = new InetSocketAddress("203.0.113.50", 4000);

	private static final ClientAddressResolver RESOLVER = new ClientAddressResolver(
			List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8")));

	private static HttpHeaders forwardedFor(String... values) {
		HttpHeaders headers = new HttpHeaders();
		for (String value : values) {
			headers.add("X-Forwarded-For", value);
		}
		return headers;
	}

	private static String resolve(InetSocketAddress peer, String... forwardedFor) {
		return RESOLVER.resolve(peer, forwardedFor(forwardedFor)).getAddress().getHostAddress();
	}

	@Test
	void anUntrustedPeerIsTheClientWhateverItForwards() {
		assertThat(resolve(STRANGER, "198.51.100.7")).isEqualTo("203.0.113.50");
		assertThat(RESOLVER.trusts(STRANGER)).isFalse();
	}

	@Test
	void withoutTrustedProxiesNoPeerIsTrusted() {
		assertThat(ClientAddressResolver.DIRECT.resolve(PROXY, forwardedFor("198.51.100.7"))).isSameAs(PROXY);
		assertThat(ClientAddressResolver.DIRECT.trusts(PROXY)).isFalse();
		assertThat(RESOLVER.trusts(null)).isFalse();
		assertThat(RESOLVER.trusts(InetSocketAddress.createUnresolved("proxy", 1))).isFalse();
	}

	@Test
	void behindATrustedProxyTheRightMostUntrustedHopIsTheClient() {
		assertThat(RESOLVER.trusts(PROXY)).isTrue();
		// The left-most entry is whatever the client claimed; only what trusted proxies appended counts.
		assertThat(resolve(PROXY, "6.6.6.6, 198.51.100.7, 10.0.0.2")).isEqualTo("198.51.100.7");
		assertThat(resolve(PROXY, "6.6.6.6", "198.51.100.7")).isEqualTo("198.51.100.7");
		assertThat(RESOLVER.resolve(PROXY, forwardedFor("198.51.100.7")).getPort()).isEqualTo(4000);
	}

	@Test
	void whenEveryHopIsTrustedTheLeftMostIsTheClient() {
		assertThat(resolve(PROXY, "10.1.1.1, 10.2.2.2")).isEqualTo("10.1.1.1");
	}

	@Test
	void aTrustedProxyWithoutForwardedForIsTheClient() {
		assertThat(RESOLVER.resolve(PROXY, new HttpHeaders())).isSameAs(PROXY);
	}

	@Test
	void portsAndIpv6Forms() {
		assertThat(resolve(PROXY, "198.51.100.7:5555")).isEqualTo("198.51.100.7");
		assertThat(resolve(PROXY, "[2001:db8::7]:5555")).isEqualTo("2001:db8:0:0:0:0:0:7");
		assertThat(resolve(PROXY, "2001:db8::7")).isEqualTo("2001:db8:0:0:0:0:0:7");
		assertThat(resolve(new InetSocketAddress("fd00::1", 1), "198.51.100.7")).isEqualTo("198.51.100.7");
		assertThat(resolve(PROXY, "2001:db8::7, fd00::9")).isEqualTo("2001:db8:0:0:0:0:0:7");
	}

	@Test
	void garbageStopsTheChainAtTheTrustedPeer() {
		assertThat(resolve(PROXY, "198.51.100.7, unknown")).isEqualTo("10.0.0.1");
		assertThat(resolve(PROXY, "not-an-address")).isEqualTo("10.0.0.1");
		assertThat(resolve(PROXY, "999.1.1.1")).isEqualTo("10.0.0.1");
		assertThat(resolve(PROXY, "[2001:db8::7")).isEqualTo("10.0.0.1");
		assertThat(resolve(PROXY, "example.com")).isEqualTo("10.0.0.1");
	}

}
