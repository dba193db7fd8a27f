package io.wsedge.server.reactive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.RawClient;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests the HTTP decoder cannot read get their status and one DEBUG line, never a WARN line per request
 * with the names of the headers the client sent.
 */
@ExtendWith(OutputCaptureExtension.class)
class DecodingFailureIntegrationTests {

	private static TestUpstream upstream;

	private static EdgeApp edge;

	@BeforeAll
	static void start() {
		upstream = TestUpstream.start();
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("wsedge.routes[0].id", "echo");
		properties.put("wsedge.routes[0].path", "/ws/echo");
		properties.put("wsedge.routes[0].upstream", upstream.uri("/echo").toString());
		properties.put("logging.level.io.wsedge.server.reactive.DecodingFailureHandler", "DEBUG");
		edge = EdgeApp.start(properties);
	}

	@AfterAll
	static void stop() {
		if (edge != null) {
			edge.close();
		}
		upstream.close();
	}

	private static int status(String request) throws IOException {
		try (RawClient client = RawClient.request(edge.port(), request.getBytes(StandardCharsets.US_ASCII), 0)) {
			assertThat(client.header("connection")).isEqualTo("close");
			assertThat(client.awaitEndOfStream()).isTrue();
			return client.status();
		}
	}

	@Test
	void oversizedHeadersGet431AndOneDebugLineWithoutHeaderNames(CapturedOutput output) throws IOException {
		StringBuilder request = new StringBuilder("GET /ws/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n");
		for (int i = 0; i < 20; i++) {
			request.append("X-Header-Name-").append(i).append(": ").append("v".repeat(1000)).append("\r\n");
		}
		assertThat(status(request.append("\r\n").toString())).isEqualTo(431);
		assertThat(output).doesNotContain("X-Header-Name").doesNotContain("Decoding failed");
		assertThat(output.toString().lines().filter((line) -> line.contains("Refused a request from"))).hasSize(1)
			.allMatch((line) -> line.contains("DEBUG") && line.contains("with 431"));
	}

	@Test
	void anOversizedRequestLineGets414(CapturedOutput output) throws IOException {
		assertThat(status("GET /ws/echo?" + "q".repeat(5000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")).isEqualTo(414);
		assertThat(output).doesNotContain("qqqq").doesNotContain("Decoding failed");
	}

	@Test
	void upgradesStillWork() {
		TestClient client = TestClient.connect(edge.ws("/ws/echo"));
		client.send("through");
		assertThat(client.nextText()).isEqualTo("through");
		client.close(1000, "");
	}

}
