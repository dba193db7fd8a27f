package io.wsedge.upgrade;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The opening handshake checks (RFC 6455 §4.2.1) and what the upstream's request is made of.
 */
class HandshakesTests {

	private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

	private static final InetSocketAddress PEER = new InetSocketAddress("203.0.113.50", 4000);

	private static HttpHeaders upgrade() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.UPGRADE, "websocket");
		headers.set(HttpHeaders.CONNECTION, "Upgrade");
		headers.set("Sec-WebSocket-Version", "13");
		headers.set("Sec-WebSocket-Key", KEY);
		return headers;
	}

	@Test
	void aValidUpgrade() {
		assertThat(Handshakes.validate("GET", upgrade())).isNull();
	}

	@Test
	void tokensAreCaseInsensitiveAndMayBeInLists() {
		HttpHeaders headers = upgrade();
		headers.set(HttpHeaders.UPGRADE, "h2c, WebSocket");
		headers.set(HttpHeaders.CONNECTION, "keep-alive, UPGRADE");
		headers.set("Sec-WebSocket-Version", " 13 ");
		assertThat(Handshakes.validate("GET", headers)).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "POST", "HEAD", "get", "PUT" })
	void onlyGet(String method) {
		Refusal refusal = Handshakes.validate(method, upgrade());
		assertThat(refusal.status()).isEqualTo(405);
		assertThat(refusal.headers().getFirst(HttpHeaders.ALLOW)).isEqualTo("GET");
	}

	@Test
	void withoutUpgradeWebsocket() {
		HttpHeaders headers = upgrade();
		headers.remove(HttpHeaders.UPGRADE);
		Refusal refusal = Handshakes.validate("GET", headers);
		assertThat(refusal.status()).isEqualTo(426);
		assertThat(refusal.headers().getFirst(HttpHeaders.UPGRADE)).isEqualTo("websocket");
		headers.set(HttpHeaders.UPGRADE, "websocket2");
		assertThat(Handshakes.validate("GET", headers).status()).isEqualTo(426);
	}

	@Test
	void connectionMustNameUpgrade() {
		HttpHeaders headers = upgrade();
		headers.set(HttpHeaders.CONNECTION, "keep-alive");
		assertThat(Handshakes.validate("GET", headers).status()).isEqualTo(400);
		headers.remove(HttpHeaders.CONNECTION);
		assertThat(Handshakes.validate("GET", headers).status()).isEqualTo(400);
		headers.set(HttpHeaders.CONNECTION, "upgrades");
		assertThat(Handshakes.validate("GET", headers).status()).isEqualTo(400);
	}

	@ParameterizedTest
	@ValueSource(strings = { "8", "12", "14", "13, 8", "" })
	void versionMustBe13(String version) {
		HttpHeaders headers = upgrade();
		headers.set("Sec-WebSocket-Version", version);
		Refusal refusal = Handshakes.validate("GET", headers);
		assertThat(refusal.status()).isEqualTo(426);
		assertThat(refusal.headers().getFirst("Sec-WebSocket-Version")).isEqualTo("13");
	}

	@Test
	void missingVersion() {
		HttpHeaders headers = upgrade();
		headers.remove("Sec-WebSocket-Version");
		assertThat(Handshakes.validate("GET", headers).status()).isEqualTo(426);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "not base64!", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZXg=",
			"AAAAAAAAAAAAAAAAAAAAAAAAAAAA" })
	void keyMustBeA16ByteNonceInBase64(String key) {
		HttpHeaders headers = upgrade();
		headers.set("Sec-WebSocket-Key", key);
		assertThat(Handshakes.validate("GET", headers).status()).isEqualTo(400);
	}

	@Test
	void missingOrRepeatedKey() {
		HttpHeaders headers = upgrade();
		headers.remove("Sec-WebSocket-Key");
		assertThat(Handshakes.validate("GET", headers).status()).isEqualTo(400);
		headers.add("Sec-WebSocket-Key", KEY);
		headers.add("Sec-WebSocket-Key", KEY);
		assertThat(Handshakes.validate("GET", headers).status()).isEqualTo(400);
	}

	@Test
	void subprotocolsInOrder() {
		HttpHeaders headers = upgrade();
		headers.add("Sec-WebSocket-Protocol", "chat.v2, chat.v1");
		headers.add("Sec-WebSocket-Protocol", " ,mqtt");
		assertThat(Handshakes.subprotocols(headers)).containsExactly("chat.v2", "chat.v1", "mqtt");
		assertThat(Handshakes.subprotocols(new HttpHeaders())).isEmpty();
	}

	private static HttpHeaders clientHeaders() {
		HttpHeaders headers = upgrade();
		headers.set(HttpHeaders.HOST, "edge.example.com:8080");
		headers.set("Authorization", "Bearer t");
		headers.add(HttpHeaders.CONNECTION, "X-Hop");
		headers.set("X-Hop", "hop");
		headers.set("Proxy-Authorization", "Basic c2VjcmV0");
		headers.set("X-Forwarded-For", "6.6.6.6");
		headers.set("X-Forwarded-Proto", "https");
		headers.set("X-Forwarded-Host", "evil.example.com");
		headers.set("X-Forwarded-Prefix", "/admin");
		headers.set("Forwarded", "for=6.6.6.6;host=evil.example.com");
		headers.set("X-Real-IP", "6.6.6.6");
		return headers;
	}

	@Test
	void fromAnUntrustedPeerForwardingHeadersAreReplacedByTheConnection() {
		HttpHeaders upstream = Handshakes.upstreamHeaders(clientHeaders(), PEER, false, false);
		assertThat(upstream.get("X-Forwarded-For")).containsExactly("203.0.113.50");
		assertThat(upstream.get("X-Forwarded-Proto")).containsExactly("http");
		assertThat(upstream.get("X-Forwarded-Host")).containsExactly("edge.example.com:8080");
		assertThat(upstream.containsHeader("X-Forwarded-Prefix")).isFalse();
		assertThat(upstream.containsHeader("Forwarded")).isFalse();
		assertThat(upstream.containsHeader("X-Real-IP")).isFalse();
		assertThat(upstream.get("Authorization")).containsExactly("Bearer t");
		assertThat(upstream.containsHeader("X-Hop")).isFalse();
		assertThat(upstream.containsHeader("Proxy-Authorization")).isFalse();
		assertThat(upstream.containsHeader(HttpHeaders.HOST)).isFalse();
		assertThat(upstream.containsHeader("Sec-WebSocket-Key")).isFalse();
		assertThat(upstream.containsHeader(HttpHeaders.UPGRADE)).isFalse();
		assertThat(upstream.containsHeader(HttpHeaders.CONNECTION)).isFalse();
	}

	@Test
	void fromATrustedProxyForwardingHeadersPassAndThePeerIsAppended() {
		HttpHeaders upstream = Handshakes.upstreamHeaders(clientHeaders(), PEER, true, false);
		assertThat(upstream.get("X-Forwarded-For")).containsExactly("6.6.6.6, 203.0.113.50");
		assertThat(upstream.get("X-Forwarded-Proto")).containsExactly("https");
		assertThat(upstream.get("X-Forwarded-Host")).containsExactly("evil.example.com");
		assertThat(upstream.get("X-Forwarded-Prefix")).containsExactly("/admin");
		assertThat(upstream.get("Forwarded")).containsExactly("for=6.6.6.6;host=evil.example.com");
		assertThat(upstream.get("X-Real-IP")).containsExactly("6.6.6.6");
	}

	@Test
	void aTrustedProxyThatForwardsNothingGetsTheConnectionsValues() {
		HttpHeaders request = upgrade();
		request.set(HttpHeaders.HOST, "edge.example.com");
		HttpHeaders upstream = Handshakes.upstreamHeaders(request, PEER, true, true);
		assertThat(upstream.get("X-Forwarded-For")).containsExactly("203.0.113.50");
		assertThat(upstream.get("X-Forwarded-Proto")).containsExactly("https");
		assertThat(upstream.get("X-Forwarded-Host")).containsExactly("edge.example.com");
	}

	@ParameterizedTest
	@ValueSource(strings = { "evil.example.com/path", "a b", "host:port", "host:70000", "host:0", "[::1", "[zz::1]",
			"user@host", "host\r\nX-Injected: 1", "-leading.example.com", "", "a..b", "host:", "%65vil.com" })
	void aMalformedHostIsNotForwarded(String host) {
		HttpHeaders request = upgrade();
		request.set(HttpHeaders.HOST, host);
		HttpHeaders upstream = Handshakes.upstreamHeaders(request, PEER, false, false);
		assertThat(upstream.containsHeader("X-Forwarded-Host")).as(host).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "example.com", "Example.COM:443", "127.0.0.1:8080", "[::1]:8080", "[2001:db8::1]",
			"my_service:9000", "localhost", "example.com." })
	void aWellFormedHostIsForwarded(String host) {
		assertThat(Handshakes.validHost(List.of(host))).isEqualTo(host);
	}

	@Test
	void twoHostHeadersAreNotForwarded() {
		assertThat(Handshakes.validHost(List.of("a.example.com", "b.example.com"))).isNull();
		assertThat(Handshakes.validHost(null)).isNull();
	}

	@Test
	void theClientQueryIsAddedAfterTheRoutes() {
		URI route = URI.create("ws://up:9/echo?edge=1&role=user");
		assertThat(Handshakes.upstreamUri(route, "room=a%20b&t=1"))
			.isEqualTo(URI.create("ws://up:9/echo?edge=1&role=user&room=a%20b&t=1"));
		assertThat(Handshakes.upstreamUri(URI.create("ws://up:9/echo"), "room=a"))
			.isEqualTo(URI.create("ws://up:9/echo?room=a"));
		assertThat(Handshakes.upstreamUri(route, null)).isSameAs(route);
		assertThat(Handshakes.upstreamUri(route, "")).isSameAs(route);
	}

	@Test
	void theClientCannotRepeatOrOverrideTheRoutesParameters() {
		URI route = URI.create("ws://up:9/echo?edge=1&role=user&flag");
		assertThat(Handshakes.upstreamUri(route, "role=admin&edge=0&room=x&ROLE=admin&rol%65=admin&flag=1&r+o=1"))
			.isEqualTo(URI.create("ws://up:9/echo?edge=1&role=user&flag&room=x&r+o=1"));
		assertThat(Handshakes.upstreamUri(route, "role=admin&&edge")).isEqualTo(route);
	}

}
