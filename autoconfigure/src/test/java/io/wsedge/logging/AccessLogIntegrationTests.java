package io.wsedge.logging;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code wsedge.access-log.enabled}: one key=value line per ended session, on both stacks, and none when off.
 */
@ExtendWith(OutputCaptureExtension.class)
class AccessLogIntegrationTests {

	private static final Pattern LINE = Pattern.compile("route=echo session=[0-9a-f]+ client=127\\.0\\.0\\.1:\\d+ "
			+ "principal=- subprotocol=chat\\.v2 duration-ms=\\d+ closed-by=client client-code=4001 "
			+ "upstream-code=4001 client-messages=2 client-bytes=8 upstream-messages=2 upstream-bytes=8$");

	@ParameterizedTest
	@EnumSource(Stack.class)
	void logsOneLinePerEndedSession(Stack stack, CapturedOutput output) throws Exception {
		try (TestUpstream upstream = TestUpstream.start();
				EdgeApp edge = EdgeApp.start(stack, Map.of("wsedge.routes[0].id", "echo", "wsedge.routes[0].path",
						"/ws/echo", "wsedge.routes[0].upstream", upstream.uri("/proto").toString(),
						"wsedge.access-log.enabled", "true"))) {
			TestClient client = TestClient.connect(edge.ws("/ws/echo"), Map.of(), "chat.v2");
			client.send("ping");
			assertThat(client.nextText()).isEqualTo("ping");
			client.send("pong");
			assertThat(client.nextText()).isEqualTo("pong");
			client.close(4001, "bye");
			client.awaitClose(Duration.ofSeconds(10));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(output.toString().lines()
					.filter((line) -> line.contains(AccessLog.LOGGER) && line.contains("route=echo")))
					.singleElement()
					.satisfies((line) -> assertThat(line).contains(" INFO ").containsPattern(LINE)));
		}
	}

	@Test
	void logsNothingByDefault(CapturedOutput output) throws Exception {
		try (TestUpstream upstream = TestUpstream.start();
				EdgeApp edge = EdgeApp.start(Map.of("wsedge.routes[0].id", "quiet", "wsedge.routes[0].path", "/ws/echo",
						"wsedge.routes[0].upstream", upstream.uri("/echo").toString()))) {
			TestClient client = TestClient.connect(edge.ws("/ws/echo"));
			client.close(1000, "");
			client.awaitClose(Duration.ofSeconds(10));
			edge.awaitNoSessions();
			assertThat(edge.context().getBeansOfType(AccessLog.class)).isEmpty();
			assertThat(output).doesNotContain("route=quiet");
		}
	}

}
