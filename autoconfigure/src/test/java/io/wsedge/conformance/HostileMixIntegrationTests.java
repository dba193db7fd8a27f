package io.wsedge.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.wsedge.testsupport.EdgeProcess;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit's attacks at once against an edge with a 256 MB heap, while normal clients use it: every normal
 * message is delivered, every attacker is cut, the edge's live heap stays under a budget, and no session
 * outlives its timeouts.
 */
class HostileMixIntegrationTests {

	private static final int NORMAL_CLIENTS = 100;

	private static final int MESSAGES_PER_CLIENT = 20;

	private static final int ATTACKERS_PER_KIND = 4;

	/** The live heap (after collections) the edge may hold during the attack, of its 256 MB. */
	private static final long HEAP_BUDGET = 160L * 1024 * 1024;

	/** Direct memory the edge may hold during the attack. */
	private static final long DIRECT_BUDGET = 160L * 1024 * 1024;

	/** How long any attacker may keep its connection. */
	private static final Duration ATTACKER_CUT_WITHIN = Duration.ofSeconds(20);

	private static TestUpstream upstream;

	private static EdgeProcess edge;

	@BeforeAll
	static void start() throws IOException {
		upstream = TestUpstream.start();
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("wsedge.limits.ping-interval", "1s");
		properties.put("wsedge.limits.pong-timeout", "1s");
		properties.put("wsedge.limits.close-timeout", "1s");
		properties.put("wsedge.limits.idle-timeout", "5s");
		properties.put("wsedge.limits.handshake-timeout", "2s");
		properties.put("wsedge.routes[0].id", "echo");
		properties.put("wsedge.routes[0].path", "/ws/echo");
		properties.put("wsedge.routes[0].upstream", upstream.uri("/echo").toString());
		properties.put("wsedge.routes[0].interceptors.exclude", "inspector");
		properties.put("wsedge.routes[1].id", "inspected");
		properties.put("wsedge.routes[1].path", "/ws/inspected");
		properties.put("wsedge.routes[1].upstream", upstream.uri("/echo").toString());
		edge = EdgeProcess.start("256m", properties);
	}

	@AfterAll
	static void stop() {
		if (edge != null) {
			edge.close();
		}
		upstream.close();
	}

	@Test
	void normalClientsAreServedWhileAttackersAreCutAndMemoryStaysBounded() throws Exception {
		ExecutorService attackers = Executors.newFixedThreadPool(5 * ATTACKERS_PER_KIND);
		List<CompletableFuture<Duration>> attacks = new ArrayList<>();
		edge.resetMaxima();
		for (int i = 0; i < ATTACKERS_PER_KIND; i++) {
			attacks.add(attack(attackers, () -> fragmentFlood("/ws/inspected", new byte[0])));
			attacks.add(attack(attackers, () -> fragmentFlood("/ws/echo", new byte[] { 'a' })));
			attacks.add(attack(attackers, this::floodAndStopReading));
			attacks.add(attack(attackers, this::holdHalfAMessage));
			attacks.add(attack(attackers, this::halfARequest));
		}
		ExecutorService normal = Executors.newFixedThreadPool(20);
		List<CompletableFuture<Integer>> clients = new ArrayList<>();
		for (int i = 0; i < NORMAL_CLIENTS; i++) {
			int id = i;
			clients.add(CompletableFuture.supplyAsync(() -> chat(id), normal));
		}
		for (CompletableFuture<Integer> client : clients) {
			assertThat(client.get(120, TimeUnit.SECONDS)).isEqualTo(MESSAGES_PER_CLIENT);
		}
		for (CompletableFuture<Duration> attack : attacks) {
			assertThat(attack.get(60, TimeUnit.SECONDS)).isLessThan(ATTACKER_CUT_WITHIN);
		}
		normal.shutdownNow();
		attackers.shutdownNow();
		assertThat(edge.isAlive()).isTrue();
		// Idle, ping and close timeouts are a few seconds each; nothing may outlive them.
		edge.awaitNoSessions(Duration.ofSeconds(15));
		assertThat(edge.maxHeap()).as("live heap").isLessThan(HEAP_BUDGET);
		assertThat(edge.maxDirect()).as("direct memory").isLessThan(DIRECT_BUDGET);
	}

	/** A normal client: messages one at a time, each echoed before the next. */
	private int chat(int id) {
		TestClient client = TestClient.connect(ws("/ws/echo?normal=" + id));
		int echoed = 0;
		for (int i = 0; i < MESSAGES_PER_CLIENT; i++) {
			String message = id + ":" + i + ":" + "x".repeat(ThreadLocalRandom.current().nextInt(1, 2048));
			client.send(message);
			if (client.nextText().equals(message)) {
				echoed++;
			}
		}
		client.close(1000, "done");
		return echoed;
	}

