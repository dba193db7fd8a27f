package io.wsedge.demo;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.wsedge.api.CloseInitiator;
import io.wsedge.api.FrameType;
import io.wsedge.api.SessionSummary;
import io.wsedge.test.ChainRunner;
import io.wsedge.test.ChainRunner.Outcome;
import io.wsedge.test.UpgradeRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's example interceptors on the test kit ({@code wsedge-test}), as a user tests their own: the
 * edge's engine without a server, a network or a Spring context. The same interceptors in the running demo are
 * in {@link DemoInterceptorsIntegrationTests}.
 */
class DemoInterceptorsTests {

	// The private route as application.yml has it.
	private final UpgradeRunner privateRoute = UpgradeRunner.builder()
		.routeId("private")
		.upstream("ws://127.0.0.1:9090/private")
		.interceptors(new ApiKeyUpgradeInterceptor("demo-key"))
		.build();

	@Test
	void upgradeWithoutTheApiKeyIsRejectedWith401() {
		UpgradeRunner.Outcome outcome = this.privateRoute.request("/ws/private").run();
		assertThat(outcome.status()).isEqualTo(401);
		assertThat(outcome.reason()).contains("API key");
	}

	@Test
	void upgradeWithAWrongApiKeyIsRejectedWith401() {
		assertThat(this.privateRoute.request("/ws/private?api_key=guess").run().status()).isEqualTo(401);
		assertThat(this.privateRoute.request("/ws/private").header("X-Api-Key", "guess").run().status())
			.isEqualTo(401);
	}

	@Test
	void apiKeyInTheHeaderIsNotPassedOnAndTheUpstreamLearnsTheClient() {
		UpgradeRunner.Outcome outcome = this.privateRoute.request("/ws/private").header("X-Api-Key", "demo-key").run();
		assertThat(outcome.accepted()).isTrue();
		assertThat(outcome.upstreamUri()).isEqualTo(URI.create("ws://127.0.0.1:9090/private"));
		assertThat(outcome.upstreamHeaders().containsHeader("X-Api-Key")).isFalse();
		assertThat(outcome.upstreamHeaders().getFirst(EmbeddedUpstream.AUTHENTICATED_CLIENT)).isEqualTo("demo");
		assertThat(outcome.attributes()).containsEntry("client", "demo");
	}

	@Test
	void apiKeyInTheQueryIsAcceptedForBrowsers() {
		UpgradeRunner.Outcome outcome = this.privateRoute.request("/ws/private?api_key=demo-key").run();
		assertThat(outcome.accepted()).isTrue();
		assertThat(outcome.upstreamUri().getQuery()).isEqualTo("api_key=demo-key");
	}

	@Test
	void redactorMasksCardNumbersFromTheUpstreamKeepingTheLastFour() {
		try (ChainRunner runner = ChainRunner.builder().upstreamInterceptors(new CardNumberRedactor()).build()) {
			assertThat(runner.fromUpstream().text("pay with 4111 1111 1111 1234").text())
				.isEqualTo("pay with **** **** **** 1234");
			assertThat(runner.fromUpstream().text("or 4111-1111-1111-9876 or 4111111111115678").text())
				.isEqualTo("or **** **** **** 9876 or **** **** **** 5678");
			Outcome plain = runner.fromUpstream().text("order 1234 shipped");
			assertThat(plain.text()).isEqualTo("order 1234 shipped");
			byte[] binary = "4111 1111 1111 1234".getBytes(StandardCharsets.US_ASCII);
			Outcome untouched = runner.fromUpstream().binary(binary);
			assertThat(untouched.type()).isEqualTo(FrameType.BINARY);
			assertThat(untouched.payload()).isEqualTo(binary);
		}
	}

	@Test
	void chatDropsAValidTokenThenForwardsTheConversation() {
		try (ChainRunner runner = chat()) {
			Outcome token = runner.fromClient().text("{\"token\":\"demo-token\"}");
			assertThat(token.dropped()).isTrue();
			assertThat(token.forwarded()).isFalse();
			assertThat(runner.session().attributes()).containsEntry("demo.authenticated", true);
			assertThat(runner.fromClient().text("{\"text\":\"hello\"}").text()).isEqualTo("{\"text\":\"hello\"}");
			// The upstream's messages are not the client's to authenticate.
			assertThat(runner.fromUpstream().text("not json").forwarded()).isTrue();
			// JSON is the route's built-in validation, which runs before the chain (DemoInterceptorsIntegrationTests).
		}
	}

	@Test
	void chatClosesAWrongTokenWithPolicyViolation() {
		try (ChainRunner runner = chat()) {
			Outcome wrong = runner.fromClient().text("{\"token\":\"guess\"}");
			assertThat(wrong.closed()).isTrue();
			assertThat(wrong.clientCloseStatus()).isEqualTo(1008);
			assertThat(wrong.clientCloseReason()).isEqualTo("authentication failed");
			assertThat(wrong.upstreamCloseStatus()).isEqualTo(1001);
			assertThat(wrong.upstreamCloseReason()).isEqualTo("client failed authentication");
			SessionSummary summary = runner.finishClosingHandshake();
			assertThat(summary.closedBy()).isEqualTo(CloseInitiator.EDGE);
			assertThat(summary.clientCloseStatus()).isEqualTo(1008);
		}
	}

	@Test
	void chatClosesAFirstMessageThatIsNotAToken() {
		try (ChainRunner runner = chat()) {
			assertThat(runner.fromClient().binary(new byte[] { 1 }).clientCloseStatus()).isEqualTo(1008);
		}
		try (ChainRunner runner = chat()) {
			assertThat(runner.fromClient().text("{\"text\":\"hello\"}").clientCloseStatus()).isEqualTo(1008);
		}
	}

	@Test
	void chatLetsControlFramesThroughBeforeTheToken() {
		try (ChainRunner runner = chat()) {
			assertThat(runner.fromClient().ping(new byte[] { 7 }).type()).isEqualTo(FrameType.PING);
		}
	}

	/** The chat route's client chain, in the order of the beans' {@code @Order}. */
	private static ChainRunner chat() {
		return ChainRunner.builder()
			.routeId("chat")
			.clientInterceptors(new FirstMessageAuthInterceptor("demo-token"))
			.upstreamInterceptors(new CardNumberRedactor())
			.build();
	}

}
