package io.wsedge.policy;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The upstream policy on its own: rule parsing, the normal form of hosts, and the decisions before and after
 * resolution.
 */
class UpstreamPolicyTests {

	private static final UpstreamPolicy DENY_LOOPBACK = UpstreamPolicy.of(List.of(),
			List.of("127.0.0.0/8", "::1", "internal.example.com"));

	private static URI uri(String text) {
		return URI.create(text);
	}

	private static InetAddress ip(String literal) throws Exception {
		return InetAddress.getByName(literal);
	}

	@ParameterizedTest
	@ValueSource(strings = { "ws://127.0.0.1:8080/x", "ws://127.1.2.3/", "ws://[::1]:9/x", "ws://2130706433:9/",
			"ws://0177.0.0.1:9/", "ws://0x7f.1:9/", "ws://0x7F000001/", "ws://127.1/", "ws://127.0.0.1./",
			"ws://[::ffff:127.0.0.1]/", "ws://[0:0:0:0:0:0:0:1]/", "ws://INTERNAL.example.COM/",
			"ws://internal.example.com./", "wss://internal.example.com:8443/" })
	void numericFormsCaseAndTrailingDotsCannotDodgeADenyRule(String upstream) {
		assertThat(DENY_LOOPBACK.allows(uri(upstream))).as(upstream).isFalse();
	}

	@Test
	void aUriWithoutAHostJavaCanReadIsRefused() {
		// java.net.URI reads no host in ws://0x7f.1/, though a client that parses the text itself would dial it.
		assertThat(UpstreamPolicy.ALLOW_ALL.refusal(uri("ws://0x7f.1:9/"))).contains("'0x7f.1:9'");
		assertThat(UpstreamPolicy.ALLOW_ALL.allows(uri("ws://127.0.0.1./"))).isFalse();
	}

	@Test
	void otherHostsPass() {
		assertThat(DENY_LOOPBACK.allows(uri("ws://10.0.0.1/"))).isTrue();
		assertThat(DENY_LOOPBACK.allows(uri("ws://api.example.com/"))).isTrue();
		assertThat(DENY_LOOPBACK.allows(uri("ws://notinternal.example.com/"))).isTrue();
	}

	@Test
	void aNameIsCheckedAgainstEveryAddressItResolvesTo() throws Exception {
		URI localhost = uri("ws://localhost:9/x");
		// Before the dial, the name alone cannot be refused by an address rule...
		assertThat(DENY_LOOPBACK.allows(localhost)).isTrue();
		// ...but each address it resolves to is.
		assertThat(DENY_LOOPBACK.allows(localhost, ip("127.0.0.1"))).isFalse();
		assertThat(DENY_LOOPBACK.allows(localhost, ip("::1"))).isFalse();
		assertThat(DENY_LOOPBACK.allows(localhost, ip("10.1.1.1"))).isTrue();
		assertThat(DENY_LOOPBACK.refusal(localhost, ip("127.0.0.1"))).contains("localhost (127.0.0.1)")
			.contains("deny rule 127.0.0.0/8");
	}

