package io.wsedge.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The README's two commands: two instances of the demo with the cluster profile against one Redis (a
 * redis-server of this test's own), where the cap of 3 sessions per client holds across both.
 */
class DemoClusterTests {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private static Process redis;

	private static final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	@BeforeAll
	static void start() throws Exception {
		int redisPort = freePort();
		redis = new ProcessBuilder("redis-server", "--port", Integer.toString(redisPort), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", "no").redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.redirectErrorStream(true)
			.start();
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!listening(redisPort)) {
			assertThat(System.nanoTime()).as("redis-server listens").isLessThan(deadline);
			Thread.sleep(20);
		}
		for (int i = 0; i < 2; i++) {
			// As the README's second command: its ports given on the command line.
			instances.add(new SpringApplicationBuilder(DemoApplication.class).profiles("cluster")
				.run("--server.port=0", "--server.address=127.0.0.1", "--management.server.port=0",
						"--demo.upstream.port=" + freePort(), "--spring.data.redis.port=" + redisPort));
		}
	}

	@AfterAll
	static void stop() throws InterruptedException {
		instances.forEach(ConfigurableApplicationContext::close);
		if (redis != null) {
			redis.destroyForcibly();
			redis.waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void theCapOfThreeSessionsPerClientHoldsAcrossTwoInstances() throws Exception {
		List<WebSocket> sessions = new ArrayList<>();
		sessions.add(connect(0));
		sessions.add(connect(1));
		sessions.add(connect(0));
		assertThat(refusedStatus(1)).isEqualTo(429);
		assertThat(refusedStatus(0)).isEqualTo(429);
		for (WebSocket session : sessions) {
			session.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
		}
	}

	private static URI echo(int instance) {
		return URI.create("ws://127.0.0.1:"
				+ instances.get(instance).getEnvironment().getProperty("local.server.port") + "/ws/echo");
	}

	private static WebSocket connect(int instance) throws Exception {
		return HTTP.newWebSocketBuilder().buildAsync(echo(instance), new WebSocket.Listener() {
		}).get(10, TimeUnit.SECONDS);
	}

	private static int refusedStatus(int instance) throws InterruptedException {
		try {
			HTTP.newWebSocketBuilder().buildAsync(echo(instance), new WebSocket.Listener() {
			}).get(10, TimeUnit.SECONDS).abort();
			return fail("The upgrade was accepted");
		}
		catch (ExecutionException | CompletionException ex) {
			if (ex.getCause() instanceof WebSocketHandshakeException refused) {
				return refused.getResponse().statusCode();
			}
			throw new AssertionError(ex);
		}
		catch (java.util.concurrent.TimeoutException ex) {
			throw new AssertionError(ex);
		}
	}

	private static boolean listening(int port) {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
