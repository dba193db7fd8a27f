package io.wsedge.compression;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.NoLeaks;
import io.wsedge.testsupport.RawClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * permessage-deflate (RFC 7692) on each leg on its own, end to end: a client and an upstream that both
 * support it (Reactor Netty's, with compression on), an edge configured per route, raw sockets to see RSV1 on
 * the wire, and a decompression bomb.
 */
@ExtendWith(NoLeaks.class)
class CompressionIntegrationTests {

	private static final BlockingQueue<HttpHeaders> UPSTREAM_HANDSHAKES = new LinkedBlockingQueue<>();

	private static DisposableServer upstream;

	private static EdgeApp edge;

	@BeforeAll
	static void start() {
		WebsocketServerSpec spec = WebsocketServerSpec.builder()
			.compress(true)
			.maxFramePayloadLength(16 * 1024 * 1024)
			.build();
		upstream = HttpServer.create().host("127.0.0.1").port(0).route((routes) -> routes.ws("/echo", (in, out) -> {
			UPSTREAM_HANDSHAKES.add(in.headers());
			return out.sendObject(in.aggregateFrames(16 * 1024 * 1024).receiveFrames().map(WebSocketFrame::retain));
		}, spec)).bindNow();
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("wsedge.limits.ping-interval", "0s");
		route(properties, 0, "none");
		route(properties, 1, "client");
		properties.put("wsedge.routes[1].compression.client.enabled", "true");
		route(properties, 2, "upstream");
		properties.put("wsedge.routes[2].compression.upstream.enabled", "true");
		route(properties, 3, "both");
		// Both legs compress, but every message is inflated and deflated again (no pass-through).
		route(properties, 4, "inflating");
		properties.put("wsedge.routes[4].compression.pass-through", "false");
		properties.put("wsedge.compression.client.enabled", "true");
		properties.put("wsedge.compression.upstream.enabled", "true");
		// Routes 0-2 turn off what the global setting turns on, so each combination is explicit.
		properties.put("wsedge.routes[0].compression.client.enabled", "false");
		properties.put("wsedge.routes[0].compression.upstream.enabled", "false");
		properties.put("wsedge.routes[1].compression.upstream.enabled", "false");
		properties.put("wsedge.routes[2].compression.client.enabled", "false");
		edge = EdgeApp.start(properties);
	}

	private static void route(Map<String, String> properties, int index, String id) {
		properties.put("wsedge.routes[" + index + "].id", id);
		properties.put("wsedge.routes[" + index + "].path", "/ws/" + id);
		properties.put("wsedge.routes[" + index + "].upstream", "ws://127.0.0.1:" + upstream.port() + "/echo");
	}

	@AfterAll
	static void stop() {
		edge.close();
		upstream.disposeNow(Duration.ofSeconds(30));
	}

	private static String json(int size) {
		StringBuilder json = new StringBuilder("{\"items\":[");
		for (int i = 0; json.length() < size; i++) {
			json.append("{\"id\":").append(i).append(",\"name\":\"item-").append(i).append("\",\"ok\":true},");
		}
		return json.append("{}]}").toString();
	}

	/** A compressing client: returns the Sec-WebSocket-Extensions the edge answered and the echo. */
	private static String[] roundTrip(String route, String message) {
		return HttpClient.create()
			.websocket(WebsocketClientSpec.builder().compress(true).maxFramePayloadLength(16 * 1024 * 1024).build())
			.uri("ws://127.0.0.1:" + edge.port() + "/ws/" + route)
			.handle((in, out) -> {
				String extensions = String.valueOf(in.headers().get("Sec-WebSocket-Extensions"));
				return out.sendString(Mono.just(message))
					.then()
					.then(in.aggregateFrames(16 * 1024 * 1024).receive().asString().next())
					.map((echo) -> new String[] { extensions, echo })
					.flatMap((result) -> out.sendClose(1000, "").thenReturn(result));
			})
			.blockLast(Duration.ofSeconds(10));
	}

	private static void check(String route, boolean clientLeg, boolean upstreamLeg) throws Exception {
		UPSTREAM_HANDSHAKES.clear();
		String message = json(20_000);
		String[] result = roundTrip(route, message);
		assertThat(result[1]).as("payload intact on " + route).isEqualTo(message);
		if (clientLeg) {
			assertThat(result[0]).startsWith("permessage-deflate");
		}
		else {
			assertThat(result[0]).isEqualTo("null");
		}
		HttpHeaders offer = UPSTREAM_HANDSHAKES.poll(10, TimeUnit.SECONDS);
		assertThat(offer).isNotNull();
		if (upstreamLeg) {
			assertThat(offer.get("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
		}
		else {
			assertThat(offer.contains("Sec-WebSocket-Extensions")).isFalse();
		}
	}

	@Test
	void neitherLegCompresses() throws Exception {
		check("none", false, false);
	}

	@Test
	void onlyTheClientLegCompresses() throws Exception {
		check("client", true, false);
	}

	@Test
	void onlyTheUpstreamLegCompresses() throws Exception {
		check("upstream", false, true);
	}

	@Test
	void bothLegsCompress() throws Exception {
		check("both", true, true);
		check("inflating", true, true);
	}

	@Test
	void metricsShowBytesOnTheWireAndDecompressedPerLeg() throws Exception {
		check("inflating", true, true);
		MeterRegistry registry = edge.context().getBean(MeterRegistry.class);
		for (String leg : new String[] { "client", "upstream" }) {
			for (String direction : new String[] { "received", "sent" }) {
				double wire = bytes(registry, leg, direction, "wire");
				double payload = bytes(registry, leg, direction, "payload");
				assertThat(payload).as(leg + " " + direction).isGreaterThanOrEqualTo(20_000);
				// Repetitive JSON shrinks several times.
				assertThat(wire).as(leg + " " + direction).isPositive().isLessThan(payload / 3);
			}
		}
		assertThat(registry.find("wsedge.compression.bytes").tag("route", "none").counter().count()).isZero();
	}

	private static double bytes(MeterRegistry registry, String leg, String direction, String form) {
		return registry.get("wsedge.compression.bytes")
			.tag("route", "inflating")
			.tag("leg", leg)
			.tag("direction", direction)
			.tag("form", form)
			.counter()
			.count();
	}

	@Test
	void messagesUnderTheThresholdGoUncompressed() throws Exception {
		// Where compressed messages pass through, whether one is compressed is the sender's choice, not the edge's.
		try (RawClient client = RawClient.connect(edge.port(), "/ws/inflating", 0,
				"Sec-WebSocket-Extensions: permessage-deflate")) {
			assertThat(client.status()).isEqualTo(101);
			assertThat(client.header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
			// Clients may send uncompressed messages on a compressed connection (RSV1 clear).
			client.sendText("tiny");
			WireFrame small = WireFrame.read(client);
			assertThat(small.rsv1()).as("under the 128 B threshold").isFalse();
			assertThat(new String(small.payload(), StandardCharsets.UTF_8)).isEqualTo("tiny");
			String large = json(4096);
			client.sendText(large);
			WireFrame big = WireFrame.read(client);
			assertThat(big.rsv1()).as("over the threshold").isTrue();
			assertThat(big.payload().length).isLessThan(large.length() / 2);
			assertThat(new String(inflate(big.payload()), StandardCharsets.UTF_8)).isEqualTo(large);
		}
	}

	@Test
	void decompressionBombIsRefusedWith1009WithoutBeingInflated() throws Exception {
		byte[] bomb = deflate(new byte[100 * 1024 * 1024]);
		assertThat(bomb.length).isLessThan(200 * 1024);
		try (RawClient client = RawClient.connect(edge.port(), "/ws/client", 0,
				"Sec-WebSocket-Extensions: permessage-deflate")) {
			assertThat(client.header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
			long allocatedBefore = allocatedBytes();
			client.sendFrame(true, 0x40 | 0x2, bomb, true);
			RawClient.Frame close = client.readUntilClose();
			long allocated = allocatedBytes() - allocatedBefore;
			assertThat(close.closeCode()).isEqualTo(1009);
			// Inflating it whole would take 100 MB; the edge stops at the 1 MB payload limit.
			assertThat(allocated).as("bytes allocated while refusing the bomb").isLessThan(48L * 1024 * 1024);
		}
		edge.awaitNoSessions();
	}

	private static long allocatedBytes() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long[] ids = threads.getAllThreadIds();
		return Arrays.stream(threads.getThreadAllocatedBytes(ids)).filter((bytes) -> bytes > 0).sum();
	}

	/** Raw DEFLATE with the 4-byte tail removed, as RFC 7692 §7.2.1 puts it on the wire. */
	private static byte[] deflate(byte[] data) {
		Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
		deflater.setInput(data);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] buffer = new byte[64 * 1024];
		while (!deflater.needsInput()) {
			out.write(buffer, 0, deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH));
		}
		int length;
		while ((length = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH)) > 0) {
			out.write(buffer, 0, length);
		}
		deflater.end();
		byte[] bytes = out.toByteArray();
		return Arrays.copyOf(bytes, bytes.length - 4);
	}

	private static byte[] inflate(byte[] payload) throws Exception {
		Inflater inflater = new Inflater(true);
		byte[] input = Arrays.copyOf(payload, payload.length + 4);
		input[payload.length + 2] = (byte) 0xFF;
		input[payload.length + 3] = (byte) 0xFF;
		inflater.setInput(input);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		while (!inflater.needsInput()) {
			int length = inflater.inflate(buffer);
			if (length == 0 && inflater.needsInput()) {
				break;
			}
			out.write(buffer, 0, length);
		}
		inflater.end();
		return out.toByteArray();
	}

	/** A frame read off the socket with its RSV1 bit, which RawClient does not keep. */
	record WireFrame(boolean rsv1, int opcode, byte[] payload) {

		static WireFrame read(RawClient client) throws IOException {
			DataInputStream in = new DataInputStream(client.socket().getInputStream());
			int first = in.readUnsignedByte();
			int second = in.readUnsignedByte();
			long length = second & 0x7F;
			if (length == 126) {
				length = in.readUnsignedShort();
			}
			else if (length == 127) {
				length = in.readLong();
			}
			byte[] payload = new byte[(int) length];
			in.readFully(payload);
			return new WireFrame((first & 0x40) != 0, first & 0x0F, payload);
		}

	}

}
