package io.wsedge.compression;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.NoLeaks;
import io.wsedge.testsupport.RawClient;
import io.wsedge.testsupport.RawClient.Frame;
import io.wsedge.testsupport.RawUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * permessage-deflate pass-through, end to end: a raw client and a raw upstream that both negotiate the
 * extension, so that the bytes each of them put on the wire can be compared with what the other one gets.
 * The peers compress with stored blocks (level 0) where the test must tell their bytes from the edge's own
 * deflate output (level 6), which would differ.
 */
@ExtendWith(NoLeaks.class)
class CompressionPassThroughIntegrationTests {

	private static final String OFFER = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits";

	private static final BlockingQueue<String> INTERCEPTED = new LinkedBlockingQueue<>();

	private static final String GREETING = "welcome " + "to the room ".repeat(40);

	private static RawUpstream upstream;

	private static RawUpstream greetingUpstream;

	private static RawUpstream noContextUpstream;

	private static RawUpstream brokenUpstream;

	private static EdgeApp edge;

	private static EdgeApp servlet;

	@BeforeAll
	static void start() throws IOException {
		upstream = new RawUpstream("permessage-deflate");
		byte[] greeting;
		try (Compressor compressor = new Compressor(Deflater.BEST_COMPRESSION)) {
			greeting = RawUpstream.Connection.frame(true, 0x40 | 0x1, compressor.message(utf8(GREETING)));
		}
		greetingUpstream = new RawUpstream("permessage-deflate", greeting);
		noContextUpstream = new RawUpstream(
				"permessage-deflate; server_no_context_takeover; client_no_context_takeover");
		// The greeting, then a masked frame, which no server may send (RFC 6455 §5.1).
		byte[] masked = { (byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2 };
		ByteArrayOutputStream broken = new ByteArrayOutputStream();
		broken.writeBytes(greeting);
		broken.writeBytes(masked);
		brokenUpstream = new RawUpstream("permessage-deflate", broken.toByteArray());
		edge = EdgeApp.start(Stack.REACTIVE, properties(), RecorderConfiguration.class);
		servlet = EdgeApp.start(Stack.SERVLET, properties(), RecorderConfiguration.class);
	}

	private static Map<String, String> properties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("wsedge.limits.ping-interval", "0s");
		properties.put("wsedge.compression.client.enabled", "true");
		properties.put("wsedge.compression.upstream.enabled", "true");
		route(properties, 0, "pass", upstream);
		route(properties, 1, "intercepted", upstream);
		properties.put("wsedge.routes[1].interceptors.include", "recorder");
		route(properties, 2, "narrow", upstream);
		// The upstream's decompressor is told a 10-bit window, which a client that offers none may exceed.
		properties.put("wsedge.routes[2].compression.upstream.client-max-window-bits", "10");
		route(properties, 3, "off", upstream);
		properties.put("wsedge.routes[3].compression.pass-through", "false");
		route(properties, 4, "small", upstream);
		properties.put("wsedge.routes[4].limits.max-payload-size", "1KB");
		properties.put("wsedge.routes[4].limits.max-frame-size", "1KB");
		route(properties, 5, "greeting", greetingUpstream);
		route(properties, 6, "no-context", noContextUpstream);
		route(properties, 7, "broken", brokenUpstream);
		return properties;
	}

	private static void route(Map<String, String> properties, int index, String id, RawUpstream target) {
		properties.put("wsedge.routes[" + index + "].id", id);
		properties.put("wsedge.routes[" + index + "].path", "/ws/" + id);
		properties.put("wsedge.routes[" + index + "].upstream", "ws://127.0.0.1:" + target.port() + "/");
		if (!id.equals("intercepted")) {
			properties.put("wsedge.routes[" + index + "].interceptors.exclude", "recorder");
		}
	}

	@AfterAll
	static void stop() throws IOException {
		edge.close();
		servlet.close();
		upstream.close();
		greetingUpstream.close();
		noContextUpstream.close();
		brokenUpstream.close();
	}

