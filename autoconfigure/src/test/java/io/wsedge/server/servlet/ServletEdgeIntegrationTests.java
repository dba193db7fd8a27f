package io.wsedge.server.servlet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.NoLeaks;
import io.wsedge.testsupport.RawClient;
import io.wsedge.testsupport.RawClient.Frame;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestClient.Close;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What is particular to the servlet edge, where Tomcat carries the client's side: how it differs from the
 * reactive edge on the wire, actuator on an MVC application, the drain on shutdown, and buffers released under
 * churn. The behaviour both stacks share is tested by the parameterised integration tests.
 */
@ExtendWith(NoLeaks.class)
class ServletEdgeIntegrationTests {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static TestUpstream upstream;

	private static EdgeApp edge;

	@BeforeAll
	static void start() {
		upstream = TestUpstream.start();
		Map<String, String> properties = routes();
		properties.put("management.server.port", "0");
		properties.put("management.server.address", "127.0.0.1");
		properties.put("management.endpoints.web.exposure.include", "health,metrics,wsedgesessions");
		properties.put("management.endpoint.health.show-details", "always");
		edge = EdgeApp.start(Stack.SERVLET, properties);
	}

	private static Map<String, String> routes() {
		Map<String, String> properties = new LinkedHashMap<>();
		// An upstream busy sending may answer a close frame late: sessions it keeps open end within a second.
		properties.put("wsedge.limits.close-timeout", "1s");
		properties.put("wsedge.routes[0].id", "echo");
		properties.put("wsedge.routes[0].path", "/ws/echo");
		properties.put("wsedge.routes[0].upstream", upstream.uri("/echo").toString());
		properties.put("wsedge.routes[1].id", "commands");
		properties.put("wsedge.routes[1].path", "/ws/commands");
		properties.put("wsedge.routes[1].upstream", upstream.uri("/commands").toString());
		return properties;
	}

	@AfterAll
	static void stop() {
		edge.close();
		upstream.close();
	}

	@Test
	void fragmentedMessageFromTheUpstreamReachesTheClientWhole() throws Exception {
		try (RawClient client = RawClient.connect(edge.port(), "/ws/echo?t=joined", 0)) {
			client.sendFrame(false, 0x1, utf8("one-"), true);
			client.sendFrame(false, 0x0, utf8("two-"), true);
			client.sendFrame(true, 0x0, utf8("three"), true);
			// The client's fragments reach the upstream as fragments, and its echo comes back as one frame.
			assertThat(upstream.session("t=joined").nextMessage().frames()).isEqualTo(3);
			Frame frame = client.readFrame();
			assertThat(frame.fin()).isTrue();
			assertThat(frame.opcode()).isEqualTo(0x1);
			assertThat(frame.text()).isEqualTo("one-two-three");
			client.sendClose(1000, "");
			assertThat(client.readUntilClose().closeCode()).isEqualTo(1000);
		}
	}

	@Test
	void clientCloseWithoutACodeReachesTheUpstreamAs1000() throws Exception {
		try (RawClient client = RawClient.connect(edge.port(), "/ws/echo?t=no-code", 0)) {
			client.sendFrame(true, 0x8, new byte[0], true);
			// Tomcat reports a close frame without a code as 1000, and answers it with 1000.
			assertThat(client.readUntilClose().closeCode()).isEqualTo(1000);
			assertThat(upstream.session("t=no-code").awaitClose().code()).isEqualTo(1000);
		}
	}

	@Test
	void clientThatBreaksTheProtocolIsAnsweredByTomcatAndItsCodeReachesTheUpstream() throws Exception {
		try (RawClient client = RawClient.connect(edge.port(), "/ws/echo?t=unmasked", 0)) {
			client.sendFrame(true, 0x1, utf8("not masked"), false);
			assertThat(client.readUntilClose().closeCode()).isEqualTo(1002);
			WebSocketCloseStatus atUpstream = upstream.session("t=unmasked").awaitClose();
			assertThat(atUpstream.code()).isEqualTo(1002);
		}
	}

