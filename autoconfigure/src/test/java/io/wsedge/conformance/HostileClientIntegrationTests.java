package io.wsedge.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.InspectorConfiguration;
import io.wsedge.testsupport.MemorySampler;
import io.wsedge.testsupport.NoLeaks;
import io.wsedge.testsupport.RawClient;
import io.wsedge.testsupport.RawClient.Frame;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What hostile clients found in the audit, on each server stack: fragment floods, peers that stop reading,
 * invalid close codes, ping floods, caps gamed across routes. Each test asserts the close the attacker gets,
 * how soon, and that the edge held no more than a stated budget meanwhile.
 */
@ParameterizedClass
@EnumSource(Stack.class)
@ExtendWith(NoLeaks.class)
class HostileClientIntegrationTests {

	/**
	 * What one attack may add to the live heap and to the direct memory of the test's JVM (edge and clients
	 * together). Before the fix, a million empty continuation frames held about 150 MB of heap.
	 */
	private static final long MEMORY_BUDGET = 32 * 1024 * 1024;

	@Parameter
	private Stack stack;

	private static TestUpstream upstream;

	private static EdgeApp edge;

	@BeforeParameterizedClassInvocation
	static void start(Stack stack) {
		upstream = TestUpstream.start();
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("wsedge.limits.ping-interval", "0s");
		properties.put("wsedge.limits.close-timeout", "1s");
		route(properties, 0, "echo", "/ws/echo", "/echo");
		// Where an interceptor runs, fragmented messages are assembled; elsewhere they stream through.
		route(properties, 1, "inspected", "/ws/inspected", "/echo");
		properties.put("wsedge.routes[1].interceptors.include", "inspector");
		route(properties, 2, "rated", "/ws/rated", "/echo");
		properties.put("wsedge.routes[2].limits.messages-per-second", "5");
		route(properties, 3, "pinged", "/ws/pinged", "/echo");
		properties.put("wsedge.routes[3].limits.ping-interval", "500ms");
		properties.put("wsedge.routes[3].limits.pong-timeout", "500ms");
		route(properties, 4, "capped", "/ws/capped", "/echo");
		properties.put("wsedge.routes[4].limits.max-connections-per-client", "2");
		route(properties, 5, "uncapped", "/ws/uncapped", "/echo");
		properties.put("wsedge.routes[5].limits.max-connections-per-client", "0");
		edge = EdgeApp.start(stack, properties, InspectorConfiguration.class);
	}

	private static void route(Map<String, String> properties, int index, String id, String path, String upstreamPath) {
		properties.put("wsedge.routes[" + index + "].id", id);
		properties.put("wsedge.routes[" + index + "].path", path);
		properties.put("wsedge.routes[" + index + "].upstream", upstream.uri(upstreamPath).toString());
	}

	@AfterParameterizedClassInvocation
	static void stop() {
		edge.close();
		upstream.close();
	}

	@Test
	void millionEmptyContinuationFramesAreRefusedAtTheFragmentLimit() throws Exception {
		for (String path : List.of("/ws/echo", "/ws/inspected")) {
			assertFragmentFloodRefused(path, new byte[0]);
		}
	}

	@Test
	void oneByteContinuationFramesWithinThePayloadLimitAreRefusedAtTheFragmentLimit() throws Exception {
		for (String path : List.of("/ws/echo", "/ws/inspected")) {
			assertFragmentFloodRefused(path, new byte[] { 'a' });
		}
	}

	private void assertFragmentFloodRefused(String path, byte[] fragment) throws Exception {
		long heapBefore = MemorySampler.heapAfterGc();
		long directBefore = MemorySampler.direct();
		long started = System.nanoTime();
		try (RawClient client = RawClient.connect(edge.port(), path, 0)) {
			assertThat(client.status()).isEqualTo(101);
			client.sendFrame(false, 0x1, fragment, true);
			long maxHeap = heapBefore;
			long maxDirect = directBefore;
			byte[] batch = continuations(10_000, fragment);
			boolean cut = false;
			// Up to a million continuations, far past the default limit of 4,096: the edge must stop it.
			for (int i = 0; i < 100 && !cut; i++) {
				cut = !write(client.socket().getOutputStream(), batch);
				if (i % 10 == 0) {
					maxHeap = Math.max(maxHeap, MemorySampler.heapAfterGc());
				}
				maxDirect = Math.max(maxDirect, MemorySampler.direct());
			}
			Frame close = readCloseOrNull(client);
			if (close != null) {
				assertThat(close.closeCode()).isEqualTo(1009);
			}
			else {
				assertThat(cut).as("the edge ends the connection").isTrue();
			}
			assertThat(maxHeap - heapBefore).as("live heap added").isLessThan(MEMORY_BUDGET);
			assertThat(maxDirect - directBefore).as("direct memory added").isLessThan(MEMORY_BUDGET);
		}
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
		edge.awaitNoSessions();
	}

