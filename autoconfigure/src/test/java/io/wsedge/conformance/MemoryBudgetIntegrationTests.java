package io.wsedge.conformance;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.health.contributor.Status;

import io.micrometer.core.instrument.MeterRegistry;
import io.wsedge.health.WsEdgeHealthIndicator;
import io.wsedge.metrics.MemoryBudgetMetrics;
import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.InspectorConfiguration;
import io.wsedge.testsupport.NoLeaks;
import io.wsedge.testsupport.RawClient;
import io.wsedge.testsupport.RawClient.Frame;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge-wide memory budget on each server stack: a client that makes the edge hold more than the budget gets
 * the edge refusing upgrades with 503 and reporting itself out of service, and is closed with the
 * buffer-overflow policy; once its bytes are freed the edge admits again.
 */
@ParameterizedClass
@EnumSource(Stack.class)
@ExtendWith(NoLeaks.class)
class MemoryBudgetIntegrationTests {

	@Parameter
	private Stack stack;

	private static TestUpstream upstream;

	private static EdgeApp edge;

	@BeforeParameterizedClassInvocation
	static void start(Stack stack) {
		upstream = TestUpstream.start();
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("wsedge.limits.ping-interval", "0s");
		properties.put("wsedge.limits.max-total-buffered-bytes", "1MB");
		properties.put("wsedge.limits.max-payload-size", "4MB");
		properties.put("wsedge.limits.close-timeout", "2s");
		properties.put("wsedge.routes[0].id", "inspected");
		properties.put("wsedge.routes[0].path", "/ws/inspected");
		properties.put("wsedge.routes[0].upstream", upstream.uri("/echo").toString());
		edge = EdgeApp.start(stack, properties, InspectorConfiguration.class);
	}

	@AfterParameterizedClassInvocation
	static void stop() {
		edge.close();
		upstream.close();
	}

	@Test
	void clientHoldingMoreThanTheBudgetIsClosedAndUpgradesAreRefusedUntilItsBytesAreFreed() throws Exception {
		long shedBefore = edge.engine().memory().shedSessions();
		try (RawClient attacker = RawClient.connect(edge.port(), "/ws/inspected", 0)) {
			assertThat(attacker.status()).isEqualTo(101);
			// 1.5 MB of a message that never ends, held by the edge for the interceptor that needs it whole.
			attacker.sendFrame(false, 0x2, new byte[64 * 1024], true);
			for (int i = 0; i < 23; i++) {
				attacker.sendFrame(false, 0x0, new byte[64 * 1024], true);
			}
			assertThat(await(MemoryBudgetIntegrationTests::upgradeStatus, 503, Duration.ofSeconds(3)))
				.isEqualTo(503);
			assertThat(edge.context().getBean(WsEdgeHealthIndicator.class).health().getStatus())
				.isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(edge.context().getBean(MeterRegistry.class).get(MemoryBudgetMetrics.OVER).gauge().value())
				.isEqualTo(1);
			Frame close = attacker.readUntilClose();
			assertThat(close.closeCode()).isEqualTo(1008);
			assertThat(close.closeReason()).isEqualTo("slow consumer");
			// The attacker does not answer: its bytes are freed when the close timeout cuts it.
			assertThat(attacker.awaitEndOfStream()).isTrue();
		}
		edge.awaitNoSessions();
		assertThat(await(MemoryBudgetIntegrationTests::upgradeStatus, 101, Duration.ofSeconds(3)))
			.isEqualTo(101);
		assertThat(edge.engine().memory().shedSessions()).isEqualTo(shedBefore + 1);
		assertThat(edge.context().getBean(WsEdgeHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
		edge.awaitNoSessions();
	}

	@Test
	void sessionsUnderTheBudgetAreLeftAlone() throws IOException {
		TestClient client = TestClient.connect(edge.ws("/ws/inspected?t=small"));
		client.send(new byte[256 * 1024]);
		assertThat((byte[]) client.next()).hasSize(256 * 1024);
		assertThat(edge.engine().memory().isOver()).isFalse();
		client.close(1000, "done");
		assertThat(client.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1000);
		edge.awaitNoSessions();
	}

	/** The HTTP status a new upgrade gets: 101, or the refusal's. */
	private static int upgradeStatus() {
		try (RawClient client = RawClient.connect(edge.port(), "/ws/inspected?t=probe", 0)) {
			return client.status();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Polls until {@code status} returns {@code expected}, returning the last status seen. */
	private static int await(IntSupplier status, int expected, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		int last = status.getAsInt();
		while (last != expected && System.nanoTime() < deadline) {
			Thread.sleep(50);
			last = status.getAsInt();
		}
		return last;
	}

}