	@Test
	void compressedMessagesPassThroughAsTheyCameBothWays() throws Exception {
		double before = passThroughSessions("pass", "client");
		double compressionBytesBefore = compressionBytes("pass");
		try (RawClient client = RawClient.connect(edge.port(), "/ws/pass", 0, OFFER);
				RawUpstream.Connection up = upstream.accept();
				Compressor clientSide = new Compressor(Deflater.NO_COMPRESSION);
				Compressor upstreamSide = new Compressor(Deflater.NO_COMPRESSION);
				Decompressor upstreamInflater = new Decompressor();
				Decompressor clientInflater = new Decompressor()) {
			assertThat(client.status()).isEqualTo(101);
			assertThat(client.header("Sec-WebSocket-Extensions")).isEqualTo("permessage-deflate");
			assertThat(up.offer()).isEqualTo("permessage-deflate");
			for (int i = 0; i < 3; i++) {
				byte[] text = utf8("message " + i + " " + "abc".repeat(200));
				byte[] wire = clientSide.message(text);
				client.sendFrame(true, 0x40 | 0x1, wire, true);
				Frame received = up.readFrame();
				assertThat(received.rsv1()).isTrue();
				assertThat(received.opcode()).isEqualTo(0x1);
				assertThat(received.payload()).as("the client's compressed bytes").isEqualTo(wire);
				assertThat(upstreamInflater.message(received.payload())).isEqualTo(text);
				byte[] reply = upstreamSide.message(utf8("reply " + i + " " + "xyz".repeat(200)));
				up.writeFrame(true, 0x40 | 0x2, reply);
				Frame answer = client.readFrame();
				assertThat(answer.rsv1()).isTrue();
				assertThat(answer.opcode()).isEqualTo(0x2);
				assertThat(answer.payload()).as("the upstream's compressed bytes").isEqualTo(reply);
				assertThat(clientInflater.message(answer.payload()))
					.isEqualTo(utf8("reply " + i + " " + "xyz".repeat(200)));
			}
			// Fragmented: RSV1 on the first frame only (RFC 7692 §6.1), every frame as it came.
			byte[] whole = clientSide.message(utf8("fragmented " + "abc".repeat(300)));
			byte[][] pieces = { Arrays.copyOfRange(whole, 0, 100), Arrays.copyOfRange(whole, 100, 500),
					Arrays.copyOfRange(whole, 500, whole.length) };
			client.sendFrame(false, 0x40 | 0x1, pieces[0], true);
			client.sendFrame(false, 0x0, pieces[1], true);
			client.sendFrame(true, 0x0, pieces[2], true);
			for (int i = 0; i < pieces.length; i++) {
				Frame received = up.readFrame();
				assertThat(received.rsv1()).as("RSV1 of fragment %d", i).isEqualTo(i == 0);
				assertThat(received.opcode()).isEqualTo((i == 0) ? 0x1 : 0x0);
				assertThat(received.fin()).isEqualTo(i == pieces.length - 1);
				assertThat(received.payload()).isEqualTo(pieces[i]);
			}
			byte[] reply = upstreamSide.message(utf8("fragmented reply " + "xyz".repeat(300)));
			up.writeFrame(false, 0x40 | 0x1, Arrays.copyOfRange(reply, 0, 300));
			up.writeFrame(true, 0x0, Arrays.copyOfRange(reply, 300, reply.length));
			Frame first = client.readFrame();
			Frame last = client.readFrame();
			assertThat(first.rsv1()).isTrue();
			assertThat(last.rsv1()).isFalse();
			assertThat(last.fin()).isTrue();
			assertThat(concat(first.payload(), last.payload())).isEqualTo(reply);
			// A plain message stays plain: in a direction that passes through, the edge compresses nothing.
			String plain = "plain " + "abc".repeat(100);
			client.sendText(plain);
			Frame received = up.readFrame();
			assertThat(received.rsv1()).isFalse();
			assertThat(received.text()).isEqualTo(plain);
			closeBoth(client, up);
		}
		edge.awaitNoSessions();
		assertThat(passThroughSessions("pass", "client")).isEqualTo(before + 1);
		assertThat(passThroughSessions("pass", "upstream")).isGreaterThanOrEqualTo(1);
		assertThat(compressionBytes("pass")).as("bytes the edge inflated or deflated").isEqualTo(compressionBytesBefore);
	}

