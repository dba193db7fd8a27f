package io.wsedge.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.NoLeaks;
import io.wsedge.testsupport.RawClient;
import io.wsedge.testsupport.RawClient.Frame;
import io.wsedge.testsupport.RawUpstream;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6455 on both legs, driven with raw sockets so that the tests can send what no well-behaved peer sends.
 * A violation is answered with the right close code and nothing of it is forwarded.
 */
@ExtendWith(NoLeaks.class)
class ConformanceIntegrationTests {

	private static TestUpstream upstream;

	private static RawUpstream rawUpstream;

	private static EdgeApp edge;

	@BeforeAll
	static void start() throws IOException {
		upstream = TestUpstream.start();
		rawUpstream = new RawUpstream();
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("wsedge.routes[0].id", "echo");
		properties.put("wsedge.routes[0].path", "/ws/echo");
		properties.put("wsedge.routes[0].upstream", upstream.uri("/echo").toString());
		properties.put("wsedge.routes[1].id", "raw");
		properties.put("wsedge.routes[1].path", "/ws/raw");
		properties.put("wsedge.routes[1].upstream", "ws://127.0.0.1:" + rawUpstream.port() + "/raw");
		properties.put("wsedge.limits.ping-interval", "0s");
		edge = EdgeApp.start(properties);
	}

	@AfterAll
	static void stop() throws IOException {
		edge.close();
		upstream.close();
		rawUpstream.close();
	}

	/** Sends one bad frame and expects the close code, with nothing reaching the upstream. */
	private static void violation(String marker, int expectedCode, FrameWriter bad) throws Exception {
		try (RawClient client = RawClient.connect(edge.port(), "/ws/echo?t=" + marker, 0)) {
			assertThat(client.status()).isEqualTo(101);
			bad.write(client);
			Frame close = client.readUntilClose();
			assertThat(close.closeCode()).as(marker).isEqualTo(expectedCode);
			assertThat(client.awaitEndOfStream()).as("the edge ends the connection").isTrue();
			TestUpstream.Session atUpstream = upstream.session("t=" + marker);
			assertThat(atUpstream.awaitClose().code()).isEqualTo(1001);
			assertThat(atUpstream.messages).as("nothing forwarded").isEmpty();
		}
	}

	@FunctionalInterface
	interface FrameWriter {

		void write(RawClient client) throws IOException;

	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void unmaskedClientFrame() throws Exception {
		violation("unmasked", 1002, (client) -> client.sendFrame(true, 0x1, utf8("hi"), false));
	}

	@Test
	void reservedBitsWithoutAnExtension() throws Exception {
		violation("rsv1", 1002, (client) -> client.sendFrame(true, 0x40 | 0x1, utf8("hi"), true));
		violation("rsv3", 1002, (client) -> client.sendFrame(true, 0x10 | 0x2, new byte[3], true));
	}

	@Test
	void unknownOpcodes() throws Exception {
		violation("opcode-3", 1002, (client) -> client.sendFrame(true, 0x3, new byte[1], true));
		violation("opcode-b", 1002, (client) -> client.sendFrame(true, 0xB, new byte[0], true));
	}

	@Test
	void controlFrameOver125Bytes() throws Exception {
		violation("big-ping", 1002, (client) -> client.sendFrame(true, 0x9, new byte[126], true));
	}

	@Test
	void fragmentedControlFrame() throws Exception {
		violation("fragmented-ping", 1002, (client) -> client.sendFrame(false, 0x9, new byte[1], true));
	}

	@Test
	void continuationWithNoMessageStarted() throws Exception {
		violation("lone-continuation", 1002, (client) -> client.sendFrame(true, 0x0, utf8("x"), true));
	}

	@Test
	void newMessageInsideAFragmentedOne() throws Exception {
		violation("nested-message", 1002, (client) -> {
			client.sendFrame(false, 0x1, utf8("a"), true);
			client.sendFrame(true, 0x1, utf8("b"), true);
		});
	}

	@Test
	void closeFrameWithAnInvalidCodeOrAOneBytePayload() throws Exception {
		violation("close-999", 1002, (client) -> client.sendFrame(true, 0x8, new byte[] { 0x03, (byte) 0xE7 }, true));
		violation("close-1005", 1002, (client) -> client.sendFrame(true, 0x8, new byte[] { 0x03, (byte) 0xED }, true));
		violation("close-1-byte", 1002, (client) -> client.sendFrame(true, 0x8, new byte[] { 0x03 }, true));
	}

	@Test
	void invalidUtf8InATextMessage() throws Exception {
		violation("bad-utf8", 1007, (client) -> client.sendFrame(true, 0x1, new byte[] { 'a', (byte) 0xFF }, true));
	}

	@Test
	void codePointSplitAcrossFragmentsInvalidly() throws Exception {
		// 0xE2 0x82 starts a 3-byte sequence; the next fragment continues it with a byte that cannot follow.
		violation("bad-split", 1007, (client) -> {
			client.sendFrame(false, 0x1, new byte[] { 'a', (byte) 0xE2, (byte) 0x82 }, true);
			client.sendFrame(true, 0x0, new byte[] { 'b' }, true);
		});
	}

	@Test
	void truncatedSequenceAtTheEndOfAMessage() throws Exception {
		violation("truncated", 1007, (client) -> {
			client.sendFrame(false, 0x1, utf8("ok"), true);
			client.sendFrame(true, 0x0, new byte[] { (byte) 0xE2, (byte) 0x82 }, true);
		});
	}

