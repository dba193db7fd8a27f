package io.wsedge.pool;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;

import io.wsedge.engine.EdgeRoutes;
import io.wsedge.engine.pool.PoolTarget;
import io.wsedge.engine.pool.UpstreamPool;
import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.NoLeaks;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A route whose upstream is {@code lb://chat}, resolved by Spring Cloud's SimpleDiscoveryClient configured in
 * properties, follows the instance list as it changes at run time.
 */
@ExtendWith(NoLeaks.class)
class DiscoveryIntegrationTests {

	private static TestUpstream a;

	private static TestUpstream b;

	private static EdgeApp edge;

	@BeforeAll
	static void start() {
		a = TestUpstream.start();
		b = TestUpstream.start();
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("wsedge.discovery.refresh-interval", "200ms");
		properties.put("wsedge.limits.close-timeout", "1s");
		properties.put("spring.cloud.discovery.client.simple.instances.chat[0].uri", "http://127.0.0.1:" + a.port());
		properties.put("spring.cloud.discovery.client.simple.instances.chat[0].instance-id", "chat-a");
		properties.put("wsedge.routes[0].id", "chat");
		properties.put("wsedge.routes[0].path", "/ws/chat");
		// Path and query of the lb:// URI are kept for every instance.
		properties.put("wsedge.routes[0].upstreams[0].uri", "lb://chat/echo?room=lobby");

		edge = EdgeApp.start(properties);
	}

	@AfterAll
	static void stop() {
		edge.close();
		a.close();
		b.close();
	}

	@Test
	void theRouteFollowsTheInstancesAsTheyChange() {
		UpstreamPool pool = edge.context().getBean(EdgeRoutes.class).find("chat").pool();
		assertThat(pool.targets()).extracting(PoolTarget::id).containsExactly("chat/chat-a");
		for (int i = 0; i < 4; i++) {
			echo("first-" + i);
		}
		assertThat(count(a, "first-")).isEqualTo(4);
		assertThat(a.session("m=first-0").uri).startsWith("/echo?room=lobby&");
		SimpleDiscoveryProperties discovery = edge.context().getBean(SimpleDiscoveryProperties.class);
		// A second instance comes up.
		List<InstanceProperties> both = new ArrayList<>(discovery.getInstances().get("chat"));
		InstanceProperties second = new InstanceProperties();
		second.setInstanceId("chat-b");
		second.setServiceId("chat");
		second.setUri(URI.create("http://127.0.0.1:" + b.port()));
		both.add(second);
		discovery.getInstances().put("chat", both);
		await(() -> pool.targets().size() == 2, "the second instance");
		for (int i = 0; i < 6; i++) {
			echo("both-" + i);
		}
		assertThat(count(a, "both-")).isEqualTo(3);
		assertThat(count(b, "both-")).isEqualTo(3);
		// The first one goes away.
		discovery.getInstances().put("chat", List.of(both.get(1)));
		await(() -> pool.targets().size() == 1, "the first instance to leave");
		for (int i = 0; i < 4; i++) {
			echo("last-" + i);
		}
		assertThat(count(a, "last-")).isZero();
		assertThat(count(b, "last-")).isEqualTo(4);
		edge.awaitNoSessions();
	}

	@Test
	void aHeartbeatRefreshesAtOnce() {
		Map<String, String> properties = new LinkedHashMap<>();
		// Far off: only the heartbeat can bring the change in time.
		properties.put("wsedge.discovery.refresh-interval", "1h");
		properties.put("spring.cloud.discovery.client.simple.instances.other[0].uri", "http://127.0.0.1:" + a.port());
		properties.put("spring.cloud.discovery.client.simple.instances.other[0].instance-id", "other-a");
		properties.put("wsedge.routes[0].id", "other");
		properties.put("wsedge.routes[0].path", "/ws/other");
		properties.put("wsedge.routes[0].upstreams[0].uri", "lb://other/echo");
		properties.put("wsedge.routes[0].upstreams[0].scheme", "ws");
		try (EdgeApp other = EdgeApp.start(properties)) {
			UpstreamPool pool = other.context().getBean(EdgeRoutes.class).find("other").pool();
			assertThat(pool.targets()).extracting(PoolTarget::id).containsExactly("other/other-a");
			SimpleDiscoveryProperties discovery = other.context().getBean(SimpleDiscoveryProperties.class);
			InstanceProperties moved = new InstanceProperties();
			moved.setInstanceId("other-b");
			moved.setServiceId("other");
			moved.setUri(URI.create("https://127.0.0.1:" + b.port()));
			discovery.getInstances().put("other", List.of(moved));
			other.context().publishEvent(new HeartbeatEvent(this, "changed"));
			await(() -> pool.targets().size() == 1 && pool.targets().get(0).id().equals("other/other-b"),
					"the heartbeat's refresh");
			// The instance is secure, but the target sets the scheme.
			assertThat(pool.targets().get(0).uri()).hasScheme("ws").hasPort(b.port()).hasPath("/echo");
		}
	}

	private static void echo(String marker) {
		TestClient client = TestClient.connect(edge.ws("/ws/chat?m=" + marker));
		client.send(marker);
		assertThat(client.nextText()).isEqualTo(marker);
		client.close(1000, "done");
	}

	private static long count(TestUpstream upstream, String marker) {
		return upstream.sessions.stream().filter((session) -> session.uri.contains("m=" + marker)).count();
	}

	private static void await(BooleanSupplier condition, String what) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Timed out waiting for " + what);
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

}
