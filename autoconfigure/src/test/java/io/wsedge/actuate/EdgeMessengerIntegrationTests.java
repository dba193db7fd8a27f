package io.wsedge.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import io.wsedge.api.EdgeMessenger;
import io.wsedge.api.OutboundMessage;
import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sending to sessions on an edge that stands alone, on each server stack: the {@link EdgeMessenger} bean and the
 * {@code wsedgesessions} write operation reach this edge's own sessions, and count those that took the message.
 */
@ParameterizedClass
@EnumSource(Stack.class)
class EdgeMessengerIntegrationTests {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Parameter
	private Stack stack;

	private static TestUpstream upstream;

	private static EdgeApp edge;

	@BeforeParameterizedClassInvocation
	static void start(Stack stack) {
		upstream = TestUpstream.start();
		Map<String, String> p = new LinkedHashMap<>();
		p.put("wsedge.limits.ping-interval", "0s");
		p.put("wsedge.routes[0].id", "echo");
		p.put("wsedge.routes[0].path", "/ws/echo");
		p.put("wsedge.routes[0].upstream", upstream.uri("/echo").toString());
		p.put("wsedge.routes[1].id", "other");
		p.put("wsedge.routes[1].path", "/ws/other");
		p.put("wsedge.routes[1].upstream", upstream.uri("/echo").toString());
		p.put("management.server.port", "0");
		p.put("management.server.address", "127.0.0.1");
		p.put("management.endpoints.web.exposure.include", "wsedgesessions");
		edge = EdgeApp.start(stack, p);
	}

	@AfterParameterizedClassInvocation
	static void stop() {
		edge.close();
		upstream.close();
	}

	@Test
	void theMessengerReachesOneSessionOrEverySessionOfARoute() throws Exception {
		TestClient first = echoing(TestClient.connect(edge.ws("/ws/echo")));
		// The only session yet: the first client's.
		String firstId = edge.engine().sessions().iterator().next().id();
		TestClient second = echoing(TestClient.connect(edge.ws("/ws/echo")));
		TestClient elsewhere = echoing(TestClient.connect(edge.ws("/ws/other")));
		EdgeMessenger messenger = edge.context().getBean(EdgeMessenger.class);

		assertThat(messenger.sendToSession(firstId, OutboundMessage.text("just you")).toCompletableFuture()
			.get(10, TimeUnit.SECONDS)).isEqualTo(1);
		assertThat(first.nextText()).isEqualTo("just you");
		assertThat(messenger.sendToRoute("echo", OutboundMessage.binary(new byte[] { 7 })).toCompletableFuture()
			.get(10, TimeUnit.SECONDS)).isEqualTo(2);
		assertThat((byte[]) first.next()).containsExactly(7);
		assertThat((byte[]) second.next()).containsExactly(7);
		assertThat(messenger.sendToPrincipal("nobody", OutboundMessage.text("lost")).toCompletableFuture()
			.get(10, TimeUnit.SECONDS)).isZero();

		HttpResponse<String> sent = post("{\"route\":\"other\",\"text\":\"over http\"}");
		assertThat(sent.statusCode()).isEqualTo(200);
		assertThat(JsonPath.parse(sent.body()).read("$.sent", Integer.class)).isEqualTo(1);
		assertThat(elsewhere.nextText()).isEqualTo("over http");
		// The other route's sessions got nothing: their next message is their own echo.
		first.send("mine");
		assertThat(first.nextText()).isEqualTo("mine");
		for (TestClient client : new TestClient[] { first, second, elsewhere }) {
			client.close(1000, "");
			client.awaitClose(Duration.ofSeconds(10));
		}
	}

	@Test
	void aSendNamingNoTargetOrTwoMessagesIs400() {
		assertThat(post("{\"text\":\"to whom\"}").statusCode()).isEqualTo(400);
		assertThat(post("{\"route\":\"echo\",\"text\":\"a\",\"binary\":\"Yg==\"}").statusCode()).isEqualTo(400);
		assertThat(post("{\"route\":\"echo\",\"binary\":\"not base64!\"}").statusCode()).isEqualTo(400);
	}

	private static TestClient echoing(TestClient client) {
		client.send("ping");
		assertThat(client.nextText()).isEqualTo("ping");
		return client;
	}

	private static HttpResponse<String> post(String json) {
		int port = Integer.parseInt(edge.context().getEnvironment().getProperty("local.management.port"));
		try {
			return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/wsedgesessions"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(json))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
