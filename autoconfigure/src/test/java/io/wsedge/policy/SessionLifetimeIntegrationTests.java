package io.wsedge.policy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestClient.Close;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code max-session-duration} end to end on each server stack: a busy session is closed with the
 * session-lifetime policy once its lifetime (plus jitter) is over, and a route's value wins over the global one.
 */
@ParameterizedClass
@EnumSource(Stack.class)
class SessionLifetimeIntegrationTests {

	@Parameter
	private Stack stack;

	private static TestUpstream upstream;

	private static EdgeApp edge;

	@BeforeParameterizedClassInvocation
	static void start(Stack stack) {
		upstream = TestUpstream.start();
		Map<String, String> p = new LinkedHashMap<>();
		p.put("wsedge.limits.ping-interval", "0s");
		p.put("wsedge.limits.max-session-duration", "1h");
		p.put("wsedge.routes[0].id", "short");
		p.put("wsedge.routes[0].path", "/ws/short");
		p.put("wsedge.routes[0].upstream", upstream.uri("/echo").toString());
		p.put("wsedge.routes[0].limits.max-session-duration", "600ms");
		p.put("wsedge.routes[1].id", "long");
		p.put("wsedge.routes[1].path", "/ws/long");
		p.put("wsedge.routes[1].upstream", upstream.uri("/echo").toString());
		edge = EdgeApp.start(stack, p);
	}

	@AfterParameterizedClassInvocation
	static void stop() {
		edge.close();
		upstream.close();
	}

	@Test
	void sessionIsClosedOnBothSidesOnceItsLifetimeIsOverEvenWhileBusy() throws Exception {
		long started = System.nanoTime();
		TestClient client = TestClient.connect(edge.ws("/ws/short?t=lifetime-" + this.stack));
		// Traffic does not extend a lifetime, unlike an idle timeout.
		for (int i = 0; i < 3; i++) {
			client.send("tick " + i);
			assertThat(client.nextText()).isEqualTo("tick " + i);
			Thread.sleep(100);
		}
		Close close = client.awaitClose(Duration.ofSeconds(5));
		Duration lived = Duration.ofNanos(System.nanoTime() - started);
		assertThat(close).isEqualTo(new Close(1001, "session lifetime reached"));
		// 600ms plus at most 10% jitter; the upper bound is generous for loaded machines.
		assertThat(lived).isGreaterThanOrEqualTo(Duration.ofMillis(550)).isLessThan(Duration.ofSeconds(4));
		WebSocketCloseStatus peer = upstream.session("t=lifetime-" + this.stack).awaitClose();
		assertThat(peer.code()).isEqualTo(1001);
		assertThat(peer.reasonText()).isEqualTo("session lifetime reached");
	}

	@Test
	void routeWithoutItsOwnValueInheritsTheGlobalLifetime() throws Exception {
		TestClient client = TestClient.connect(edge.ws("/ws/long?t=long-" + this.stack));
		client.send("hello");
		assertThat(client.nextText()).isEqualTo("hello");
		Thread.sleep(1000);
		assertThat(client.closed).isNotDone();
		client.close(1000, "");
		assertThat(client.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1000);
	}

}
