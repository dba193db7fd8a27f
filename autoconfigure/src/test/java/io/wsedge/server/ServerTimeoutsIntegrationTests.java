package io.wsedge.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.RawClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server-side timeouts on every request of a connection, not only the first: a connection that stops half-way
 * through a later request, and a keep-alive connection left idle, are dropped at the handshake timeout on
 * both stacks, while an upgraded connection is subject to neither. On the reactive stack a long
 * {@code server.netty.idle-timeout} is set, so that what drops the connections is the edge's own per-request
 * timer and not Reactor Netty's idle timeout.
 */
class ServerTimeoutsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	/** Generous: two cores are shared with other builds. */
	private static final Duration MARGIN = Duration.ofSeconds(3);

	private static final Map<Stack, EdgeApp> edges = new EnumMap<>(Stack.class);

	private static TestUpstream upstream;

	@BeforeAll
	static void start() {
		upstream = TestUpstream.start();
		for (Stack stack : Stack.values()) {
			Map<String, String> properties = new LinkedHashMap<>();
			properties.put("wsedge.routes[0].id", "echo");
			properties.put("wsedge.routes[0].path", "/ws/echo");
			properties.put("wsedge.routes[0].upstream", upstream.uri("/echo").toString());
			properties.put("wsedge.limits.handshake-timeout", TIMEOUT.toMillis() + "ms");
			if (stack == Stack.REACTIVE) {
				properties.put("server.netty.idle-timeout", "1m");
			}
			edges.put(stack, EdgeApp.start(stack, properties));
		}
	}

	@AfterAll
	static void stop() {
		edges.values().forEach(EdgeApp::close);
		if (upstream != null) {
			upstream.close();
		}
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void aConnectionThatStopsHalfWayThroughItsSecondRequestIsDropped(Stack stack) throws IOException {
		try (Socket socket = connect(edges.get(stack))) {
			completeRequest(socket);
			send(socket, "GET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nAcc");
			assertDroppedWithinTheTimeout(socket);
		}
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void anIdleKeepAliveConnectionIsDropped(Stack stack) throws IOException {
		try (Socket socket = connect(edges.get(stack))) {
			completeRequest(socket);
			assertDroppedWithinTheTimeout(socket);
		}
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void aWebSocketSessionOutlivesTheTimeouts(Stack stack) throws Exception {
		try (RawClient client = RawClient.connect(edges.get(stack).port(), "/ws/echo", 0)) {
			assertThat(client.status()).isEqualTo(101);
			Thread.sleep(TIMEOUT.multipliedBy(2).toMillis());
			client.sendText("still here");
			assertThat(client.readMessage().text()).isEqualTo("still here");
			client.sendClose(1000, "");
			assertThat(client.readUntilClose().closeCode()).isEqualTo(1000);
		}
	}

	private static Socket connect(EdgeApp edge) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", edge.port()), 5000);
		// Bounds every read below; longer than the timeout and its margin, so a connection left open fails.
		socket.setSoTimeout((int) TIMEOUT.plus(MARGIN).plusSeconds(5).toMillis());
		return socket;
	}

	/** A complete request and its whole response (HEAD: no body), leaving the connection alive. */
	private static void completeRequest(Socket socket) throws IOException {
		send(socket, "HEAD /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
		InputStream in = socket.getInputStream();
		String status = readLine(in);
		assertThat(status).startsWith("HTTP/1.1 404");
		for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
			assertThat(line.toLowerCase()).as("a keep-alive response").isNotEqualTo("connection: close");
		}
	}

	private static void assertDroppedWithinTheTimeout(Socket socket) throws IOException {
		long started = System.nanoTime();
		int read = socket.getInputStream().read();
		Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
		assertThat(read).as("end of stream").isEqualTo(-1);
		// Not before the timeout (less the time since the response went out): it is the timeout that drops it.
		assertThat(elapsed).isGreaterThan(TIMEOUT.dividedBy(2)).isLessThan(TIMEOUT.plus(MARGIN));
	}

	private static void send(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().flush();
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = in.read(); b != '\n'; b = in.read()) {
			if (b == -1) {
				throw new IOException("Connection closed in a response");
			}
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.ISO_8859_1);
	}

}
