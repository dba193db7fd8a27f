package io.wsedge.auth;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.JwtTestSecurity;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestClient.Close;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-principal limits on each server stack: a cap on a principal's sessions (429 at the upgrade) and a message
 * rate its sessions share.
 */
@ParameterizedClass
@EnumSource(Stack.class)
class PrincipalLimitsIntegrationTests {

	@Parameter
	private Stack stack;

	private static TestUpstream upstream;

	private static EdgeApp edge;

	@BeforeParameterizedClassInvocation
	static void start(Stack stack) {
		upstream = TestUpstream.start();
		Map<String, String> p = new LinkedHashMap<>();
		p.put("wsedge.limits.ping-interval", "0s");
		p.put("wsedge.limits.max-connections-per-principal", "2");
		route(p, 0, "capped");
		route(p, 1, "rated");
		p.put("wsedge.routes[1].limits.max-connections-per-principal", "0");
		p.put("wsedge.routes[1].limits.messages-per-second-per-principal", "0.5");
		edge = EdgeApp.startSecured(stack, p, JwtTestSecurity.class);
	}

	private static void route(Map<String, String> properties, int index, String id) {
		String prefix = "wsedge.routes[" + index + "]";
		properties.put(prefix + ".id", id);
		properties.put(prefix + ".path", "/ws/" + id);
		properties.put(prefix + ".upstream", upstream.uri("/echo").toString());
		properties.put(prefix + ".auth.required", "true");
		properties.put(prefix + ".auth.query-parameter", "access_token");
	}

	@AfterParameterizedClassInvocation
	static void stop() {
		edge.close();
		upstream.close();
	}

	private TestClient connect(String route, String subject) {
		return TestClient.connect(edge.ws("/ws/" + route + "?access_token=" + JwtTestSecurity.token(subject, null)));
	}

	@Test
	void principalOverItsSessionCapGets429AndOthersAreNotCounted() throws InterruptedException {
		String alice = "alice-" + this.stack;
		TestClient first = connect("capped", alice);
		TestClient second = connect("capped", alice);
		assertThat(TestClient.refusedStatus(edge.ws("/ws/capped?access_token=" + JwtTestSecurity.token(alice, null))))
			.isEqualTo(429);
		TestClient other = connect("capped", "bob-" + this.stack);
		other.send("hi");
		assertThat(other.nextText()).isEqualTo("hi");
		first.close(1000, "");
		first.awaitClose(Duration.ofSeconds(5));
		TestClient again = awaitConnect("capped", alice);
		again.send("back");
		assertThat(again.nextText()).isEqualTo("back");
		for (TestClient client : new TestClient[] { second, other, again }) {
			client.close(1000, "");
		}
	}

	/** Connects once the place a closing session held is given back, which follows its close by a little. */
	private TestClient awaitConnect(String route, String subject) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (true) {
			try {
				return connect(route, subject);
			}
			catch (IllegalStateException refused) {
				if (System.nanoTime() > deadline) {
					throw refused;
				}
				Thread.sleep(20);
			}
		}
	}

	@Test
	void sessionsOfOnePrincipalShareItsMessageRate() {
		String carol = "carol-" + this.stack;
		TestClient first = connect("rated", carol);
		TestClient second = connect("rated", carol);
		first.send("one");
		assertThat(first.nextText()).isEqualTo("one");
		// 0.5 messages per second, a burst of 1: the first session took it, for both.
		second.send("two");
		assertThat(second.awaitClose(Duration.ofSeconds(5))).isEqualTo(new Close(1008, "rate limit exceeded"));
		// Another principal has its own rate.
		TestClient dan = connect("rated", "dan-" + this.stack);
		dan.send("three");
		assertThat(dan.nextText()).isEqualTo("three");
		first.close(1000, "");
		dan.close(1000, "");
	}

}
