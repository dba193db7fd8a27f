package io.wsedge.auth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.wsedge.engine.ProxySession;
import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.JwtTestSecurity;
import io.wsedge.testsupport.RawClient;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Security at the upgrade on each server stack, with the OAuth2 resource server and a JWT decoder on a
 * test key: the token in the Authorization header, a query parameter or a subprotocol entry, the principal it
 * gives the session, the refusals (401, 403) that reach nothing upstream, and the token kept from the upstream.
 */
@ParameterizedClass
@EnumSource(Stack.class)
class AuthIntegrationTests {

	private static final String MARKER = "bearer.wsedge";

	@Parameter
	private Stack stack;

	private static TestUpstream upstream;

	private static EdgeApp edge;

	@BeforeParameterizedClassInvocation
	static void start(Stack stack) {
		upstream = TestUpstream.start();
		Map<String, String> p = new LinkedHashMap<>();
		p.put("wsedge.limits.ping-interval", "0s");
		p.put("management.endpoints.web.exposure.include", "wsedgesessions");
		route(p, 0, "open");
		route(p, 1, "query", "required", "true", "query-parameter", "access_token");
		route(p, 2, "proto", "required", "true", "subprotocol-marker", MARKER);
		route(p, 3, "scoped", "authorities", "SCOPE_chat,SCOPE_admin", "query-parameter", "access_token");
		edge = EdgeApp.startSecured(stack, p, JwtTestSecurity.class);
	}

	private static void route(Map<String, String> properties, int index, String id, String... auth) {
		String prefix = "wsedge.routes[" + index + "]";
		properties.put(prefix + ".id", id);
		properties.put(prefix + ".path", "/ws/" + id);
		properties.put(prefix + ".upstream", upstream.uri("/echo").toString());
		for (int i = 0; i < auth.length; i += 2) {
			properties.put(prefix + ".auth." + auth[i], auth[i + 1]);
		}
	}

	@AfterParameterizedClassInvocation
	static void stop() {
		edge.close();
		upstream.close();
	}

	private String marker(String name) {
		return name + "-" + this.stack;
	}

	private Principal principalOf(String marker) {
		return edge.engine()
			.sessions()
			.stream()
			.filter((session) -> session.uri().toString().contains(marker))
			.map(ProxySession::principal)
			.findFirst()
			.orElseThrow()
			.orElse(null);
	}

	@Test
	void tokenInTheAuthorizationHeaderIsSpringSecuritysPrincipalAndTheSessions() {
		String marker = marker("header");
		TestClient client = TestClient.connect(edge.ws("/ws/query?t=" + marker),
				Map.of("Authorization", "Bearer " + JwtTestSecurity.token("alice", "chat")));
		client.send("hi");
		assertThat(client.nextText()).isEqualTo("hi");
		assertThat(principalOf(marker).getName()).isEqualTo("alice");
		assertThat(upstream.session("t=" + marker).headers.contains("Authorization")).isFalse();
		client.close(1000, "");
	}

	@Test
	void tokenInTheQueryParameterAuthenticatesAndNeverReachesTheUpstream() throws Exception {
		String marker = marker("query");
		String token = JwtTestSecurity.token("bob", null);
		TestClient client = TestClient.connect(edge.ws("/ws/query?access_token=" + token + "&t=" + marker));
		client.send("hi");
		assertThat(client.nextText()).isEqualTo("hi");
		assertThat(principalOf(marker).getName()).isEqualTo("bob");
		TestUpstream.Session session = upstream.session("t=" + marker);
		assertThat(session.uri).doesNotContain("access_token").doesNotContain(token).contains("t=" + marker);
		edge.engine().sessions().forEach((open) -> assertThat(open.uri().toString()).doesNotContain(token));
		String sessions = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/actuator/wsedgesessions"))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString())
			.body();
		assertThat(sessions).contains("\"query\"").doesNotContain(token);
		client.close(1000, "");
	}

	@Test
	void tokenAfterTheSubprotocolMarkerAuthenticatesAndTheClientGetsTheMarker() {
		String marker = marker("proto");
		String token = JwtTestSecurity.token("carol", null);
		TestClient client = TestClient.connect(edge.ws("/ws/proto?t=" + marker), Map.of(), MARKER, token);
		assertThat(client.subprotocol()).isEqualTo(MARKER);
		client.send("hi");
		assertThat(client.nextText()).isEqualTo("hi");
		assertThat(principalOf(marker).getName()).isEqualTo("carol");
		TestUpstream.Session session = upstream.session("t=" + marker);
		assertThat(String.valueOf(session.headers.get("Sec-WebSocket-Protocol"))).doesNotContain(token);
		assertThat(session.headers.toString()).doesNotContain(token);
		client.close(1000, "");
	}

