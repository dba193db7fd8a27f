package io.wsedge.compression;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.jcraft.jzlib.JZlib;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;

import io.wsedge.compression.DeflateClient.Message;
import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.NoLeaks;
import io.wsedge.testsupport.RawClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * permessage-deflate as the Autobahn suite exercises it (cases 9.3, 9.4, 12 and 13, and the window and
 * negotiation cases of 13), through an edge that compresses on both legs in front of a compressing echo
 * upstream, on both server stacks; on the reactive stack the message cases run both with compressed messages
 * passed through and with them inflated and deflated again. On the servlet stack the client leg is never
 * compressed (Tomcat is not offered the extension), so there these tests check the upstream leg and that Tomcat
 * stays out of it.
 */
@ExtendWith(NoLeaks.class)
class DeflateConformanceIntegrationTests {

	private static final int MB = 1024 * 1024;

	private static DisposableServer upstream;

	private static EdgeApp reactive;

	private static EdgeApp servlet;

	@BeforeAll
	static void start() {
		WebsocketServerSpec spec = WebsocketServerSpec.builder().compress(true).maxFramePayloadLength(16 * MB).build();
		WebsocketServerSpec plain = WebsocketServerSpec.builder().build();
		upstream = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes
				.ws("/echo", (in, out) -> out.sendObject(
						in.aggregateFrames(16 * MB).receiveFrames().map(WebSocketFrame::retain)), spec)
				.ws("/fragments", (in, out) -> out.sendObject(in.receiveFrames()
					.filter(TextWebSocketFrame.class::isInstance)
					.concatMap((request) -> Flux.just(new TextWebSocketFrame(false, 0, "a".repeat(200)),
							new ContinuationWebSocketFrame(false, 0, Unpooled.EMPTY_BUFFER),
							new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] { 1 })),
							new ContinuationWebSocketFrame(false, 0, "b".repeat(10)),
							new ContinuationWebSocketFrame(true, 0, Unpooled.EMPTY_BUFFER)))), plain))
			.bindNow();
		reactive = EdgeApp.start(Stack.REACTIVE, properties());
		servlet = EdgeApp.start(Stack.SERVLET, properties());
	}

	private static Map<String, String> properties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("wsedge.limits.ping-interval", "0s");
		properties.put("wsedge.limits.max-payload-size", "16MB");
		properties.put("wsedge.limits.upstream-max-payload-size", "16MB");
		properties.put("wsedge.limits.max-fragments", "100000");
		properties.put("wsedge.compression.client.enabled", "true");
		properties.put("wsedge.compression.upstream.enabled", "true");
		properties.put("wsedge.routes[0].id", "both");
		properties.put("wsedge.routes[0].path", "/ws/both");
		properties.put("wsedge.routes[0].upstream", "ws://127.0.0.1:" + upstream.port() + "/echo");
		properties.put("wsedge.routes[1].id", "plain-client");
		properties.put("wsedge.routes[1].path", "/ws/plain-client");
		properties.put("wsedge.routes[1].upstream", "ws://127.0.0.1:" + upstream.port() + "/echo");
		properties.put("wsedge.routes[1].compression.client.enabled", "false");
		properties.put("wsedge.routes[2].id", "fragments");
		properties.put("wsedge.routes[2].path", "/ws/fragments");
		properties.put("wsedge.routes[2].upstream", "ws://127.0.0.1:" + upstream.port() + "/fragments");
		properties.put("wsedge.routes[2].compression.upstream.enabled", "false");
		// As route 0, with every compressed message inflated and deflated again instead of passed through.
		properties.put("wsedge.routes[3].id", "inflating");
		properties.put("wsedge.routes[3].path", "/ws/inflating");
		properties.put("wsedge.routes[3].upstream", "ws://127.0.0.1:" + upstream.port() + "/echo");
		properties.put("wsedge.routes[3].compression.pass-through", "false");
		return properties;
	}

	@AfterAll
	static void stop() {
		reactive.close();
		servlet.close();
		upstream.disposeNow(Duration.ofSeconds(30));
	}

	private static EdgeApp edge(Stack stack) {
		return (stack == Stack.REACTIVE) ? reactive : servlet;
	}

	/** Text that compresses about as well as chat or JSON traffic: words and numbers, seeded. */
	private static byte[] text(int size, long seed) {
		String[] words = { "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india" };
		Random random = new Random(seed);
		StringBuilder text = new StringBuilder(size + 16);
		while (text.length() < size) {
			text.append(words[random.nextInt(words.length)]).append(' ').append(random.nextInt(100_000)).append(' ');
		}
		return text.substring(0, size).getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Where the cases run: on the reactive stack both with compressed messages passed through ({@code /ws/both},
	 * no interceptor) and inflated and deflated again ({@code /ws/inflating}); on the servlet stack, whose client
	 * leg is never compressed, through {@code /ws/both}.
	 */
	static Stream<Arguments> paths() {
		return Stream.of(Arguments.of(Stack.REACTIVE, "/ws/both"), Arguments.of(Stack.REACTIVE, "/ws/inflating"),
				Arguments.of(Stack.SERVLET, "/ws/both"));
	}

	static Stream<Arguments> case9() {
		int[] fragments = { 64, 256, 1024, 4096, 16 * 1024, 64 * 1024, 256 * 1024, MB, 4 * MB };
		return paths().flatMap((path) -> IntStream.of(0x1, 0x2)
			.boxed()
			.flatMap((opcode) -> IntStream.of(fragments)
				.mapToObj((size) -> Arguments.of(path.get()[0], path.get()[1], opcode, size))));
	}

	/**
	 * Autobahn 9.3.1-9.3.9 (text) and 9.4.1-9.4.9 (binary): a 4 MB message in fragments of 64 B up to 4 MB,
	 * echoed; through the edge, and straight to the upstream as the reference.
	 */
	@ParameterizedTest(name = "{0} {1} opcode {2} in fragments of {3} B")
	@MethodSource("case9")
	void fourMegabyteMessageInFragmentsIsEchoedIntact(Stack stack, String path, int opcode, int fragment)
			throws Exception {
		byte[] message = text(4 * MB, fragment);
		assertEcho(edge(stack).port(), path, stack == Stack.REACTIVE, opcode, message, fragment);
		if (stack == Stack.REACTIVE && path.equals("/ws/both")) {
			assertEcho(upstream.port(), "/echo", true, opcode, message, fragment);
		}
		edge(stack).awaitNoSessions();
	}

	private static void assertEcho(int port, String path, boolean compressedClientLeg, int opcode, byte[] message,
			int fragment) throws IOException {
		try (DeflateClient client = DeflateClient.connect(port, path, "permessage-deflate; client_max_window_bits")) {
			assertThat(client.raw().status()).isEqualTo(101);
			assertThat(client.compressing()).as("permessage-deflate on the client leg").isEqualTo(compressedClientLeg);
			client.sendFlushedFragments(opcode, message, fragment);
			Message echo = client.readMessage();
			assertThat(echo.opcode()).isEqualTo(opcode);
			assertThat(echo.rsv1()).isEqualTo(compressedClientLeg);
			assertThat(echo.payload()).as("echo of %d bytes", message.length).isEqualTo(message);
			client.raw().sendClose(1000, "");
			assertThat(client.readMessage().opcode()).isEqualTo(0x8);
		}
	}

	/**
	 * Autobahn 12.x and 13.x: compressed messages of 8-128 KB, whose compressed bytes are cut into fragments of
	 * 256 B and more (so that some fragments inflate to nothing), sent and echoed in turn. The suite sends 1,000
	 * per case; 300 here bring each of the 15 pairs of message and fragment size round 20 times, on a shared
	 * compression context, in a fifth of the time.
	 */
	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("paths")
	void compressedMessagesCutIntoSmallFragmentsAreEchoedIntact(Stack stack, String path) throws Exception {
		double passedBefore = passThroughSessions(edge(stack), path);
		try (DeflateClient client = DeflateClient.connect(edge(stack).port(), path, "permessage-deflate")) {
			assertThat(client.compressing()).isEqualTo(stack == Stack.REACTIVE);
			int[] fragments = { 256, 1024, 4096 };
			for (int i = 0; i < 300; i++) {
				byte[] message = text((8 * 1024) << (i % 5), i);
				client.sendCutCompressed(0x1, message, fragments[i % fragments.length]);
				Message echo = client.readMessage();
				assertThat(echo.payload()).as("message %d of %d bytes", i, message.length).isEqualTo(message);
			}
			client.raw().sendClose(1000, "");
			assertThat(client.readMessage().opcode()).isEqualTo(0x8);
		}
		edge(stack).awaitNoSessions();
		boolean passed = stack == Stack.REACTIVE && path.equals("/ws/both");
		assertThat(passThroughSessions(edge(stack), path)).as("sessions passing compressed messages through")
			.isEqualTo(passedBefore + (passed ? 2 : 0));
	}

	/** Both directions of the sessions on a path's route whose compressed messages passed through. */
	private static double passThroughSessions(EdgeApp edge, String path) {
		return edge.context()
			.getBean(MeterRegistry.class)
			.find("wsedge.compression.pass-through")
			.tag("route", path.substring("/ws/".length()))
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

	/**
	 * The threshold (128 B) decides per message: a compressed message whose later fragments are under it, or
	 * empty, with a ping between them, goes out whole; toward the upstream on both stacks.
	 */
	@ParameterizedTest
	@EnumSource(Stack.class)
	void laterFragmentsUnderTheThresholdStayInTheCompressedMessageTowardTheUpstream(Stack stack) throws Exception {
		try (DeflateClient client = DeflateClient.connect(edge(stack).port(), "/ws/plain-client",
				"permessage-deflate")) {
			assertThat(client.compressing()).isFalse();
			for (int last : new int[] { 0, 1, 127 }) {
				RawClient raw = client.raw();
				raw.sendFrame(false, 0x1, "x".repeat(200).getBytes(StandardCharsets.UTF_8), true);
				raw.sendFrame(false, 0x0, new byte[0], true);
				raw.sendFrame(true, 0x9, new byte[] { 7 }, true);
				raw.sendFrame(false, 0x0, "y".repeat(5).getBytes(StandardCharsets.UTF_8), true);
				raw.sendFrame(true, 0x0, "z".repeat(last).getBytes(StandardCharsets.UTF_8), true);
				Message echo = client.readMessage();
				assertThat(new String(echo.payload(), StandardCharsets.UTF_8))
					.isEqualTo("x".repeat(200) + "y".repeat(5) + "z".repeat(last));
			}
			client.raw().sendClose(1000, "");
			assertThat(client.readMessage().opcode()).isEqualTo(0x8);
		}
		edge(stack).awaitNoSessions();
	}

	/** The same toward the client (reactive stack): RSV1 on the first frame only, the message whole. */
	@Test
	void laterFragmentsUnderTheThresholdStayInTheCompressedMessageTowardTheClient() throws Exception {
		try (DeflateClient client = DeflateClient.connect(reactive.port(), "/ws/fragments", "permessage-deflate")) {
			assertThat(client.compressing()).isTrue();
			for (int i = 0; i < 3; i++) {
				client.raw().sendText("go");
				Message message = client.readMessage();
				assertThat(message.rsv1()).isTrue();
				assertThat(message.frames()).as("fragmentation kept").isEqualTo(4);
				assertThat(new String(message.payload(), StandardCharsets.UTF_8))
					.isEqualTo("a".repeat(200) + "b".repeat(10));
			}
			client.raw().sendClose(1000, "");
			assertThat(client.readMessage().opcode()).isEqualTo(0x8);
		}
		reactive.awaitNoSessions();
	}

	/**
	 * Autobahn 13.3-13.6: offers of server_max_window_bits and client_max_window_bits 8-15 are accepted and
	 * kept to: the edge's answers inflate with a window of the offered size, for messages well over 128 B.
	 */
	@ParameterizedTest
	@ValueSource(ints = { 8, 9, 10, 11, 12, 13, 14, 15 })
	void windowOffersAreAcceptedAndKeptTo(int bits) throws Exception {
		String offer = "permessage-deflate; server_max_window_bits=" + bits + "; client_max_window_bits=" + bits;
		try (DeflateClient client = DeflateClient.connect(reactive.port(), "/ws/both", offer)) {
			assertThat(client.raw().status()).isEqualTo(101);
			String answer = client.raw().header("Sec-WebSocket-Extensions");
			assertThat(answer).contains("server_max_window_bits=" + bits);
			if (bits < 15) {
				assertThat(answer).contains("client_max_window_bits=" + bits);
			}
			// A block repeated at a distance of 2 KB: a window above 8-11 bits would reach back to it.
			byte[] block = text(2048, bits);
			byte[] message = new byte[3 * block.length];
			for (int i = 0; i < 3; i++) {
				System.arraycopy(block, 0, message, i * block.length, block.length);
			}
			for (int round = 0; round < 3; round++) {
				// Plain (RSV1 clear) from the client: its JDK deflater has no window below 15 bits.
				client.raw().sendFrame(true, 0x2, message, true);
				WireMessage echo = WireMessage.read(client.raw());
				assertThat(echo.rsv1()).isTrue();
				assertThat(inflateWithWindow(echo.payload(), bits, round)).isEqualTo(message);
			}
			client.raw().sendClose(1000, "");
		}
		reactive.awaitNoSessions();
	}

	private com.jcraft.jzlib.Inflater windowInflater;

	/** Inflates with a window of {@code bits}, as a client that offered it may: too far a reference fails. */
	private byte[] inflateWithWindow(byte[] payload, int bits, int round) throws Exception {
		if (round == 0) {
			this.windowInflater = new com.jcraft.jzlib.Inflater(bits, true);
		}
		byte[] input = new byte[payload.length + 4];
		System.arraycopy(payload, 0, input, 0, payload.length);
		input[payload.length + 2] = (byte) 0xFF;
		input[payload.length + 3] = (byte) 0xFF;
		byte[] output = new byte[64 * 1024];
		this.windowInflater.setInput(input, 0, input.length, false);
		this.windowInflater.setOutput(output, 0, output.length);
		int status = this.windowInflater.inflate(JZlib.Z_SYNC_FLUSH);
		assertThat(status).as("inflating with a %d-bit window: %s", bits, this.windowInflater.msg)
			.isIn(JZlib.Z_OK, JZlib.Z_BUF_ERROR);
		assertThat(this.windowInflater.avail_in).isZero();
		return java.util.Arrays.copyOf(output, this.windowInflater.next_out_index);
	}

	/**
	 * Autobahn 13.x negotiation: malformed or unknown offers are declined (101 without the extension), never
	 * answered with 500; and a route whose client compression is off, or the servlet stack, never negotiates it.
	 */
	@ParameterizedTest
	@EnumSource(Stack.class)
	void malformedOrDisabledOffersAreDeclinedAndTheSessionWorks(Stack stack) throws Exception {
		String[] declined = { "permessage-deflate; server_max_window_bits",
				"permessage-deflate; client_max_window_bits=abc", "permessage-deflate; server_max_window_bits=7",
				"permessage-deflate; server_max_window_bits=16", "permessage-deflate; client_max_window_bits=0x9",
				"permessage-deflate; server_no_context_takeover=1", "permessage-deflate; foo=1",
				"x-webkit-deflate-frame" };
		for (String offer : declined) {
			assertDeclined(edge(stack).port(), "/ws/both", offer);
		}
		assertDeclined(edge(stack).port(), "/ws/plain-client", "permessage-deflate");
		assertDeclined(edge(stack).port(), "/ws/plain-client", "permessage-deflate; client_max_window_bits");
		edge(stack).awaitNoSessions();
	}

	private static void assertDeclined(int port, String path, String offer) throws IOException {
		try (DeflateClient client = DeflateClient.connect(port, path, offer)) {
			assertThat(client.raw().status()).as(offer).isEqualTo(101);
			assertThat(client.raw().header("Sec-WebSocket-Extensions")).as(offer).isNull();
			client.raw().sendText("still works: " + offer);
			assertThat(client.raw().readMessage().text()).isEqualTo("still works: " + offer);
			client.raw().sendClose(1000, "");
		}
	}

	/** One unfragmented frame read off the socket with its RSV1 bit. */
	private record WireMessage(boolean rsv1, byte[] payload) {

		static WireMessage read(RawClient client) throws IOException {
			CompressionIntegrationTests.WireFrame frame = CompressionIntegrationTests.WireFrame.read(client);
			assertThat(frame.opcode()).isEqualTo(0x2);
			return new WireMessage(frame.rsv1(), frame.payload());
		}

	}

}