	@Test
	void clientThatFloodsAndStopsReadingIsCutAfterThePingAndCloseTimeouts() throws Exception {
		RawClient client = RawClient.connect(edge.port(), "/ws/pinged", 4096);
		try {
			assertThat(client.status()).isEqualTo(101);
			client.socket().setSendBufferSize(4096);
			byte[] payload = new byte[16 * 1024];
			long started = System.nanoTime();
			// The echoes fill the client's window and the edge's buffers; then the client writes no more and
			// reads nothing. Its pongs never come, and its close frame can never be written.
			byte[] message = masked(0x2, payload);
			for (int i = 0; i < 400 && System.nanoTime() - started < Duration.ofSeconds(5).toNanos(); i++) {
				if (!write(client.socket().getOutputStream(), message)) {
					break;
				}
			}
			// ping-interval 500ms + pong-timeout 500ms + close-timeout 1s, with a margin for a loaded machine.
			edge.awaitNoSessions();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
			assertThat(client.awaitEndOfStream()).as("the edge ended the connection").isTrue();
		}
		finally {
			client.vanish();
		}
	}

	@Test
	void closeCodeAboveTheRegisteredRangeIsAProtocolError() throws Exception {
		try (RawClient client = RawClient.connect(edge.port(), "/ws/echo?t=close5000", 0)) {
			assertThat(client.status()).isEqualTo(101);
			client.sendClose(5000, "nope");
			Frame close = client.readUntilClose();
			assertThat(close.closeCode()).isEqualTo(1002);
		}
		assertThat(upstream.session("t=close5000").awaitClose().code()).isNotEqualTo(5000);
		edge.awaitNoSessions();
	}

	@Test
	void messageBeforeAProtocolErrorIsStillEchoedBeforeTheClientIsFailed() throws Exception {
		// Tomcat fails such a client itself, before the edge sees the bad frame (docs/servlet.md).
		assumeTrue(this.stack == Stack.REACTIVE);
		try (RawClient client = RawClient.connect(edge.port(), "/ws/echo?t=strict", 0)) {
			assertThat(client.status()).isEqualTo(101);
			ByteArrayOutputStream frames = new ByteArrayOutputStream();
			frames.writeBytes(masked(0x1, "before the violation".getBytes(StandardCharsets.UTF_8)));
			// RSV1 without a negotiated extension (RFC 6455 §5.2).
			frames.writeBytes(masked(0x40 | 0x1, "bad".getBytes(StandardCharsets.UTF_8)));
			write(client.socket().getOutputStream(), frames.toByteArray());
			Frame echo = client.readFrame();
			assertThat(echo.opcode()).isEqualTo(0x1);
			assertThat(echo.text()).isEqualTo("before the violation");
			Frame close = client.readUntilClose();
			assertThat(close.closeCode()).isEqualTo(1002);
			assertThat(client.awaitEndOfStream()).isTrue();
		}
		assertThat(upstream.session("t=strict").awaitClose().code()).isEqualTo(1001);
		edge.awaitNoSessions();
	}

	@Test
	void pingsCountAgainstTheMessageRate() throws Exception {
		// Tomcat answers pings itself; they never reach the engine on the servlet stack (docs/servlet.md).
		assumeTrue(this.stack == Stack.REACTIVE);
		try (RawClient client = RawClient.connect(edge.port(), "/ws/rated", 0)) {
			assertThat(client.status()).isEqualTo(101);
			ByteArrayOutputStream pings = new ByteArrayOutputStream();
			for (int i = 0; i < 50; i++) {
				pings.writeBytes(masked(0x9, ("ping " + i).getBytes(StandardCharsets.UTF_8)));
			}
			write(client.socket().getOutputStream(), pings.toByteArray());
			Frame close = client.readUntilClose();
			assertThat(close.closeCode()).isEqualTo(1008);
			assertThat(close.closeReason()).isEqualTo("rate limit exceeded");
		}
		edge.awaitNoSessions();
	}

	@Test
	void perClientCapCountsTheRouteItIsSetOnOnly() {
		List<TestClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				clients.add(TestClient.connect(edge.ws("/ws/uncapped")));
			}
			clients.add(TestClient.connect(edge.ws("/ws/capped")));
			clients.add(TestClient.connect(edge.ws("/ws/capped")));
			assertThat(TestClient.refusedStatus(edge.ws("/ws/capped"))).isEqualTo(429);
		}
		finally {
			clients.forEach((client) -> client.socket().abort());
		}
		edge.awaitNoSessions();
	}

	private static byte[] continuations(int count, byte[] payload) {
		ByteArrayOutputStream frames = new ByteArrayOutputStream();
		byte[] frame = frame(false, 0x0, payload);
		for (int i = 0; i < count; i++) {
			frames.writeBytes(frame);
		}
		return frames.toByteArray();
	}

	private static byte[] masked(int opcode, byte[] payload) {
		return frame(true, opcode, payload);
	}

	/** A masked frame with a payload under 64 KiB. */
	private static byte[] frame(boolean fin, int opcode, byte[] payload) {
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write((fin ? 0x80 : 0) | opcode);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else {
			frame.write(0x80 | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length);
		}
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		frame.writeBytes(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i % 4]);
		}
		return frame.toByteArray();
	}

	/** Writes, reporting whether the edge still takes bytes (false once it has reset or closed the socket). */
	private static boolean write(OutputStream out, byte[] bytes) {
		try {
			out.write(bytes);
			out.flush();
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static Frame readCloseOrNull(RawClient client) {
		try {
			return client.readUntilClose();
		}
		catch (IOException ex) {
			// Reset after the close frame: the bytes still in flight made the edge's socket reset.
			return null;
		}
	}

}