	private static double compressionBytes(String route) {
		return edge.context()
			.getBean(MeterRegistry.class)
			.find("wsedge.compression.bytes")
			.tag("route", route)
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

	@Test
	void contextTakeoverCarriesOverAMessageHeldBeforeTheClientWasAnswered() throws Exception {
		try (RawClient client = RawClient.connect(edge.port(), "/ws/greeting", 0, OFFER);
				RawUpstream.Connection up = greetingUpstream.accept();
				Compressor upstreamSide = new Compressor(Deflater.BEST_COMPRESSION);
				Decompressor clientInflater = new Decompressor()) {
			assertThat(client.status()).isEqualTo(101);
			byte[] greeting = upstreamSide.message(utf8(GREETING));
			Frame first = client.readFrame();
			assertThat(first.rsv1()).isTrue();
			assertThat(first.payload()).as("the greeting, held compressed until the client's leg was known")
				.isEqualTo(greeting);
			assertThat(clientInflater.message(first.payload())).isEqualTo(utf8(GREETING));
			// Mostly a reference into the greeting: readable only with the greeting in the client's context.
			byte[] echo = upstreamSide.message(utf8(GREETING + "!"));
			up.writeFrame(true, 0x40 | 0x1, echo);
			Frame second = client.readFrame();
			assertThat(second.payload()).isEqualTo(echo);
			assertThat(clientInflater.message(second.payload())).isEqualTo(utf8(GREETING + "!"));
			closeBoth(client, up);
		}
		edge.awaitNoSessions();
	}

	@Test
	void aMessageHeldBeforeTheUpstreamBrokeTheProtocolIsStillRelayed() throws Exception {
		try (RawClient client = RawClient.connect(edge.port(), "/ws/broken", 0, OFFER);
				RawUpstream.Connection up = brokenUpstream.accept();
				Decompressor clientInflater = new Decompressor()) {
			assertThat(client.status()).isEqualTo(101);
			Frame first = client.readFrame();
			assertThat(first.rsv1()).isTrue();
			try (Compressor upstreamSide = new Compressor(Deflater.BEST_COMPRESSION)) {
				assertThat(first.payload()).as("passed through").isEqualTo(upstreamSide.message(utf8(GREETING)));
			}
			assertThat(clientInflater.message(first.payload())).isEqualTo(utf8(GREETING));
			assertThat(client.readUntilClose().closeCode()).as("upstream-failure").isEqualTo(1014);
			assertThat(up.readFrame().closeCode()).isEqualTo(1002);
		}
		edge.awaitNoSessions();
	}

	@Test
	void onTheServletStackTheUpstreamsCompressedMessagesAreInflated() throws Exception {
		try (RawClient client = RawClient.connect(servlet.port(), "/ws/greeting", 0, OFFER);
				RawUpstream.Connection up = greetingUpstream.accept();
				Compressor upstreamSide = new Compressor(Deflater.BEST_COMPRESSION);
				Decompressor upstreamInflater = new Decompressor()) {
			assertThat(client.status()).isEqualTo(101);
			assertThat(client.header("Sec-WebSocket-Extensions")).isNull();
			upstreamSide.message(utf8(GREETING));
			assertThat(client.readMessage().text()).isEqualTo(GREETING);
			up.writeFrame(true, 0x40 | 0x1, upstreamSide.message(utf8(GREETING + "!")));
			assertThat(client.readMessage().text()).isEqualTo(GREETING + "!");
			String text = "from the client " + "abc".repeat(100);
			client.sendText(text);
			Frame received = up.readFrame();
			assertThat(received.rsv1()).as("compressed by the edge").isTrue();
			assertThat(upstreamInflater.message(received.payload())).isEqualTo(utf8(text));
			closeBoth(client, up);
		}
		servlet.awaitNoSessions();
	}

	@Test
	void theAnswerToTheClientIsShapedToTheUpstreamsParameters() throws Exception {
		double before = passThroughSessions("no-context", "client") + passThroughSessions("no-context", "upstream");
		try (RawClient client = RawClient.connect(edge.port(), "/ws/no-context", 0, OFFER);
				RawUpstream.Connection up = noContextUpstream.accept()) {
			assertThat(client.status()).isEqualTo(101);
			// The upstream compresses without context, and its decompressor resets per message: the client is
			// told the former and asked for the latter (RFC 7692 §7.1.1).
			assertThat(client.header("Sec-WebSocket-Extensions"))
				.isEqualTo("permessage-deflate;server_no_context_takeover;client_no_context_takeover");
			for (int i = 0; i < 3; i++) {
				byte[] text = utf8("message " + i + " " + "abc".repeat(200));
				try (Compressor clientSide = new Compressor(Deflater.NO_COMPRESSION);
						Compressor upstreamSide = new Compressor(Deflater.NO_COMPRESSION);
						Decompressor fresh = new Decompressor()) {
					byte[] wire = clientSide.message(text);
					client.sendFrame(true, 0x40 | 0x1, wire, true);
					assertThat(up.readFrame().payload()).isEqualTo(wire);
					byte[] reply = upstreamSide.message(text);
					up.writeFrame(true, 0x40 | 0x1, reply);
					Frame answer = client.readFrame();
					assertThat(answer.payload()).isEqualTo(reply);
					assertThat(fresh.message(answer.payload())).isEqualTo(text);
				}
			}
			closeBoth(client, up);
		}
		edge.awaitNoSessions();
		assertThat(passThroughSessions("no-context", "client") + passThroughSessions("no-context", "upstream"))
			.isEqualTo(before + 2);
	}

	@Test
	void aClientThatAsksForNoContextTakeoverGetsTheUpstreamsMessagesInflatedAndDeflated() throws Exception {
		// The upstream keeps its context between messages; a client that resets its own could not follow.
		try (RawClient client = RawClient.connect(edge.port(), "/ws/pass", 0,
				"Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover");
				RawUpstream.Connection up = upstream.accept();
				Compressor clientSide = new Compressor(Deflater.NO_COMPRESSION);
				Compressor upstreamSide = new Compressor(Deflater.NO_COMPRESSION)) {
			assertThat(client.header("Sec-WebSocket-Extensions"))
				.isEqualTo("permessage-deflate;server_no_context_takeover");
			for (int i = 0; i < 3; i++) {
				byte[] text = utf8("message " + i + " " + "abc".repeat(200));
				byte[] wire = clientSide.message(text);
				client.sendFrame(true, 0x40 | 0x1, wire, true);
				assertThat(up.readFrame().payload()).as("the client's messages still pass").isEqualTo(wire);
				byte[] reply = upstreamSide.message(text);
				up.writeFrame(true, 0x40 | 0x1, reply);
				Frame answer = client.readFrame();
				assertThat(answer.rsv1()).isTrue();
				assertThat(answer.payload()).isNotEqualTo(reply);
				try (Decompressor fresh = new Decompressor()) {
					assertThat(fresh.message(answer.payload())).isEqualTo(text);
				}
			}
			closeBoth(client, up);
		}
		edge.awaitNoSessions();
	}

	@Test
	void aDirectionWithAnInterceptorIsInflatedWhileTheOtherPassesThrough() throws Exception {
		INTERCEPTED.clear();
		try (RawClient client = RawClient.connect(edge.port(), "/ws/intercepted", 0, OFFER);
				RawUpstream.Connection up = upstream.accept();
				Compressor clientSide = new Compressor(Deflater.NO_COMPRESSION);
				Compressor upstreamSide = new Compressor(Deflater.NO_COMPRESSION);
				Decompressor upstreamInflater = new Decompressor()) {
			assertThat(client.status()).isEqualTo(101);
			String text = "intercepted " + "abc".repeat(200);
			byte[] wire = clientSide.message(utf8(text));
			client.sendFrame(true, 0x40 | 0x1, wire, true);
			assertThat(INTERCEPTED.poll(10, TimeUnit.SECONDS)).as("the interceptor sees plain text").isEqualTo(text);
			Frame received = up.readFrame();
			assertThat(received.rsv1()).isTrue();
			assertThat(received.payload()).as("the edge's own deflate output").isNotEqualTo(wire);
			assertThat(received.payload().length).isLessThan(wire.length / 4);
			assertThat(upstreamInflater.message(received.payload())).isEqualTo(utf8(text));
			// No upstream interceptor: the upstream's messages still pass as they came.
			byte[] reply = upstreamSide.message(utf8("reply " + "xyz".repeat(200)));
			up.writeFrame(true, 0x40 | 0x1, reply);
			Frame answer = client.readFrame();
			assertThat(answer.rsv1()).isTrue();
			assertThat(answer.payload()).isEqualTo(reply);
			closeBoth(client, up);
		}
		edge.awaitNoSessions();
	}

	@Test
	void legsWithParametersThatDoNotFitAreInflatedAndDeflatedAgain() throws Exception {
		// The client offers no client_max_window_bits (it may use the full window, the upstream was told 10
		// bits) and asks for a 10-bit window itself (the upstream was not asked for one).
		try (RawClient client = RawClient.connect(edge.port(), "/ws/narrow", 0,
				"Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10");
				RawUpstream.Connection up = upstream.accept()) {
			assertThat(client.status()).isEqualTo(101);
			assertThat(client.header("Sec-WebSocket-Extensions")).contains("server_max_window_bits=10");
			assertThat(up.offer()).contains("client_max_window_bits=10");
			assertInflatedAndDeflatedAgain(client, up);
			closeBoth(client, up);
		}
		edge.awaitNoSessions();
	}

	@Test
	void passThroughOffInflatesAndDeflatesAgain() throws Exception {
		double before = passThroughSessions("off", "client") + passThroughSessions("off", "upstream");
		try (RawClient client = RawClient.connect(edge.port(), "/ws/off", 0, OFFER);
				RawUpstream.Connection up = upstream.accept()) {
			assertThat(client.status()).isEqualTo(101);
			assertInflatedAndDeflatedAgain(client, up);
			closeBoth(client, up);
		}
		edge.awaitNoSessions();
		assertThat(passThroughSessions("off", "client") + passThroughSessions("off", "upstream")).isEqualTo(before);
	}

	private static void assertInflatedAndDeflatedAgain(RawClient client, RawUpstream.Connection up) throws Exception {
		try (Compressor clientSide = new Compressor(Deflater.NO_COMPRESSION);
				Compressor upstreamSide = new Compressor(Deflater.NO_COMPRESSION);
				Decompressor upstreamInflater = new Decompressor();
				Decompressor clientInflater = new Decompressor()) {
			for (int i = 0; i < 3; i++) {
				byte[] text = utf8("message " + i + " " + "abc".repeat(200));
				byte[] wire = clientSide.message(text);
				client.sendFrame(true, 0x40 | 0x1, wire, true);
				Frame received = up.readFrame();
				assertThat(received.rsv1()).isTrue();
				assertThat(received.payload()).isNotEqualTo(wire);
				assertThat(upstreamInflater.message(received.payload())).isEqualTo(text);
				byte[] reply = utf8("reply " + i + " " + "xyz".repeat(200));
				byte[] replyWire = upstreamSide.message(reply);
				up.writeFrame(true, 0x40 | 0x1, replyWire);
				Frame answer = client.readFrame();
				assertThat(answer.rsv1()).isTrue();
				assertThat(answer.payload()).isNotEqualTo(replyWire);
				assertThat(clientInflater.message(answer.payload())).isEqualTo(reply);
			}
		}
	}

	@Test
	void maxPayloadSizeCountsCompressedBytesWhenPassingThrough() throws Exception {
		try (RawClient client = RawClient.connect(edge.port(), "/ws/small", 0, OFFER);
				RawUpstream.Connection up = upstream.accept();
				Compressor clientSide = new Compressor(Deflater.BEST_COMPRESSION);
				Decompressor upstreamInflater = new Decompressor()) {
			assertThat(client.status()).isEqualTo(101);
			// 64 KB that compress to less than the 1 KB limit pass: the limit counts the bytes on the wire.
			byte[] large = utf8("a".repeat(64 * 1024));
			byte[] wire = clientSide.message(large);
			assertThat(wire.length).isLessThan(1024);
			client.sendFrame(true, 0x40 | 0x2, wire, true);
			Frame received = up.readFrame();
			assertThat(received.payload()).isEqualTo(wire);
			assertThat(upstreamInflater.message(received.payload())).isEqualTo(large);
			// 2 KB that do not compress, in frames under the frame limit, go over it as they arrive.
			byte[] noise = new byte[2048];
			new Random(7).nextBytes(noise);
			byte[] incompressible = clientSide.message(noise);
			assertThat(incompressible.length).isGreaterThan(1024);
			client.sendFrame(false, 0x40 | 0x2, Arrays.copyOfRange(incompressible, 0, 600), true);
			client.sendFrame(true, 0x0, Arrays.copyOfRange(incompressible, 600, incompressible.length), true);
			assertThat(client.readUntilClose().closeCode()).isEqualTo(1009);
			// Where no interceptor runs, a message streams through frame by frame, up to the limit.
			Frame streamed = up.readFrame();
			assertThat(streamed.rsv1()).isTrue();
			assertThat(streamed.fin()).isFalse();
			assertThat(streamed.payload()).isEqualTo(Arrays.copyOfRange(incompressible, 0, 600));
			Frame close = up.readFrame();
			assertThat(close.opcode()).isEqualTo(0x8);
			assertThat(close.closeCode()).isEqualTo(1001);
		}
		edge.awaitNoSessions();
	}

	private static void closeBoth(RawClient client, RawUpstream.Connection up) throws IOException {
		client.sendClose(1000, "");
		Frame close = up.readFrame();
		assertThat(close.opcode()).isEqualTo(0x8);
		up.writeFrame(true, 0x8, close.payload());
		assertThat(client.readUntilClose().closeCode()).isEqualTo(1000);
	}

	private static double passThroughSessions(String route, String direction) {
		Counter counter = edge.context()
			.getBean(MeterRegistry.class)
			.find("wsedge.compression.pass-through")
			.tag("route", route)
			.tag("direction", direction)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] both = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, both, first.length, second.length);
		return both;
	}

	/** One peer's compressor (RFC 7692 §7.2.1): a raw deflate stream, its context kept across messages. */
	private static final class Compressor implements AutoCloseable {

		private final Deflater deflater;

		Compressor(int level) {
			this.deflater = new Deflater(level, true);
		}

		/** A message's payload: its bytes deflated with a sync flush, without the flush's 4-byte tail. */
		byte[] message(byte[] data) {
			this.deflater.setInput(data);
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			byte[] buffer = new byte[64 * 1024];
			int length;
			do {
				length = this.deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
				out.write(buffer, 0, length);
			}
			while (length == buffer.length || !this.deflater.needsInput());
			byte[] bytes = out.toByteArray();
			return Arrays.copyOf(bytes, bytes.length - 4);
		}

		@Override
		public void close() {
			this.deflater.end();
		}

	}

	/** The other peer's decompressor (RFC 7692 §7.2.2), its context kept across messages. */
	private static final class Decompressor implements AutoCloseable {

		private final Inflater inflater = new Inflater(true);

		byte[] message(byte[] payload) throws IOException {
			return DeflateClient.inflate(this.inflater, payload);
		}

		@Override
		public void close() {
			this.inflater.end();
		}

	}

	/** A client interceptor named {@code recorder} that records the text it sees. */
	@Configuration(proxyBeanMethods = false)
	static class RecorderConfiguration {

		@Bean
		ClientFrameInterceptor recorder() {
			return (frame) -> {
				if (frame.type() == io.wsedge.api.FrameType.TEXT) {
					INTERCEPTED.add(frame.text());
				}
			};
		}

	}

}
