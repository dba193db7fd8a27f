package io.wsedge.test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.api.FrameType;
import io.wsedge.api.UpstreamFrameInterceptor;
import io.wsedge.test.ChainRunner.Outcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The test kit users get: interceptors run through the real engine without a network.
 */
class ChainRunnerTests {

	@Test
	void unchangedMessageIsForwarded() {
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors((frame) -> {
		}).build()) {
			Outcome outcome = runner.fromClient().text("hello");
			assertThat(outcome.isForwarded()).isTrue();
			assertThat(outcome.forwardedText()).isEqualTo("hello");
			assertThat(outcome.dropped()).isFalse();
			assertThat(outcome.isClosed()).isFalse();
		}
	}

	@Test
	void rewrittenMessageIsForwardedRewritten() {
		ClientFrameInterceptor upper = (frame) -> frame.setPayload(frame.text().toUpperCase());
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(upper).build()) {
			assertThat(runner.fromClient().text("hello").forwardedText()).isEqualTo("HELLO");
		}
	}

	@Test
	void droppedMessageIsReportedAsDropped() {
		ClientFrameInterceptor dropPings = (frame) -> {
			if (frame.type() == FrameType.TEXT && frame.text().equals("ping")) {
				frame.drop();
			}
		};
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(dropPings).build()) {
			Outcome dropped = runner.fromClient().text("ping");
			assertThat(dropped.dropped()).isTrue();
			assertThat(dropped.isForwarded()).isFalse();
			assertThat(runner.fromClient().text("data").forwardedText()).isEqualTo("data");
		}
	}

	@Test
	void closeIsReportedWithEachSidesCode() {
		ClientFrameInterceptor auth = (frame) -> frame.close(1008, "bad token", 1001, "client rejected");
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(auth).build()) {
			Outcome outcome = runner.fromClient().text("token=wrong");
			assertThat(outcome.isClosed()).isTrue();
			assertThat(outcome.clientClose().closeStatus()).isEqualTo(1008);
			assertThat(outcome.clientClose().text()).isEqualTo("bad token");
			assertThat(outcome.upstreamClose().closeStatus()).isEqualTo(1001);
			assertThat(runner.isClosed()).isTrue();
			assertThatIllegalStateException().isThrownBy(() -> runner.fromClient().text("more"));
		}
	}

	@Test
	void interceptorsRunInTheGivenOrder() {
		ClientFrameInterceptor a = (frame) -> frame.setPayload(frame.text() + "a");
		ClientFrameInterceptor b = (frame) -> frame.setPayload(frame.text() + "b");
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(b, a).build()) {
			assertThat(runner.fromClient().text("x").forwardedText()).isEqualTo("xba");
		}
	}

	@Test
	void upstreamInterceptorsSeeUpstreamMessagesOnly() {
		UpstreamFrameInterceptor redact = (frame) -> frame.setPayload(frame.text().replace("4111", "****"));
		try (ChainRunner runner = ChainRunner.builder().upstreamInterceptors(redact).build()) {
			assertThat(runner.fromUpstream().text("card 4111").forwardedText()).isEqualTo("card ****");
			assertThat(runner.fromClient().text("card 4111").forwardedText()).isEqualTo("card 4111");
		}
	}

	@Test
	void deferredInterceptorIsWaitedForAndOrderKept() {
		List<String> order = new ArrayList<>();
		ClientFrameInterceptor slowFirst = (frame) -> {
			if (frame.text().equals("first")) {
				frame.defer(CompletableFuture.runAsync(() -> order.add("lookup done"),
						CompletableFuture.delayedExecutor(30, TimeUnit.MILLISECONDS)));
			}
		};
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(slowFirst).build()) {
			assertThat(runner.fromClient().text("first").forwardedText()).isEqualTo("first");
			assertThat(order).containsExactly("lookup done");
			assertThat(runner.fromClient().text("second").forwardedText()).isEqualTo("second");
		}
	}

	@Test
	void dropDecidedWhenADeferredStageCompletesSkipsLaterInterceptors() {
		List<String> ran = new ArrayList<>();
		ClientFrameInterceptor lookup = (frame) -> {
			java.util.concurrent.CompletableFuture<Void> pending = new java.util.concurrent.CompletableFuture<>();
			CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS).execute(() -> {
				frame.drop();
				pending.complete(null);
			});
			frame.defer(pending);
		};
		ClientFrameInterceptor later = (frame) -> ran.add(frame.text());
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(lookup, later).build()) {
			Outcome outcome = runner.fromClient().text("x");
			assertThat(outcome.dropped()).isTrue();
			assertThat(outcome.isForwarded()).isFalse();
			assertThat(ran).isEmpty();
		}
	}

	@Test
	void throwingInterceptorClosesWithTheInterceptorErrorCodes() {
		ClientFrameInterceptor broken = (frame) -> {
			throw new IllegalStateException("broken on purpose");
		};
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(broken).build()) {
			Outcome outcome = runner.fromClient().text("x");
			assertThat(outcome.clientClose().closeStatus()).isEqualTo(1011);
			assertThat(outcome.upstreamClose().closeStatus()).isEqualTo(1001);
		}
	}

	@Test
	void payloadLimitClosesTheSenderWith1009() {
		try (ChainRunner runner = ChainRunner.builder().maxPayloadSize(10).build()) {
			Outcome outcome = runner.fromClient().fragmentedText("123456", "7890x");
			assertThat(outcome.clientClose().closeStatus()).isEqualTo(1009);
			assertThat(outcome.upstreamClose().closeStatus()).isEqualTo(1001);
		}
	}

	@Test
	void unchangedFragmentedMessageKeepsItsFragments() {
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors((frame) -> {
		}).build()) {
			Outcome outcome = runner.fromClient().fragmentedText("ab", "cd", "ef");
			assertThat(outcome.forwarded()).hasSize(3);
			assertThat(outcome.forwardedText()).isEqualTo("abcdef");
		}
	}

	@Test
	void closeFrameIsForwardedWithTheStatusAnInterceptorSet() {
		ClientFrameInterceptor normalize = (frame) -> {
			if (frame.type() == FrameType.CLOSE && frame.closeStatus() >= 4000) {
				frame.setCloseStatus(1000);
			}
		};
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(normalize).build()) {
			Outcome outcome = runner.fromClient().close(4321, "custom");
			assertThat(outcome.upstreamClose().closeStatus()).isEqualTo(1000);
			assertThat(outcome.upstreamClose().text()).isEqualTo("custom");
		}
	}

	@Test
	void sessionCarriesHandshakeDetailsAndAttributes() {
		ClientFrameInterceptor echoSession = (frame) -> frame.setPayload(frame.session().routeId() + ","
				+ frame.session().handshakeHeaders().getFirst("X-Api-Key") + ","
				+ frame.session().attributes().get("user") + "," + frame.session().subprotocol().orElse("none"));
		try (ChainRunner runner = ChainRunner.builder()
			.routeId("chat")
			.handshakeHeader("X-Api-Key", "k1")
			.attribute("user", "alice")
			.subprotocol("chat.v2")
			.clientInterceptors(echoSession)
			.build()) {
			assertThat(runner.fromClient().text("?").forwardedText()).isEqualTo("chat,k1,alice,chat.v2");
		}
	}

	@Test
	void binaryAndControlFramesKeepTheirTypes() {
		try (ChainRunner runner = ChainRunner.builder().build()) {
			Outcome binary = runner.fromClient().binary(new byte[] { 1, 2 });
			assertThat(binary.forwarded().get(0).type()).isEqualTo(FrameType.BINARY);
			Outcome ping = runner.fromClient().ping("p".getBytes(StandardCharsets.UTF_8));
			assertThat(ping.forwarded().get(0).type()).isEqualTo(FrameType.PING);
			Outcome pong = runner.fromUpstream().pong("p".getBytes(StandardCharsets.UTF_8));
			assertThat(pong.forwarded().get(0).type()).isEqualTo(FrameType.PONG);
		}
	}

}
