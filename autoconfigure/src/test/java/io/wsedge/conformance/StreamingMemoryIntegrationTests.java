package io.wsedge.conformance;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.api.FrameContext;
import io.wsedge.api.MessageMode;
import io.wsedge.engine.ProxySession;
import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.InspectorConfiguration;
import io.wsedge.testsupport.NoLeaks;
import io.wsedge.testsupport.RawClient;
import io.wsedge.testsupport.TestUpstream;
import io.wsedge.testsupport.TestUpstream.Received;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a long fragmented message costs the edge, on each server stack: a 16 MiB message in 256 fragments of
 * 64 KiB, paced, from a raw client to an upstream that only records. Where no interceptor runs, or only
 * fragment-wise ones, the edge holds about a frame at a time (sampled from its own accounting, what the memory
 * budget reads); where a whole-message interceptor runs, it holds the message. The upstream gets every byte.
 * The edge, its upstream and the client share one JVM, so the edge's own accounting is measured, not the heap.
 */
@ParameterizedClass
@EnumSource(Stack.class)
@ExtendWith(NoLeaks.class)
class StreamingMemoryIntegrationTests {

	private static final int FRAGMENT = 64 * 1024;

	private static final int FRAGMENTS = 256;

	private static final long STREAMED_PEAK = 1024 * 1024;

	static final Map<String, AtomicInteger> FRAGMENTS_SEEN = new ConcurrentHashMap<>();

	@Parameter
	private Stack stack;

	private static TestUpstream upstream;

	private static EdgeApp edge;

	@BeforeParameterizedClassInvocation
	static void start(Stack stack) {
		upstream = TestUpstream.start();
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("wsedge.limits.ping-interval", "0s");
		properties.put("wsedge.limits.max-payload-size", "32MB");
		properties.put("wsedge.limits.max-total-buffered-bytes", "256MB");
		route(properties, 0, "plain", "/ws/plain");
		properties.put("wsedge.routes[0].interceptors.exclude", "fragmentCounter,inspector");
		route(properties, 1, "fragments", "/ws/fragments");
		properties.put("wsedge.routes[1].interceptors.include", "fragmentCounter");
		route(properties, 2, "whole", "/ws/whole");
		properties.put("wsedge.routes[2].interceptors.include", "inspector");
		edge = EdgeApp.start(stack, properties, InspectorConfiguration.class, Counter.class);
	}

	private static void route(Map<String, String> properties, int index, String id, String path) {
		properties.put("wsedge.routes[" + index + "].id", id);
		properties.put("wsedge.routes[" + index + "].path", path);
		properties.put("wsedge.routes[" + index + "].upstream", upstream.uri("/sink").toString());
	}

	@AfterParameterizedClassInvocation
	static void stop() {
		edge.close();
		upstream.close();
	}

	@Test
	void withoutInterceptorsALongMessageCostsAboutAFrame() throws Exception {
		long peak = sendLongMessage("/ws/plain", "plain", FRAGMENTS);
		assertThat(peak).as("peak bytes held").isLessThan(STREAMED_PEAK);
	}

	@Test
	void withFragmentWiseInterceptorsALongMessageCostsAboutAFrame() throws Exception {
		long peak = sendLongMessage("/ws/fragments", "fragments", FRAGMENTS);
		assertThat(peak).as("peak bytes held").isLessThan(STREAMED_PEAK);
		// Tomcat may hand a frame over in several parts, each of which the edge treats as a fragment.
		assertThat(FRAGMENTS_SEEN.get("fragments").get()).isGreaterThanOrEqualTo(FRAGMENTS);
	}

	@Test
	void withAWholeMessageInterceptorTheMessageIsHeldWhole() throws Exception {
		// The control: the same measurement sees the message when the edge does hold it. A shorter one, as the
		// assembled message leaves in one burst, which paranoid leak detection makes slow to write.
		long peak = sendLongMessage("/ws/whole", "whole", 48);
		assertThat(peak).as("peak bytes held").isGreaterThan(2L * 1024 * 1024);
	}

	/** Sends the message, checks that it arrived intact, and returns the most the edge held meanwhile. */
	private long sendLongMessage(String path, String marker, int fragments) throws Exception {
		edge.awaitNoSessions();
		byte[] message = new byte[FRAGMENT * fragments];
		new SplittableRandom(7).nextBytes(message);
		AtomicLong peak = new AtomicLong();
		Thread sampler = new Thread(() -> {
			while (!Thread.currentThread().isInterrupted()) {
				long held = 0;
				for (ProxySession session : edge.engine().sessions()) {
					held += session.heldBytes();
				}
				peak.accumulateAndGet(held, Math::max);
				LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
			}
		}, "held-bytes-sampler");
		sampler.setDaemon(true);
		try (RawClient client = RawClient.connect(edge.port(), path + "?t=" + marker, 0)) {
			assertThat(client.status()).isEqualTo(101);
			sampler.start();
			for (int i = 0; i < fragments; i++) {
				byte[] fragment = new byte[FRAGMENT];
				System.arraycopy(message, i * FRAGMENT, fragment, 0, FRAGMENT);
				client.sendFrame(i == fragments - 1, (i == 0) ? 0x2 : 0x0, fragment, true);
				// Paced, so that the samples see the message in flight.
				Thread.sleep(1);
			}
			Received received = upstream.session("t=" + marker).messages.poll(30, TimeUnit.SECONDS);
			assertThat(received).as("the message at the upstream").isNotNull();
			sampler.interrupt();
			sampler.join(TimeUnit.SECONDS.toMillis(5));
			assertThat(received.text()).isFalse();
			assertThat(received.payload()).as("what the upstream received").isEqualTo(message);
			if (this.stack == Stack.REACTIVE) {
				assertThat(received.frames()).isEqualTo(fragments);
			}
			client.sendClose(1000, "done");
			assertThat(client.readUntilClose().closeCode()).isEqualTo(1000);
		}
		finally {
			sampler.interrupt();
		}
		return peak.get();
	}

	@Configuration(proxyBeanMethods = false)
	static class Counter {

		@Bean
		ClientFrameInterceptor fragmentCounter() {
			return new ClientFrameInterceptor() {
				@Override
				public void intercept(FrameContext frame) {
					String query = frame.session().uri().getQuery();
					FRAGMENTS_SEEN.computeIfAbsent(query.substring(2), (key) -> new AtomicInteger()).incrementAndGet();
				}

				@Override
				public MessageMode messageMode() {
					return MessageMode.FRAGMENTS;
				}
			};
		}

	}

}
