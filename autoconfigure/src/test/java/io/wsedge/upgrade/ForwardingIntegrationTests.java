package io.wsedge.upgrade;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.RawClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What reaches the upstream, on either server stack, of what a client claims about where its request came from, from a client the edge
 * does not trust and from a trusted proxy, and what becomes of a client's query parameters that the route
 * sets itself.
 */
class ForwardingIntegrationTests {

	private static TestUpstream upstream;

	private static EdgeApp direct;

	private static EdgeApp behindProxy;

	private static EdgeApp servlet;

	@BeforeAll
	static void start() {
		upstream = TestUpstream.start();
		direct = EdgeApp.start(routes());
		Map<String, String> trusting = routes();
		trusting.put("wsedge.trusted-proxies", "127.0.0.1");
		behindProxy = EdgeApp.start(trusting);
		servlet = EdgeApp.start(EdgeApp.Stack.SERVLET, routes());
	}

	private static Map<String, String> routes() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("wsedge.routes[0].id", "echo");
		properties.put("wsedge.routes[0].path", "/ws/echo");
		properties.put("wsedge.routes[0].upstream", upstream.uri("/echo?edge=1&role=user").toString());
		properties.put("wsedge.limits.ping-interval", "0s");
		return properties;
	}

	@AfterAll
	static void stop() {
		if (direct != null) {
			direct.close();
		}
		if (behindProxy != null) {
			behindProxy.close();
		}
		if (servlet != null) {
			servlet.close();
		}
		upstream.close();
	}

	private static final String[] CLAIMS = { "X-Forwarded-For: 6.6.6.6", "X-Forwarded-Proto: https",
			"X-Forwarded-Host: evil.example.com", "X-Forwarded-Prefix: /admin", "Forwarded: for=6.6.6.6;proto=https",
			"X-Real-IP: 6.6.6.6" };

	@Test
	void anUntrustedClientsForwardingClaimsNeverReachTheUpstream() throws IOException {
		for (EdgeApp edge : new EdgeApp[] { direct, servlet }) {
			String marker = "t=untrusted" + edge.port();
			try (RawClient client = RawClient.connect(edge.port(), "/ws/echo?" + marker, 0, CLAIMS)) {
				assertThat(client.status()).isEqualTo(101);
				HttpHeaders received = upstream.session(marker).headers;
				assertThat(received.getAll("X-Forwarded-For")).containsExactly("127.0.0.1");
				assertThat(received.getAll("X-Forwarded-Proto")).containsExactly("http");
				assertThat(received.getAll("X-Forwarded-Host")).containsExactly("127.0.0.1:" + edge.port());
				assertThat(received.contains("X-Forwarded-Prefix")).isFalse();
				assertThat(received.contains("Forwarded")).isFalse();
				assertThat(received.contains("X-Real-IP")).isFalse();
			}
		}
	}

	@Test
	void aTrustedProxysForwardingHeadersPassAndItsAddressIsAppended() throws IOException {
		try (RawClient client = RawClient.connect(behindProxy.port(), "/ws/echo?t=trusted", 0, CLAIMS)) {
			assertThat(client.status()).isEqualTo(101);
			HttpHeaders received = upstream.session("t=trusted").headers;
			assertThat(received.getAll("X-Forwarded-For")).containsExactly("6.6.6.6, 127.0.0.1");
			assertThat(received.getAll("X-Forwarded-Proto")).containsExactly("https");
			assertThat(received.getAll("X-Forwarded-Host")).containsExactly("evil.example.com");
			assertThat(received.getAll("X-Forwarded-Prefix")).containsExactly("/admin");
			assertThat(received.getAll("Forwarded")).containsExactly("for=6.6.6.6;proto=https");
			assertThat(received.getAll("X-Real-IP")).containsExactly("6.6.6.6");
		}
	}

	@Test
	void aMalformedHostIsNotForwarded() throws IOException {
		try (RawClient client = withHost(direct.port(), "/ws/echo?t=badhost", "evil.example.com@attacker")) {
			assertThat(client.status()).isEqualTo(101);
			HttpHeaders received = upstream.session("t=badhost").headers;
			assertThat(received.contains("X-Forwarded-Host")).isFalse();
			assertThat(received.getAll("X-Forwarded-For")).containsExactly("127.0.0.1");
		}
	}

	@Test
	void aWellFormedHostOfAnotherNameIsForwardedAsItIs() throws IOException {
		try (RawClient client = withHost(direct.port(), "/ws/echo?t=goodhost", "App.Example.com:8443")) {
			assertThat(client.status()).isEqualTo(101);
			assertThat(upstream.session("t=goodhost").headers.getAll("X-Forwarded-Host"))
				.containsExactly("App.Example.com:8443");
		}
	}

	@Test
	void theRoutesQueryParametersWinOverTheClients() throws IOException {
		for (EdgeApp edge : new EdgeApp[] { direct, behindProxy, servlet }) {
			String marker = "t=query" + edge.port();
			try (RawClient client = RawClient.connect(edge.port(),
					"/ws/echo?role=admin&edge=0&" + marker + "&Role=admin&rol%65=admin&room=a%20b", 0)) {
				assertThat(client.status()).isEqualTo(101);
				assertThat(upstream.session(marker).uri).isEqualTo("/echo?edge=1&role=user&" + marker + "&room=a%20b");
			}
		}
	}

	private static RawClient withHost(int port, String pathAndQuery, String host) throws IOException {
		String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + "\r\n"
				+ "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
				+ "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n\r\n";
		return RawClient.request(port, request.getBytes(StandardCharsets.US_ASCII), 0);
	}

}