	@Test
	void sessionsOfEveryKindEndAndReleaseTheirBuffers() throws Exception {
		for (int i = 0; i < 40; i++) {
			
			switch (i % 4) {
				case 0 -> {
					TestClient client = TestClient.connect(edge.ws("/ws/echo?t=churn-" + i));
					byte[] binary = new byte[20_000];
					ThreadLocalRandom.current().nextBytes(binary);
					client.send("x".repeat(20_000));
					client.send(binary);
					assertThat(client.nextText()).hasSize(20_000);
					assertThat((byte[]) client.next()).isEqualTo(binary);
					client.close(1000, "");
					client.awaitClose(Duration.ofSeconds(5));
				}
				case 1 -> {
					RawClient client = RawClient.connect(edge.port(), "/ws/echo?t=churn-" + i, 0);
					client.sendFrame(false, 0x2, new byte[3000], true);
					client.sendFrame(true, 0x0, new byte[3000], true);
					assertThat(client.readMessage().payload()).hasSize(6000);
					client.vanish();
				}
				case 2 -> {
					CompletableFuture<String> pong = new CompletableFuture<>();
					TestClient client = TestClient.connectWithPongs(edge.ws("/ws/commands?t=churn-" + i), pong);
					client.send("ping churn");
					client.send("send 5 10000");
					for (int n = 0; n < 5; n++) {
						assertThat(client.nextText()).startsWith(n + ":");
					}
					client.send("close 4000 done");
					assertThat(client.awaitClose(Duration.ofSeconds(5))).isEqualTo(new Close(4000, "done"));
				}
				default -> {
					RawClient client = RawClient.connect(edge.port(), "/ws/commands?t=churn-" + i, 0);
					// Sent and left unread: the client goes while the edge writes to it.
					client.sendText("send 50 10000");
					client.vanish();
				}
			}
		}
		edge.awaitNoSessions();
	}

	@Test
	void actuatorSeesTheSessionsOfTheServletEdgeAndClosesThem() {
		TestClient client = TestClient.connect(edge.ws("/ws/echo?t=actuator"));
		client.send("hello");
		assertThat(client.nextText()).isEqualTo("hello");
		DocumentContext health = JsonPath.parse(management("GET", "/actuator/health").body());
		assertThat(health.read("$.components.wsedge.details.echo.sessions", Integer.class)).isEqualTo(1);
		DocumentContext handshakes = JsonPath.parse(management("GET",
				"/actuator/metrics/wsedge.handshakes?tag=route:echo&tag=outcome:accepted").body());
		assertThat(handshakes.read("$.measurements[0].value", Double.class)).isPositive();
		DocumentContext sessions = JsonPath.parse(management("GET", "/actuator/wsedgesessions?route=echo").body());
		String id = sessions.read("$.sessions[0].id");
		assertThat(management("DELETE", "/actuator/wsedgesessions/" + id + "?code=4000&reason=maintenance")
			.statusCode()).isEqualTo(204);
		assertThat(client.awaitClose(Duration.ofSeconds(5))).isEqualTo(new Close(4000, "maintenance"));
		assertThat(upstream.session("t=actuator").awaitClose().code()).isEqualTo(4000);
		edge.awaitNoSessions();
	}

	@Test
	void shutdownClosesBothSidesWithTheShutdownPolicy() {
		EdgeApp draining = EdgeApp.start(Stack.SERVLET, routes());
		TestClient client = TestClient.connect(draining.ws("/ws/echo?t=drain"));
		client.send("before shutdown");
		assertThat(client.nextText()).isEqualTo("before shutdown");
		draining.close();
		assertThat(client.awaitClose(Duration.ofSeconds(5))).isEqualTo(new Close(1001, "server shutting down"));
		assertThat(upstream.session("t=drain").awaitClose().code()).isEqualTo(1001);
	}

	private static HttpResponse<String> management(String method, String path) {
		int port = Integer.parseInt(edge.context().getEnvironment().getProperty("local.management.port"));
		try {
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.method(method, HttpRequest.BodyPublishers.noBody())
				.timeout(Duration.ofSeconds(5))
				.build();
			return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
