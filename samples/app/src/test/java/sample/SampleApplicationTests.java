package sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application started as a user starts it, with the README's route pointed at a real upstream (a
 * Reactor Netty echo server), and a client that is not ours (the JDK's WebSocket client). The same tests run
 * for every sample build; {@code sample.stack} (set by each build's pom) says which stack the starter must
 * have brought.
 */
class SampleApplicationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	// The upstream's own event loop: closing a WebFlux application disposes Reactor Netty's global resources,
	// which would take an upstream on them down with the first test's application.
	private static final LoopResources UPSTREAM_LOOP = LoopResources.create("sample-upstream", 1, true);

	private static DisposableServer upstream;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

	private ConfigurableApplicationContext context;

	private int port;

	@BeforeAll
	static void startUpstream() {
		upstream = HttpServer.create()
			.runOn(UPSTREAM_LOOP)
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> response.sendWebsocket(
					(in, out) -> out.sendString(in.aggregateFrames().receive().asString())))
			.bindNow(TIMEOUT);
	}

	@AfterAll
	static void stopUpstream() {
		upstream.disposeNow(TIMEOUT);
		UPSTREAM_LOOP.disposeLater().block(TIMEOUT);
	}

	@BeforeEach
	void startApplication() {
		// A list from the command line replaces application.yml's whole list, so the route is given again
		// here, with the test upstream's address.
		this.context = SpringApplication.run(SampleApplication.class, "--server.port=0",
				"--management.endpoints.web.exposure.include=health,metrics", "--wsedge.routes[0].id=chat",
				"--wsedge.routes[0].path=/ws/chat/**",
				"--wsedge.routes[0].upstream=ws://127.0.0.1:" + upstream.port() + "/ws");
		this.port = Integer.parseInt(this.context.getEnvironment().getProperty("local.server.port"));
	}

	@AfterEach
	void stopApplication() {
		this.context.close();
	}

	@Test
	void starterBringsOnlyItsOwnStack() {
		boolean webFlux = ClassUtils.isPresent("org.springframework.web.reactive.DispatcherHandler", null);
		boolean mvc = ClassUtils.isPresent("org.springframework.web.servlet.DispatcherServlet", null);
		if ("servlet".equals(System.getProperty("sample.stack"))) {
			assertThat(mvc).as("Spring MVC").isTrue();
			assertThat(webFlux).as("WebFlux on an MVC application's class path").isFalse();
			assertThat(this.context.getClass().getName()).contains("Servlet");
		}
		else {
			assertThat(webFlux).as("WebFlux").isTrue();
			assertThat(mvc).as("Spring MVC on a WebFlux application's class path").isFalse();
			assertThat(this.context.getClass().getName()).contains("Reactive");
		}
	}

	@Test
	void actuatorServesHealthAndTheEdgesMetrics() throws Exception {
		HttpResponse<String> health = get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"UP\"");
		HttpResponse<String> metrics = get("/actuator/metrics");
		assertThat(metrics.statusCode()).isEqualTo(200);
		assertThat(metrics.body()).contains("wsedge.");
	}

	@Test
	void routeRelaysAMessageToTheUpstreamAndBack() throws Exception {
		CompletableFuture<String> reply = new CompletableFuture<>();
		CompletableFuture<Integer> closed = new CompletableFuture<>();
		WebSocket socket = this.http.newWebSocketBuilder()
			.connectTimeout(TIMEOUT)
			.buildAsync(URI.create("ws://localhost:" + this.port + "/ws/chat/lobby"), new WebSocket.Listener() {

				private final StringBuilder text = new StringBuilder();

				@Override
				public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
					this.text.append(data);
					if (last) {
						reply.complete(this.text.toString());
					}
					webSocket.request(1);
					return null;
				}

				@Override
				public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
					closed.complete(statusCode);
					return null;
				}

			})
			.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		socket.sendText("hello through the edge", true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("hello through the edge");
		socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
	}

	private HttpResponse<String> get(String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.timeout(TIMEOUT)
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
