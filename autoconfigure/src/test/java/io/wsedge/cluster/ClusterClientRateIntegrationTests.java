package io.wsedge.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.RedisServer;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code wsedge.cluster.messages-per-second-per-client}: one client address's sessions on two instances (one on
 * each stack) share one rate, within the documented bound.
 */
class ClusterClientRateIntegrationTests {

	private static RedisServer redis;

	private static TestUpstream upstream;

	private static final List<EdgeApp> edges = new ArrayList<>();

	@BeforeAll
	static void start() {
		redis = RedisServer.start();
		upstream = TestUpstream.start();
		edges.add(edge("one", Stack.REACTIVE));
		edges.add(edge("two", Stack.SERVLET));
	}

	private static EdgeApp edge(String instance, Stack stack) {
		Map<String, String> p = new LinkedHashMap<>();
		p.put("spring.data.redis.host", "127.0.0.1");
		p.put("spring.data.redis.port", Integer.toString(redis.port()));
		p.put("wsedge.cluster.enabled", "true");
		p.put("wsedge.cluster.instance-id", instance);
		p.put("wsedge.cluster.messages-per-second-per-client", "10");
		p.put("wsedge.cluster.token-batch", "2");
		p.put("wsedge.limits.ping-interval", "0s");
		p.put("wsedge.limits.rate-limit-action", "drop");
		p.put("wsedge.routes[0].id", "echo");
		p.put("wsedge.routes[0].path", "/ws/echo");
		p.put("wsedge.routes[0].upstream", upstream.uri("/echo").toString());
		return EdgeApp.start(stack, p);
	}

	@AfterAll
	static void stop() {
		edges.forEach(EdgeApp::close);
		upstream.close();
		redis.close();
	}

	@Test
	void aClientsSessionsOnTwoInstancesShareOneRate() throws Exception {
		List<TestClient> sessions = new ArrayList<>();
		for (EdgeApp edge : edges) {
			for (int i = 0; i < 2; i++) {
				sessions.add(TestClient.connect(edge.ws("/ws/echo")));
			}
		}
		long started = System.nanoTime();
		int sent = 0;
		while (System.nanoTime() - started < Duration.ofSeconds(2).toNanos()) {
			for (TestClient session : sessions) {
				session.send("m");
				sent++;
			}
			Thread.sleep(2);
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		int echoed = 0;
		for (TestClient session : sessions) {
			while (session.messages.poll(500, TimeUnit.MILLISECONDS) != null) {
				echoed++;
			}
		}
		// The bucket's size (10) plus the rate times the time, plus what each instance's own rate lets through
		// before its first batch arrives (a burst of 10 each). Four sessions with rates of their own would have
		// had four times the rate.
		assertThat(sent).isGreaterThan(400);
		assertThat(echoed).isBetween(10, (int) Math.ceil(10 + 10 * seconds + 2 * 10));
		for (TestClient session : sessions) {
			session.close(1000, "");
			session.awaitClose(Duration.ofSeconds(10));
		}
	}

}