	private interface Attack {

		void run() throws Exception;

	}

	/** Runs an attack; completes with how long the edge let the attacker's connection live. */
	private static CompletableFuture<Duration> attack(ExecutorService executor, Attack attack) {
		return CompletableFuture.supplyAsync(() -> {
			long started = System.nanoTime();
			try {
				attack.run();
			}
			catch (Exception ex) {
				// Resets and broken pipes are the edge cutting the attacker.
			}
			return Duration.ofNanos(System.nanoTime() - started);
		}, executor);
	}

	/** Continuation frames until the edge ends the connection (or 30 s pass, which fails the test). */
	private void fragmentFlood(String path, byte[] fragment) throws IOException {
		try (Socket socket = upgrade(path, 0)) {
			OutputStream out = socket.getOutputStream();
			out.write(frame(false, 0x1, fragment));
			byte[] batch = repeat(frame(false, 0x0, fragment), 10_000);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (System.nanoTime() < deadline) {
				out.write(batch);
			}
		}
	}

	/** Floods with a tiny receive window, then reads nothing and answers no ping. */
	private void floodAndStopReading() throws IOException {
		try (Socket socket = upgrade("/ws/echo", 4096)) {
			socket.setSendBufferSize(8192);
			OutputStream out = socket.getOutputStream();
			byte[] message = frame(true, 0x2, new byte[16 * 1024]);
			// A blocked write ends when the edge cuts the connection.
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (System.nanoTime() < deadline) {
				out.write(message);
			}
		}
	}

	/** Sends 900 KB of a fragmented message to a route that assembles it, then stalls. */
	private void holdHalfAMessage() throws IOException {
		try (Socket socket = upgrade("/ws/inspected", 0)) {
			OutputStream out = socket.getOutputStream();
			out.write(frame(false, 0x2, new byte[60_000]));
			for (int i = 0; i < 14; i++) {
				out.write(frame(false, 0x0, new byte[60_000]));
			}
			out.flush();
			awaitEnd(socket, 30);
		}
	}

	/** Half of an upgrade request, then nothing. */
	private void halfARequest() throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", edge.port()), 5000);
			socket.getOutputStream().write("GET /ws/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: webs"
				.getBytes(StandardCharsets.US_ASCII));
			awaitEnd(socket, 30);
		}
	}

	/** Reads and discards until the edge ends the connection, for at most {@code seconds}. */
	private static void awaitEnd(Socket socket, int seconds) throws IOException {
		socket.setSoTimeout(1000);
		InputStream in = socket.getInputStream();
		byte[] sink = new byte[8192];
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		while (System.nanoTime() < deadline) {
			try {
				if (in.read(sink) == -1) {
					return;
				}
			}
			catch (SocketTimeoutException ex) {
				// Still open.
			}
		}
	}

	private static Socket upgrade(String path, int receiveBuffer) throws IOException {
		Socket socket = new Socket();
		if (receiveBuffer > 0) {
			socket.setReceiveBufferSize(receiveBuffer);
		}
		socket.connect(new InetSocketAddress("127.0.0.1", edge.port()), 5000);
		socket.setSoTimeout(10_000);
		byte[] nonce = new byte[16];
		ThreadLocalRandom.current().nextBytes(nonce);
		String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
				+ "\r\nSec-WebSocket-Version: 13\r\n\r\n";
		socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
		InputStream in = socket.getInputStream();
		// The response ends with an empty line.
		int matched = 0;
		while (matched < 4) {
			int b = in.read();
			if (b == -1) {
				throw new IOException("No upgrade");
			}
			matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r') ? 1 : 0;
		}
		return socket;
	}

	private static byte[] repeat(byte[] frame, int count) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(frame.length * count);
		for (int i = 0; i < count; i++) {
			out.writeBytes(frame);
		}
		return out.toByteArray();
	}

	/** A masked frame. */
	private static byte[] frame(boolean fin, int opcode, byte[] payload) {
		ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
		frame.write((fin ? 0x80 : 0) | opcode);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else if (payload.length < 65536) {
			frame.write(0x80 | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length);
		}
		else {
			frame.write(0x80 | 127);
			for (int shift = 56; shift >= 0; shift -= 8) {
				frame.write((int) ((long) payload.length >>> shift));
			}
		}
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		frame.writeBytes(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i & 3]);
		}
		return frame.toByteArray();
	}

	private static java.net.URI ws(String pathAndQuery) {
		return java.net.URI.create("ws://127.0.0.1:" + edge.port() + pathAndQuery);
	}

}