	@Test
	void hostsAreResolvedAtStartup() {
		assertThat(DENY_LOOPBACK.refusalResolving(uri("ws://localhost:9/x"))).contains("deny rule 127.0.0.0/8");
		assertThat(DENY_LOOPBACK.refusalResolving(uri("ws://2130706433:9/x"))).contains("deny rule 127.0.0.0/8");
		// A name that does not resolve yet is left to the dial.
		assertThat(DENY_LOOPBACK.refusalResolving(uri("ws://no-such-host.invalid:9/x"))).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "ws://0.0.0.0:9/", "ws://[::]:9/", "ws://0:9/", "ws://[::ffff:0.0.0.0]/" })
	void unspecifiedAddressesAreRefusedWithoutAnyRule(String upstream) {
		assertThat(UpstreamPolicy.ALLOW_ALL.allows(uri(upstream))).as(upstream).isFalse();
	}

	@Test
	void unspecifiedAddressesResolvedFromANameAreRefusedToo() throws Exception {
		assertThat(UpstreamPolicy.ALLOW_ALL.allows(uri("ws://zero.example.com/"), ip("0.0.0.0"))).isFalse();
	}

	@Test
	void anUnspecifiedAddressIsAllowedOnlyByAnAddressRuleThatContainsIt() {
		assertThat(UpstreamPolicy.of(List.of("0.0.0.0"), List.of()).allows(uri("ws://0.0.0.0:9/"))).isTrue();
		assertThat(UpstreamPolicy.of(List.of("*"), List.of()).allows(uri("ws://0.0.0.0:9/"))).isFalse();
	}

	@Test
	void allowRulesByNameWildcardSchemeAndPort() throws Exception {
		UpstreamPolicy policy = UpstreamPolicy.of(List.of("wss://*.internal.example.com", "chat:8080"), List.of());
		assertThat(policy.allows(uri("wss://a.internal.example.com/ws"))).isTrue();
		assertThat(policy.allows(uri("wss://A.Internal.Example.Com./ws"))).isTrue();
		assertThat(policy.allows(uri("ws://a.internal.example.com/ws"))).isFalse();
		assertThat(policy.allows(uri("wss://internal.example.com/ws"))).isFalse();
		assertThat(policy.allows(uri("ws://chat:8080/"))).isTrue();
		assertThat(policy.allows(uri("ws://chat/"))).isFalse();
		assertThat(policy.allows(uri("ws://other:8080/"))).isFalse();
		// Allowed by name, at whatever address the name resolves to...
		assertThat(policy.allows(uri("ws://chat:8080/"), ip("10.0.0.5"))).isTrue();
	}

	@Test
	void denyByAddressWinsOverAllowByName() throws Exception {
		UpstreamPolicy policy = UpstreamPolicy.of(List.of("*.example.com"), List.of("169.254.0.0/16"));
		URI rebinding = uri("ws://rebind.example.com/");
		assertThat(policy.allows(rebinding)).isTrue();
		assertThat(policy.allows(rebinding, ip("169.254.169.254"))).isFalse();
		assertThat(policy.allows(rebinding, ip("93.184.216.34"))).isTrue();
	}

	@Test
	void anAddressAllowRuleAllowsANameThatResolvesIntoIt() throws Exception {
		UpstreamPolicy policy = UpstreamPolicy.of(List.of("10.0.0.0/8"), List.of());
		URI service = uri("ws://service.internal/");
		assertThat(policy.allows(service)).isTrue();
		assertThat(policy.allows(service, ip("10.2.3.4"))).isTrue();
		assertThat(policy.allows(service, ip("192.168.1.1"))).isFalse();
		assertThat(UpstreamPolicy.of(List.of("*.example.com"), List.of()).allows(service)).isFalse();
	}

	@Test
	void addressRulesWithAPort() {
		UpstreamPolicy policy = UpstreamPolicy.of(List.of(), List.of("127.0.0.1:8080", "[::1]:8080"));
		assertThat(policy.allows(uri("ws://127.0.0.1:8080/"))).isFalse();
		assertThat(policy.allows(uri("ws://2130706433:8080/"))).isFalse();
		assertThat(policy.allows(uri("ws://[::1]:8080/"))).isFalse();
		assertThat(policy.allows(uri("ws://127.0.0.1:8081/"))).isTrue();
	}

	@Test
	void ipv4MappedAddressesMatchIpv4Blocks() throws Exception {
		UpstreamPolicy policy = UpstreamPolicy.of(List.of(), List.of("::ffff:10.0.0.0/104"));
		assertThat(policy.allows(uri("ws://10.9.9.9/"))).isFalse();
		assertThat(policy.allows(uri("ws://11.0.0.1/"))).isTrue();
	}

	@Test
	void hostNormalForm() {
		assertThat(UpstreamPolicy.normalize("Example.COM.")).isEqualTo("example.com");
		assertThat(UpstreamPolicy.normalize("2130706433")).isEqualTo("127.0.0.1");
		assertThat(UpstreamPolicy.normalize("0177.0.0.1")).isEqualTo("127.0.0.1");
		assertThat(UpstreamPolicy.normalize("0x7f.1")).isEqualTo("127.0.0.1");
		assertThat(UpstreamPolicy.normalize("10.1")).isEqualTo("10.0.0.1");
		assertThat(UpstreamPolicy.normalize("192.168.257")).isEqualTo("192.168.1.1");
		assertThat(UpstreamPolicy.normalize("[::1]")).isEqualTo("::1");
		assertThat(UpstreamPolicy.normalize("[fe80::1%25eth0]")).isEqualTo("fe80::1");
		assertThat(UpstreamPolicy.normalize("[::ffff:127.0.0.1]")).isEqualTo("127.0.0.1");
		// Not numeric forms: names, as resolvers would take them.
		assertThat(UpstreamPolicy.normalize("256.0.0.1")).isEqualTo("256.0.0.1");
		assertThat(UpstreamPolicy.normalize("1.2.3.4.5")).isEqualTo("1.2.3.4.5");
		assertThat(UpstreamPolicy.normalize("08.0.0.1")).isEqualTo("08.0.0.1");
		assertThat(UpstreamPolicy.normalize("0x")).isEqualTo("0x");
		assertThat(UpstreamPolicy.normalize("4294967296")).isEqualTo("4294967296");
		assertThat(UpstreamPolicy.normalize("127.0.0.1.nip.io")).isEqualTo("127.0.0.1.nip.io");
	}

	@Test
	void badRulesAreRefusedWithTheRuleInTheMessage() {
		assertThatIllegalArgumentException().isThrownBy(() -> UpstreamPolicy.check("http://example.com"))
			.withMessageContaining("http://example.com");
		assertThatIllegalArgumentException().isThrownBy(() -> UpstreamPolicy.check("example.com:http"))
			.withMessageContaining("invalid port");
		assertThatIllegalArgumentException().isThrownBy(() -> UpstreamPolicy.check("example.com:0"))
			.withMessageContaining("1-65535");
		assertThatIllegalArgumentException().isThrownBy(() -> UpstreamPolicy.check("exa mple.com"))
			.withMessageContaining("host pattern");
		assertThatIllegalArgumentException().isThrownBy(() -> UpstreamPolicy.check("10.0.0.0/33"))
			.withMessageContaining("prefix length");
		assertThatIllegalArgumentException().isThrownBy(() -> UpstreamPolicy.check(" "));
	}

}
