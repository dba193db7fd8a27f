package io.wsedge.logging;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.RawClient;
import io.wsedge.testsupport.SilentServer;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upgrades that any client can make fail, because the route's upstream refuses, is unreachable or does not
 * answer, are logged in one line each at DEBUG, without a stack trace, on both stacks.
 */
@ExtendWith(OutputCaptureExtension.class)
class UpgradeLoggingIntegrationTests {

	@ParameterizedTest
	@EnumSource(Stack.class)
	void failedUpstreamsAreLoggedInOneLineWithoutStackTrace(Stack stack, CapturedOutput output) throws Exception {
		try (TestUpstream upstream = TestUpstream.start(); SilentServer silent = new SilentServer()) {
			Map<String, String> properties = new LinkedHashMap<>();
			properties.put("logging.level.io.wsedge", "DEBUG");
			route(properties, 0, "dead", "/ws/dead", "ws://127.0.0.1:" + SilentServer.closedPort() + "/x");
			route(properties, 1, "hang", "/ws/hang", "ws://127.0.0.1:" + silent.port() + "/x");
			properties.put("wsedge.routes[1].limits.connect-timeout", "300ms");
			route(properties, 2, "forbidden", "/ws/forbidden", upstream.uri("/forbidden").toString());
			try (EdgeApp edge = EdgeApp.start(stack, properties)) {
				int before = output.length();
				assertThat(status(edge, "/ws/dead")).isEqualTo(502);
				assertThat(status(edge, "/ws/hang")).isEqualTo(504);
				assertThat(status(edge, "/ws/forbidden")).isEqualTo(403);
				String logged = output.toString().substring(before);
				assertThat(logged).doesNotContain("\tat ").doesNotContain("Caused by");
				assertThat(logged.lines().filter((line) -> line.contains("Upgrade refused")))
					.anySatisfy((line) -> assertThat(line).contains("route=dead").contains("status=502"))
					.anySatisfy((line) -> assertThat(line).contains("route=hang").contains("status=504"))
					.anySatisfy((line) -> assertThat(line).contains("route=forbidden").contains("status=403"))
					.allSatisfy((line) -> assertThat(line).contains("DEBUG"));
			}
		}
	}

	private static int status(EdgeApp edge, String path) throws Exception {
		try (RawClient client = RawClient.connect(edge.port(), path, 0)) {
			return client.status();
		}
	}

	private static void route(Map<String, String> properties, int index, String id, String path, String uri) {
		properties.put("wsedge.routes[" + index + "].id", id);
		properties.put("wsedge.routes[" + index + "].path", path);
		properties.put("wsedge.routes[" + index + "].upstream", uri);
	}

}
