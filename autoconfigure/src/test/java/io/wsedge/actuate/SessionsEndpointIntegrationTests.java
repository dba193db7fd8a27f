package io.wsedge.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestClient.Close;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code wsedgesessions} endpoint end to end, on a separate management port as in the demo: live
 * sessions listed, and closed with the operator's code as both the client and the upstream see it.
 */
class SessionsEndpointIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static TestUpstream upstream;

	private static EdgeApp edge;

	@BeforeAll
	static void start() {
		upstream = TestUpstream.start();
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("wsedge.routes[0].id", "echo");
		properties.put("wsedge.routes[0].path", "/ws/echo");
		properties.put("wsedge.routes[0].upstream", upstream.uri("/echo").toString());
		properties.put("wsedge.routes[1].id", "chat");
		properties.put("wsedge.routes[1].path", "/ws/chat");
		properties.put("wsedge.routes[1].upstream", upstream.uri("/proto").toString());
		properties.put("management.server.port", "0");
		properties.put("management.server.address", "127.0.0.1");
		properties.put("management.endpoints.web.exposure.include", "health,wsedgesessions");
		edge = EdgeApp.start(properties);
	}

	@AfterAll
	static void stop() {
		edge.close();
		upstream.close();
	}

	@Test
	void listsALiveSessionWithItsRouteClientAddressSubprotocolAndTraffic() {
		TestClient client = TestClient.connect(edge.ws("/ws/chat"), Map.of(), "chat.v2");
		client.send("hello");
		assertThat(client.nextText()).isEqualTo("hello");

		HttpResponse<String> list = request("GET", "/actuator/wsedgesessions");
		assertThat(list.statusCode()).isEqualTo(200);
		DocumentContext json = JsonPath.parse(list.body());
		assertThat(json.read("$.sessions.length()", Integer.class)).isEqualTo(1);
		String id = json.read("$.sessions[0].id");
		assertThat(id).isEqualTo(edge.engine().sessions().iterator().next().id());
		assertThat(json.read("$.sessions[0].route", String.class)).isEqualTo("chat");
		assertThat(json.read("$.sessions[0].clientAddress", String.class)).startsWith("127.0.0.1:");
		assertThat(json.read("$.sessions[0].subprotocol", String.class)).isEqualTo("chat.v2");
		assertThat(Duration.parse(json.read("$.sessions[0].age", String.class))).isPositive();
		assertThat(json.read("$.sessions[0].messages.client", Long.class)).isEqualTo(1);
		assertThat(json.read("$.sessions[0].bytes.client", Long.class)).isEqualTo(5);
		assertThat(json.read("$.sessions[0].messages.upstream", Long.class)).isEqualTo(1);
		assertThat(json.read("$.sessions[0].bytes.upstream", Long.class)).isEqualTo(5);
		assertThat(JsonPath.parse(request("GET", "/actuator/wsedgesessions?route=echo").body())
			.read("$.sessions.length()", Integer.class)).isZero();

		HttpResponse<String> one = request("GET", "/actuator/wsedgesessions/" + id);
		assertThat(one.statusCode()).isEqualTo(200);
		assertThat(JsonPath.parse(one.body()).read("$.route", String.class)).isEqualTo("chat");
		client.close(1000, "");
		edge.awaitNoSessions();
		assertThat(request("GET", "/actuator/wsedgesessions/" + id).statusCode()).isEqualTo(404);
	}

	@Test
	void closesOneSessionWithTheGivenCodeAndReasonOnBothSides() {
		TestClient client = TestClient.connect(edge.ws("/ws/echo?t=operator-close"));
		TestUpstream.Session atUpstream = upstream.session("t=operator-close");
		String id = onlySessionId();

		HttpResponse<String> closed = request("DELETE",
				"/actuator/wsedgesessions/" + id + "?code=4000&reason=maintenance");
		assertThat(closed.statusCode()).isEqualTo(204);
		assertThat(client.awaitClose(TIMEOUT)).isEqualTo(new Close(4000, "maintenance"));
		WebSocketCloseStatus status = atUpstream.awaitClose();
		assertThat(status.code()).isEqualTo(4000);
		assertThat(status.reasonText()).isEqualTo("maintenance");
		edge.awaitNoSessions();
	}

	@Test
	void closingWithoutCodeOrReasonSends1000ClosedByOperator() {
		TestClient client = TestClient.connect(edge.ws("/ws/echo?t=operator-default"));
		TestUpstream.Session atUpstream = upstream.session("t=operator-default");
		assertThat(request("DELETE", "/actuator/wsedgesessions/" + onlySessionId()).statusCode()).isEqualTo(204);
		assertThat(client.awaitClose(TIMEOUT)).isEqualTo(new Close(1000, "closed by operator"));
		assertThat(atUpstream.awaitClose().code()).isEqualTo(1000);
		edge.awaitNoSessions();
	}

	@Test
	void closesEverySessionOfARouteAndNoOther() {
		TestClient first = TestClient.connect(edge.ws("/ws/chat"), Map.of(), "chat.v2");
		TestClient second = TestClient.connect(edge.ws("/ws/chat"), Map.of(), "chat.v2");
		TestClient other = TestClient.connect(edge.ws("/ws/echo"));
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(edge.engine().sessions()).hasSize(3));

		HttpResponse<String> closed = request("DELETE", "/actuator/wsedgesessions?route=chat&code=4001&reason=deploy");
		assertThat(closed.statusCode()).isEqualTo(200);
		assertThat(JsonPath.parse(closed.body()).read("$.closed", Integer.class)).isEqualTo(2);
		assertThat(first.awaitClose(TIMEOUT)).isEqualTo(new Close(4001, "deploy"));
		assertThat(second.awaitClose(TIMEOUT)).isEqualTo(new Close(4001, "deploy"));
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(edge.engine().sessions()).hasSize(1));
		other.send("still here");
		assertThat(other.nextText()).isEqualTo("still here");
		other.close(1000, "");
		edge.awaitNoSessions();
	}

	@Test
	void unsendableCodeOrOverlongReasonIsABadRequestAndClosesNothing() {
		TestClient client = TestClient.connect(edge.ws("/ws/echo"));
		String id = onlySessionId();
		assertRefused("/actuator/wsedgesessions/" + id + "?code=1006", "Close status 1006 may not be sent");
		assertRefused("/actuator/wsedgesessions/" + id + "?code=5000", "Close status 5000 may not be sent");
		assertRefused("/actuator/wsedgesessions/" + id + "?code=abc", "Close status 'abc' is not a number");
		assertRefused("/actuator/wsedgesessions/" + id + "?reason=" + "x".repeat(124), "123");
		assertRefused("/actuator/wsedgesessions?route=echo&code=1005", "Close status 1005 may not be sent");
		// Closing every session of the edge at once is not offered: the route is required.
		assertRefused("/actuator/wsedgesessions", "The route parameter is required");
		client.send("still open");
		assertThat(client.nextText()).isEqualTo("still open");
		client.close(1000, "");
		edge.awaitNoSessions();
	}

	@Test
	void unknownSessionOrRouteIsNotFound() {
		assertThat(request("GET", "/actuator/wsedgesessions/0123456789abcdef").statusCode()).isEqualTo(404);
		assertThat(request("DELETE", "/actuator/wsedgesessions/0123456789abcdef").statusCode()).isEqualTo(404);
		assertThat(request("DELETE", "/actuator/wsedgesessions?route=nope").statusCode()).isEqualTo(404);
	}

	@Test
	void endpointIsServedOnTheManagementPortOnly() {
		int managementPort = Integer.parseInt(edge.context().getEnvironment().getProperty("local.management.port"));
		assertThat(managementPort).isNotEqualTo(edge.port());
		assertThat(send("GET", edge.port(), "/actuator/wsedgesessions").statusCode()).isEqualTo(404);
	}

	private static void assertRefused(String path, String error) {
		HttpResponse<String> response = request("DELETE", path);
		assertThat(response.statusCode()).as(path).isEqualTo(400);
		assertThat(JsonPath.parse(response.body()).<String>read("$.error")).as(path).contains(error);
	}

	private static String onlySessionId() {
		List<String> ids = new ArrayList<>();
		await().atMost(TIMEOUT).untilAsserted(() -> {
			ids.clear();
			ids.addAll(JsonPath.parse(request("GET", "/actuator/wsedgesessions").body()).read("$.sessions[*].id"));
			assertThat(ids).hasSize(1);
		});
		return ids.get(0);
	}

	private static HttpResponse<String> request(String method, String path) {
		int port = Integer.parseInt(edge.context().getEnvironment().getProperty("local.management.port"));
		return send(method, port, path);
	}

	private static HttpResponse<String> send(String method, int port, String path) {
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

}