	@Test
	void badTokensAndMissingOnesGet401AndNothingReachesTheUpstream() throws IOException {
		int before = upstream.sessions.size();
		String expired = JwtTestSecurity.token(JwtTestSecurity.KEY, "dave", null, Instant.now().minusSeconds(600));
		String wronglySigned = JwtTestSecurity.token(JwtTestSecurity.OTHER_KEY, "eve", null,
				Instant.now().plusSeconds(3600));
		String good = JwtTestSecurity.token("frank", null);
		assertThat(TestClient.refusedStatus(edge.ws("/ws/query"))).isEqualTo(401);
		assertThat(TestClient.refusedStatus(edge.ws("/ws/query?access_token=not.a.jwt"))).isEqualTo(401);
		assertThat(TestClient.refusedStatus(edge.ws("/ws/query?access_token=" + expired))).isEqualTo(401);
		assertThat(TestClient.refusedStatus(edge.ws("/ws/query?access_token=" + wronglySigned))).isEqualTo(401);
		assertThat(TestClient.refusedStatus(edge.ws("/ws/query?access_token="))).isEqualTo(401);
		// One token in the header and another in the query: which one counts is not for the edge to guess.
		assertThat(TestClient.refusedStatus(edge.ws("/ws/query?access_token=" + good),
				Map.of("Authorization", "Bearer " + good))).isEqualTo(401);
		assertThat(TestClient.refusedStatus(edge.ws("/ws/proto"), Map.of(), MARKER, expired)).isEqualTo(401);
		assertThat(TestClient.refusedStatus(edge.ws("/ws/proto"), Map.of(), "other")).isEqualTo(401);
		try (RawClient empty = RawClient.connect(edge.port(), "/ws/proto", 0,
				"Sec-WebSocket-Protocol: " + MARKER + ", ")) {
			assertThat(empty.status()).isEqualTo(401);
		}
		// A malformed header token is refused by Spring Security's resource server itself.
		assertThat(TestClient.refusedStatus(edge.ws("/ws/open"), Map.of("Authorization", "Bearer not.a.jwt")))
			.isEqualTo(401);
		assertThat(upstream.sessions).hasSize(before);
	}

	@Test
	void principalWithoutTheRoutesAuthorityGets403AndOneWithItIsLetIn() {
		int before = upstream.sessions.size();
		assertThat(TestClient.refusedStatus(edge.ws("/ws/scoped?access_token=" + JwtTestSecurity.token("gina", "read"))))
			.isEqualTo(403);
		assertThat(TestClient.refusedStatus(edge.ws("/ws/scoped"))).isEqualTo(401);
		assertThat(upstream.sessions).hasSize(before);
		TestClient client = TestClient
			.connect(edge.ws("/ws/scoped?t=" + marker("scoped") + "&access_token=" + JwtTestSecurity.token("hal", "read chat")));
		client.send("hi");
		assertThat(client.nextText()).isEqualTo("hi");
		client.close(1000, "");
		assertThat(client.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1000);
	}

	@Test
	void routeWithoutAuthTakesSpringSecuritysPrincipalOrNone() {
		String anonymous = marker("anonymous");
		TestClient client = TestClient.connect(edge.ws("/ws/open?t=" + anonymous));
		client.send("hi");
		assertThat(client.nextText()).isEqualTo("hi");
		// Spring Security's anonymous authentication is nobody.
		assertThat(principalOf(anonymous)).isNull();
		client.close(1000, "");
		// The route has no auth of its own: only Spring Security's filter chain can have authenticated this one.
		String authenticated = marker("spring-principal");
		TestClient withHeader = TestClient.connect(edge.ws("/ws/open?t=" + authenticated),
				Map.of("Authorization", "Bearer " + JwtTestSecurity.token("ines", "chat")));
		withHeader.send("hi");
		assertThat(withHeader.nextText()).isEqualTo("hi");
		Principal principal = principalOf(authenticated);
		assertThat(principal.getName()).isEqualTo("ines");
		assertThat(principal).isInstanceOf(
				org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken.class);
		withHeader.close(1000, "");
	}

}
