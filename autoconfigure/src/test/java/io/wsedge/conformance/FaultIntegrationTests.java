package io.wsedge.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.NoLeaks;
import io.wsedge.testsupport.RawClient;
import io.wsedge.testsupport.RawClient.Frame;
import io.wsedge.testsupport.RawUpstream;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults and floods: half-open connections, an upstream that never answers a close, and nothing the edge
 * acknowledged lost before a close.
 */
@ExtendWith(NoLeaks.class)
class FaultIntegrationTests {

	private static TestUpstream upstream;

	private static RawUpstream rawUpstream;

	private static EdgeApp edge;

	@BeforeAll
	static void start() throws IOException {
		upstream = TestUpstream.start();
		rawUpstream = new RawUpstream();
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("wsedge.limits.ping-interval", "0s");
		properties.put("wsedge.limits.handshake-timeout", "1s");
		properties.put("wsedge.routes[0].id", "echo");
		properties.put("wsedge.routes[0].path", "/ws/echo");
		properties.put("wsedge.routes[0].upstream", upstream.uri("/echo").toString());
		properties.put("wsedge.routes[1].id", "commands");
		properties.put("wsedge.routes[1].path", "/ws/commands");
		properties.put("wsedge.routes[1].upstream", upstream.uri("/commands").toString());
		properties.put("wsedge.routes[2].id", "raw");
		properties.put("wsedge.routes[2].path", "/ws/raw");
		properties.put("wsedge.routes[2].upstream", "ws://127.0.0.1:" + rawUpstream.port() + "/raw");
		properties.put("wsedge.routes[2].limits.close-timeout", "500ms");
		edge = EdgeApp.start(properties);
	}

	@AfterAll
	static void stop() throws IOException {
		edge.close();
		upstream.close();
		rawUpstream.close();
	}

	@Test
	void thousandsOfHalfOpenConnectionsAreDroppedWhileOthersAreServed() throws Exception {
		List<Socket> idle = new ArrayList<>();
		try {
			for (int i = 0; i < 2000; i++) {
				Socket socket = new Socket();
				socket.connect(new InetSocketAddress("127.0.0.1", edge.port()), 5000);
				socket.setSoTimeout(10_000);
				idle.add(socket);
			}
			TestClient client = TestClient.connect(edge.ws("/ws/echo"));
			client.send("served");
			assertThat(client.nextText()).isEqualTo("served");
			client.close(1000, "");
			// Every one of them is dropped by the handshake timeout.
			for (Socket socket : idle) {
				assertThat(socket.getInputStream().read()).isEqualTo(-1);
			}
		}
		finally {
			for (Socket socket : idle) {
				socket.close();
			}
		}
	}

	@Test
	void messagesSentBeforeACloseAllArriveBeforeIt() throws Exception {
		try (RawClient client = RawClient.connect(edge.port(), "/ws/echo?t=burst", 0)) {
			// 200 messages and a close frame in one write: all of it reaches the edge at once.
			ByteArrayOutputStream burst = new ByteArrayOutputStream();
			for (int i = 0; i < 200; i++) {
				burst.write(maskedText("m" + i));
			}
			burst.write(maskedClose(4000, "after the burst"));
			client.socket().getOutputStream().write(burst.toByteArray());
			TestUpstream.Session atUpstream = upstream.session("t=burst");
			for (int i = 0; i < 200; i++) {
				assertThat(atUpstream.nextMessage().asText()).isEqualTo("m" + i);
			}
			WebSocketCloseStatus close = atUpstream.awaitClose();
			assertThat(close.code()).isEqualTo(4000);
		}
	}

	@Test
	void upstreamMessagesBeforeItsCloseAllReachTheClient() throws Exception {
		TestClient client = TestClient.connect(edge.ws("/ws/commands"));
		client.send("send 300 100");
		client.send("close 4002 done");
		for (int i = 0; i < 300; i++) {
			assertThat(client.nextText()).startsWith(i + ":");
		}
		assertThat(client.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(4002);
	}

	@Test
	void upstreamThatNeverAnswersACloseIsCutAfterTheCloseTimeout() throws Exception {
		try (RawClient client = RawClient.connect(edge.port(), "/ws/raw?t=mute", 0);
				RawUpstream.Connection atUpstream = rawUpstream.accept()) {
			client.sendClose(1000, "bye");
			Frame forwarded = atUpstream.readFrame();
			assertThat(forwarded.opcode()).isEqualTo(0x8);
			assertThat(forwarded.closeCode()).isEqualTo(1000);
			// The upstream stays silent; after the route's 500 ms the edge answers the client itself.
			long started = System.nanoTime();
			Frame answer = client.readUntilClose();
			assertThat(answer.closeCode()).isEqualTo(1000);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
			assertThat(client.awaitEndOfStream()).isTrue();
		}
		edge.awaitNoSessions();
	}

	private static byte[] maskedText(String text) {
		return masked(0x81, text.getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] maskedClose(int code, String reason) {
		byte[] text = reason.getBytes(StandardCharsets.UTF_8);
		byte[] payload = new byte[text.length + 2];
		payload[0] = (byte) (code >>> 8);
		payload[1] = (byte) code;
		System.arraycopy(text, 0, payload, 2, text.length);
		return masked(0x88, payload);
	}

	private static byte[] masked(int first, byte[] payload) {
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		byte[] frame = new byte[2 + 4 + payload.length];
		frame[0] = (byte) first;
		frame[1] = (byte) (0x80 | payload.length);
		System.arraycopy(mask, 0, frame, 2, 4);
		for (int i = 0; i < payload.length; i++) {
			frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
		}
		return frame;
	}

}
