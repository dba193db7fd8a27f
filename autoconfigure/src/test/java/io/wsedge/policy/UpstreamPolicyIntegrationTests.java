package io.wsedge.policy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.wsedge.api.UpgradeInterceptor;
import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The upstream policy against the addresses the edge really dials: names resolved at dial time, numeric and
 * unspecified forms, the routes checked at startup, and log lines that keep the client's secrets out.
 */
@ExtendWith(OutputCaptureExtension.class)
class UpstreamPolicyIntegrationTests {

	private static final String SECRET_QUERY = "api_key=secret-in-query";

	private static final String SECRET_HEADER = "secret-in-header";

	private static Map<String, String> route(URI upstream) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("wsedge.routes[0].id", "echo");
		properties.put("wsedge.routes[0].path", "/ws/echo");
		properties.put("wsedge.routes[0].upstream", upstream.toString());
		properties.put("wsedge.limits.ping-interval", "0s");
		return properties;
	}

	/** The status of a refused upgrade that carries secrets in its query and in a header. */
	private static int refusedStatus(EdgeApp edge, String to) throws Exception {
		URI uri = edge.ws("/ws/echo?to=" + to + "&" + SECRET_QUERY);
		try {
			HttpClient.newHttpClient()
				.newWebSocketBuilder()
				.header("X-Api-Key", SECRET_HEADER)
				.buildAsync(uri, new WebSocket.Listener() {
				})
				.get(15, TimeUnit.SECONDS)
				.abort();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof WebSocketHandshakeException refused) {
				return refused.getResponse().statusCode();
			}
			throw ex;
		}
		throw new AssertionError("The upgrade to " + to + " was accepted");
	}

	@Test
	void aNameIsRefusedAtDialTimeWhenItResolvesToADeniedAddressAndNothingIsConnected(CapturedOutput output)
			throws Exception {
		try (TestUpstream upstream = TestUpstream.start(); ServerSocket forbidden = listen()) {
			Map<String, String> properties = route(URI.create("ws://127.0.0.1:" + upstream.port() + "/echo"));
			// Only the forbidden port is denied, so that the route itself, on the same loopback, is allowed.
			properties.put("wsedge.upstream-policy.deny", "127.0.0.1:" + forbidden.getLocalPort());
			properties.put("reroute.port", Integer.toString(forbidden.getLocalPort()));
			// Refused upgrades are logged at DEBUG: any client can cause them.
			properties.put("logging.level.io.wsedge.upgrade", "DEBUG");
			try (EdgeApp edge = EdgeApp.start(properties, Reroute.class)) {
				TestClient allowed = TestClient.connect(edge.ws("/ws/echo?to=route"));
				allowed.send("ok");
				assertThat(allowed.nextText()).isEqualTo("ok");
				allowed.close(1000, "");
				// localhost passes the rules by name, then resolves to 127.0.0.1 and is refused before a connect.
				assertThat(refusedStatus(edge, "localhost")).isEqualTo(403);
				assertThat(refusedStatus(edge, "decimal")).isEqualTo(403);
				assertThat(refusedStatus(edge, "mapped")).isEqualTo(403);
				assertThat(refusedStatus(edge, "zero")).isEqualTo(403);
				assertNoConnection(forbidden);
			}
		}
		assertThat(output).contains("is outside wsedge.upstream-policy")
			.contains("status=403 by=upstream-policy")
			.contains("localhost (127.0.0.1) matches deny rule 127.0.0.1:")
			.contains("is the unspecified address");
		assertThat(output).doesNotContain("secret-in-query").doesNotContain(SECRET_HEADER);
	}

	@Test
	void aFailedDialLogsTheUpstreamWithoutTheClientsQuery(CapturedOutput output) throws Exception {
		int closedPort;
		try (ServerSocket socket = listen()) {
			closedPort = socket.getLocalPort();
		}
		try (TestUpstream upstream = TestUpstream.start()) {
			Map<String, String> properties = route(URI.create("ws://127.0.0.1:" + upstream.port() + "/echo?own=1"));
			properties.put("reroute.port", Integer.toString(closedPort));
			properties.put("logging.level.io.wsedge.upgrade", "DEBUG");
			try (EdgeApp edge = EdgeApp.start(properties, Reroute.class)) {
				assertThat(refusedStatus(edge, "closed")).isEqualTo(502);
			}
		}
		assertThat(output).contains("Upstream ws://127.0.0.1:" + closedPort + "/echo is unreachable");
		assertThat(output).doesNotContain("secret-in-query").doesNotContain(SECRET_HEADER);
	}

	@Test
	void routesAreResolvedAndCheckedAtStartup(CapturedOutput output) {
		Map<String, String> properties = route(URI.create("ws://localhost:9/x"));
		properties.put("wsedge.upstream-policy.deny", "127.0.0.0/8");
		assertThatException().isThrownBy(() -> EdgeApp.start(properties).close());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("wsedge.routes[0].upstream")
			.contains("localhost (127.0.0.1) matches deny rule 127.0.0.0/8");
	}

	@Test
	void aNumericFormOfADeniedAddressFailsStartup(CapturedOutput output) {
		Map<String, String> properties = route(URI.create("ws://2130706433:9/x"));
		properties.put("wsedge.upstream-policy.deny", "127.0.0.0/8");
		assertThatException().isThrownBy(() -> EdgeApp.start(properties).close());
		assertThat(output).contains("wsedge.routes[0].upstream").contains("127.0.0.1 matches deny rule 127.0.0.0/8");
	}

	@Test
	void theUnspecifiedAddressFailsStartupWithoutAnyRule(CapturedOutput output) {
		assertThatException().isThrownBy(() -> EdgeApp.start(route(URI.create("ws://0.0.0.0:9/x"))).close());
		assertThat(output).contains("wsedge.routes[0].upstream").contains("is the unspecified address");
	}

	@Test
	void aTrailingDotDoesNotDodgeAHostRule(CapturedOutput output) {
		Map<String, String> properties = route(URI.create("ws://internal.example.com.:9/x"));
		properties.put("wsedge.upstream-policy.deny", "Internal.Example.com");
		assertThatException().isThrownBy(() -> EdgeApp.start(properties).close());
		assertThat(output).contains("wsedge.routes[0].upstream")
			.contains("internal.example.com matches deny rule Internal.Example.com");
	}

	private static ServerSocket listen() throws IOException {
		return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
	}

	/** Fails if anything connected: a connection would wait in the backlog for this accept. */
	private static void assertNoConnection(ServerSocket socket) throws IOException {
		socket.setSoTimeout(300);
		try (Socket accepted = socket.accept()) {
			throw new AssertionError("The edge connected to a denied address from " + accepted.getRemoteSocketAddress());
		}
		catch (SocketTimeoutException expected) {
			// Nothing connected.
		}
	}

	/** Reroutes the dial by the {@code to} query parameter to the port {@code reroute.port}, keeping the query. */
	@Configuration(proxyBeanMethods = false)
	static class Reroute {

		@Bean
		UpgradeInterceptor reroute(org.springframework.core.env.Environment environment) {
			String port = environment.getProperty("reroute.port");
			return (upgrade) -> {
				String query = upgrade.uri().getQuery();
				String to = query.substring(3, query.indexOf('&') > 0 ? query.indexOf('&') : query.length());
				String host = switch (to) {
					case "localhost" -> "localhost";
					case "decimal" -> "2130706433";
					case "mapped" -> "[::ffff:127.0.0.1]";
					case "zero" -> "0.0.0.0";
					case "closed" -> "127.0.0.1";
					default -> null;
				};
				if (host != null) {
					URI current = upgrade.upstreamUri();
					upgrade.setUpstreamUri(URI.create(current.getScheme() + "://" + host + ":" + port
							+ current.getRawPath() + "?" + current.getRawQuery()));
				}
			};
		}

	}

}