	@Test
	void validUtf8SplitAcrossFragmentsPasses() throws Exception {
		byte[] euro = utf8("€");
		try (RawClient client = RawClient.connect(edge.port(), "/ws/echo?t=good-split", 0)) {
			client.sendFrame(false, 0x1, new byte[] { 'a', euro[0], euro[1] }, true);
			client.sendFrame(true, 0x0, new byte[] { euro[2], 'b' }, true);
			assertThat(upstream.session("t=good-split").nextMessage().asText()).isEqualTo("a€b");
			Frame first = client.readFrame();
			Frame second = client.readFrame();
			assertThat(new String(concat(first.payload(), second.payload()), StandardCharsets.UTF_8)).isEqualTo("a€b");
		}
	}

	@Test
	void controlFramesInsideAFragmentedMessageAreHandledAndTheMessageArrivesWhole() throws Exception {
		try (RawClient client = RawClient.connect(edge.port(), "/ws/echo?t=interleaved", 0)) {
			client.sendFrame(false, 0x1, utf8("frag-"), true);
			client.sendFrame(true, 0x9, utf8("ping-1"), true);
			client.sendFrame(false, 0x0, utf8("ment-"), true);
			client.sendFrame(true, 0xA, utf8("pong-1"), true);
			client.sendFrame(true, 0x0, utf8("ed"), true);
			assertThat(upstream.session("t=interleaved").nextMessage().asText()).isEqualTo("frag-ment-ed");
			// The upstream answered the relayed ping; its pong comes back to the client (so does the client's own
			// pong, which this echo upstream sends back as it came).
			boolean pong = false;
			StringBuilder echoed = new StringBuilder();
			while (!pong || !echoed.toString().equals("frag-ment-ed")) {
				Frame frame = client.readFrame();
				if (frame.opcode() == 0xA) {
					pong |= frame.text().equals("ping-1");
				}
				else if (frame.opcode() == 0x1 || frame.opcode() == 0x0) {
					echoed.append(frame.text());
				}
			}
		}
	}

	@Test
	void edgeMasksFramesToTheUpstreamAndNotToTheClient() throws Exception {
		try (RawClient client = RawClient.connect(edge.port(), "/ws/raw?t=masking", 0);
				RawUpstream.Connection atUpstream = rawUpstream.accept()) {
			assertThat(client.status()).isEqualTo(101);
			client.sendText("to upstream");
			Frame toUpstream = atUpstream.readFrame();
			assertThat(toUpstream.masked()).isTrue();
			assertThat(toUpstream.text()).isEqualTo("to upstream");
			atUpstream.writeFrame(true, 0x1, utf8("to client"));
			Frame toClient = client.readFrame();
			assertThat(toClient.masked()).isFalse();
			assertThat(toClient.text()).isEqualTo("to client");
		}
	}

	@Test
	void upstreamThatBreaksTheProtocolClosesTheClientWithTheUpstreamFailurePolicy() throws Exception {
		try (RawClient client = RawClient.connect(edge.port(), "/ws/raw?t=bad-upstream", 0);
				RawUpstream.Connection atUpstream = rawUpstream.accept()) {
			// A masked frame from a server is a violation (RFC 6455 §5.1); its payload must not reach the client.
			atUpstream.write(new byte[] { (byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'x' ^ 1, 'y' ^ 2 });
			Frame close = client.readUntilClose();
			assertThat(close.closeCode()).isEqualTo(1014);
			Frame toUpstream = atUpstream.readFrame();
			assertThat(toUpstream.opcode()).isEqualTo(0x8);
			assertThat(toUpstream.closeCode()).isEqualTo(1002);
		}
	}

	@Test
	void upstreamResetMidMessageClosesTheClientWithTheUpstreamFailurePolicy() throws Exception {
		try (RawClient client = RawClient.connect(edge.port(), "/ws/raw?t=reset", 0);
				RawUpstream.Connection atUpstream = rawUpstream.accept()) {
			atUpstream.writeFrame(false, 0x1, utf8("half of a mess"));
			atUpstream.reset();
			Frame close = client.readUntilClose();
			assertThat(close.closeCode()).isEqualTo(1014);
		}
		edge.awaitNoSessions();
	}

	@Test
	void hostileHandshakesGetAClearHttpAnswer() throws Exception {
		assertThat(raw("GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Version: 13\r\n\r\n").status()).as("missing key").isEqualTo(400);
		assertThat(raw("GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Key: not-base64-of-16\r\nSec-WebSocket-Version: 13\r\n\r\n").status())
			.as("invalid key")
			.isEqualTo(400);
		RawClient version = raw("GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n");
		assertThat(version.status()).as("unsupported version").isEqualTo(426);
		assertThat(version.header("Sec-WebSocket-Version")).isEqualTo("13");
		RawClient post = raw("POST /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n");
		assertThat(post.status()).as("not a GET").isEqualTo(405);
		assertThat(post.header("Allow")).isEqualTo("GET");
		assertThat(raw("GET /ws/echo HTTP/1.1\r\nHost: x\r\n\r\n").status()).as("not an upgrade").isEqualTo(426);
		RawClient huge = raw("GET /ws/echo HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
		assertThat(huge.status()).as("oversized headers").isIn(400, 413, 431);
		// Everyone else is still served.
		try (RawClient client = RawClient.connect(edge.port(), "/ws/echo?t=after-hostile", 0)) {
			client.sendText("fine");
			assertThat(client.readFrame().text()).isEqualTo("fine");
		}
	}

	private static RawClient raw(String request) throws IOException {
		return RawClient.request(edge.port(), request.getBytes(StandardCharsets.ISO_8859_1), 0);
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] joined = new byte[a.length + b.length];
		System.arraycopy(a, 0, joined, 0, a.length);
		System.arraycopy(b, 0, joined, a.length, b.length);
		return joined;
	}

}
