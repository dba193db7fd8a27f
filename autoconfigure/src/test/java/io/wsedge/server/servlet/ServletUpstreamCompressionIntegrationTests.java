package io.wsedge.server.servlet;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.TestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * permessage-deflate toward the upstream on the servlet stack, where the upstream leg is Reactor Netty's as on
 * the reactive stack: it is negotiated, and its meters count the bytes on both sides of the codec.
 */
class ServletUpstreamCompressionIntegrationTests {

	private static DisposableServer upstream;

	private static EdgeApp edge;

	@BeforeAll
	static void start() {
		WebsocketServerSpec spec = WebsocketServerSpec.builder().compress(true).build();
		upstream = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.ws("/echo", (in, out) -> out
				.sendObject(in.aggregateFrames(1024 * 1024).receiveFrames().map(WebSocketFrame::retain)), spec))
			.bindNow();
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("wsedge.limits.ping-interval", "0s");
		properties.put("wsedge.routes[0].id", "deflated");
		properties.put("wsedge.routes[0].path", "/ws/deflated");
		properties.put("wsedge.routes[0].upstream", "ws://127.0.0.1:" + upstream.port() + "/echo");
		properties.put("wsedge.routes[0].compression.upstream.enabled", "true");
		edge = EdgeApp.start(Stack.SERVLET, properties);
	}

	@AfterAll
	static void stop() {
		if (edge != null) {
			edge.close();
		}
		if (upstream != null) {
			upstream.disposeNow(Duration.ofSeconds(30));
		}
	}

	@Test
	void upstreamCompressionMetersCountWireAndPayloadBytes() {
		StringBuilder json = new StringBuilder("{\"items\":[");
		for (int i = 0; json.length() < 20_000; i++) {
			json.append("{\"id\":").append(i).append(",\"ok\":true},");
		}
		String message = json.append("{}]}").toString();
		TestClient client = TestClient.connect(edge.ws("/ws/deflated"));
		client.send(message);
		assertThat(client.nextText()).isEqualTo(message);
		client.close(1000, "");
		client.awaitClose(Duration.ofSeconds(5));
		MeterRegistry registry = edge.context().getBean(MeterRegistry.class);
		for (String direction : new String[] { "received", "sent" }) {
			double wire = bytes(registry, direction, "wire");
			double payload = bytes(registry, direction, "payload");
			assertThat(payload).as(direction).isGreaterThanOrEqualTo(message.length());
			// Repetitive JSON shrinks several times.
			assertThat(wire).as(direction).isPositive().isLessThan(payload / 3);
		}
	}

	private static double bytes(MeterRegistry registry, String direction, String form) {
		return registry.get("wsedge.compression.bytes")
			.tag("route", "deflated")
			.tag("leg", "upstream")
			.tag("direction", direction)
			.tag("form", form)
			.counter()
			.count();
	}

}
