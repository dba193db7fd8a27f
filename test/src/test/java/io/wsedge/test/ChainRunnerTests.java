package io.wsedge.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.api.CloseInitiator;
import io.wsedge.api.FrameType;
import io.wsedge.api.SessionEndListener;
import io.wsedge.api.SessionSummary;
import io.wsedge.api.UpstreamFrameInterceptor;
import io.wsedge.test.ChainRunner.Outcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The test kit on frame interceptors and session-end listeners: each verb's outcome as the real engine
 * decides it, and sessions that end as real ones do.
 */
class ChainRunnerTests {

	@Test
	void unchangedMessageIsForwarded() {
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors((frame) -> {
		}).build()) {
			Outcome outcome = runner.fromClient().text("hello");
			assertThat(outcome.forwarded()).isTrue();
			assertThat(outcome.text()).isEqualTo("hello");
			assertThat(outcome.dropped()).isFalse();
			assertThat(outcome.closed()).isFalse();
		}
	}

	@Test
	void rewrittenMessageIsForwardedRewritten() {
		ClientFrameInterceptor upper = (frame) -> frame.setPayload(frame.text().toUpperCase());
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(upper).build()) {
			assertThat(runner.fromClient().text("hello").text()).isEqualTo("HELLO");
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
			assertThat(dropped.forwarded()).isFalse();
			assertThat(runner.fromClient().text("data").text()).isEqualTo("data");
		}
	}

	@Test
	void closeIsReportedWithEachSidesCode() {
		ClientFrameInterceptor auth = (frame) -> frame.close(1008, "bad token", 1001, "client rejected");
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(auth).build()) {
			Outcome outcome = runner.fromClient().text("token=wrong");
			assertThat(outcome.closed()).isTrue();
			assertThat(outcome.forwarded()).isFalse();
			assertThat(outcome.clientCloseStatus()).isEqualTo(1008);
			assertThat(outcome.clientCloseReason()).isEqualTo("bad token");
			assertThat(outcome.upstreamCloseStatus()).isEqualTo(1001);
			assertThat(outcome.upstreamCloseReason()).isEqualTo("client rejected");
			assertThat(runner.isClosed()).isTrue();
			Outcome late = runner.fromClient().text("more");
			assertThat(late.forwarded()).isFalse();
			assertThat(late.closed()).isFalse();
		}
	}

	@Test
	void interceptorsRunInTheGivenOrder() {
		ClientFrameInterceptor a = (frame) -> frame.setPayload(frame.text() + "a");
		ClientFrameInterceptor b = (frame) -> frame.setPayload(frame.text() + "b");
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(b, a).build()) {
			assertThat(runner.fromClient().text("x").text()).isEqualTo("xba");
		}
	}

	@Test
	void upstreamInterceptorsSeeUpstreamMessagesOnly() {
		UpstreamFrameInterceptor redact = (frame) -> frame.setPayload(frame.text().replace("4111", "****"));
		try (ChainRunner runner = ChainRunner.builder().upstreamInterceptors(redact).build()) {
			assertThat(runner.fromUpstream().text("card 4111").text()).isEqualTo("card ****");
			assertThat(runner.fromClient().text("card 4111").text()).isEqualTo("card 4111");
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
			assertThat(runner.fromClient().text("first").text()).isEqualTo("first");
			assertThat(order).containsExactly("lookup done");
			assertThat(runner.fromClient().text("second").text()).isEqualTo("second");
		}
	}

	@Test
	void dropDecidedWhenADeferredStageCompletesSkipsLaterInterceptors() {
		List<String> ran = new ArrayList<>();
		ClientFrameInterceptor lookup = (frame) -> {
			CompletableFuture<Void> pending = new CompletableFuture<>();
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
			assertThat(outcome.forwarded()).isFalse();
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
			assertThat(outcome.clientCloseStatus()).isEqualTo(1011);
			assertThat(outcome.upstreamCloseStatus()).isEqualTo(1001);
		}
	}

	@Test
	void payloadLimitClosesTheSenderWith1009() {
		try (ChainRunner runner = ChainRunner.builder().maxPayloadSize(10).build()) {
			Outcome outcome = runner.fromClient().fragmentedText("123456", "7890x");
			assertThat(outcome.clientCloseStatus()).isEqualTo(1009);
			assertThat(outcome.upstreamCloseStatus()).isEqualTo(1001);
		}
	}

	@Test
	void unchangedFragmentedMessageKeepsItsFragments() {
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors((frame) -> {
		}).build()) {
			Outcome outcome = runner.fromClient().fragmentedText("ab", "cd", "ef");
			assertThat(outcome.frames()).hasSize(3);
			assertThat(outcome.text()).isEqualTo("abcdef");
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
			assertThat(outcome.upstreamCloseStatus()).isEqualTo(1000);
			assertThat(outcome.upstreamCloseReason()).isEqualTo("custom");
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
			assertThat(runner.fromClient().text("?").text()).isEqualTo("chat,k1,alice,chat.v2");
		}
	}

	@Test
	void binaryAndControlFramesKeepTheirTypes() {
		try (ChainRunner runner = ChainRunner.builder().build()) {
			Outcome binary = runner.fromClient().binary(new byte[] { 1, 2 });
			assertThat(binary.type()).isEqualTo(FrameType.BINARY);
			Outcome ping = runner.fromClient().ping("p".getBytes(StandardCharsets.UTF_8));
			assertThat(ping.type()).isEqualTo(FrameType.PING);
			Outcome pong = runner.fromUpstream().pong("p".getBytes(StandardCharsets.UTF_8));
			assertThat(pong.type()).isEqualTo(FrameType.PONG);
		}
	}

	@Test
	void deferredAndMaxPayloadSizeAreReportedAsSet() {
		ClientFrameInterceptor tighten = (frame) -> {
			if (frame.text().equals("login")) {
				frame.setMaxPayloadSize(4);
				frame.defer(CompletableFuture.supplyAsync(() -> "user",
						CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS)));
			}
		};
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(tighten).build()) {
			Outcome login = runner.fromClient().text("login");
			assertThat(login.forwarded()).isTrue();
			assertThat(login.deferred()).isTrue();
			assertThat(login.maxPayloadSize()).hasValue(4);
			Outcome small = runner.fromClient().text("1234");
			assertThat(small.deferred()).isFalse();
			assertThat(small.maxPayloadSize()).isEmpty();
			Outcome tooBig = runner.fromClient().text("12345");
			assertThat(tooBig.closed()).isTrue();
			assertThat(tooBig.clientCloseStatus()).isEqualTo(1009);
			assertThat(tooBig.upstreamCloseStatus()).isEqualTo(1001);
		}
	}

	@Test
	void closeFrameIsForwardedAndItsAnswerReturned() {
		try (ChainRunner runner = ChainRunner.builder().build()) {
			Outcome close = runner.fromClient().close(1000, "bye");
			assertThat(close.forwarded()).isTrue();
			assertThat(close.closed()).isFalse();
			assertThat(close.type()).isEqualTo(FrameType.CLOSE);
			assertThat(close.closeStatus()).isEqualTo(1000);
			assertThat(close.closeReason()).isEqualTo("bye");
			assertThat(close.clientClosed()).isFalse();
			Outcome answer = runner.fromUpstream().close(1000, "bye too");
			assertThat(answer.forwarded()).isTrue();
			assertThat(answer.clientCloseStatus()).isEqualTo(1000);
			assertThat(answer.clientCloseReason()).isEqualTo("bye too");
			assertThat(runner.isEnded()).isTrue();
		}
	}

	@Test
	void closeFrameWithoutStatusIsForwardedAs1005() {
		try (ChainRunner runner = ChainRunner.builder().build()) {
			Outcome close = runner.fromUpstream().closeWithoutStatus();
			assertThat(close.closeStatus()).isEqualTo(1005);
			assertThat(close.clientCloseStatus()).isEqualTo(1005);
		}
	}

	@Test
	void sessionEndListenersGetTheEnginesCountsAndCodes() {
		List<SessionSummary> told = new CopyOnWriteArrayList<>();
		try (ChainRunner runner = ChainRunner.builder().routeId("chat").sessionEndListeners(told::add).build()) {
			runner.fromClient().text("hello");
			runner.fromClient().fragmentedBinary(new byte[] { 1, 2 }, new byte[] { 3 });
			runner.fromUpstream().text("hi");
			runner.fromUpstream().ping(new byte[] { 9 });
			runner.fromClient().close(4000, "done");
			assertThat(told).isEmpty();
			SessionSummary summary = runner.finishClosingHandshake();
			assertThat(told).containsExactly(summary);
			assertThat(summary.session().routeId()).isEqualTo("chat");
			assertThat(summary.closedBy()).isEqualTo(CloseInitiator.CLIENT);
			assertThat(summary.clientCloseStatus()).isEqualTo(4000);
			assertThat(summary.upstreamCloseStatus()).isEqualTo(4000);
			assertThat(summary.upstreamCloseReason()).isEqualTo("done");
			assertThat(summary.clientMessages()).isEqualTo(2);
			assertThat(summary.clientBytes()).isEqualTo(8);
			assertThat(summary.upstreamMessages()).isEqualTo(1);
			assertThat(summary.upstreamBytes()).isEqualTo(2);
		}
	}

	@Test
	void edgeCloseEndsTheSessionOnceBothSidesAnswer() {
		ClientFrameInterceptor auth = (frame) -> frame.close(1008, "bad token", 1001, "client rejected");
		try (ChainRunner runner = ChainRunner.builder().clientInterceptors(auth).build()) {
			runner.fromClient().text("token=wrong");
			assertThat(runner.isEnded()).isFalse();
			SessionSummary summary = runner.finishClosingHandshake();
			assertThat(summary.closedBy()).isEqualTo(CloseInitiator.EDGE);
			assertThat(summary.clientCloseStatus()).isEqualTo(1008);
			assertThat(summary.clientCloseReason()).isEqualTo("bad token");
			assertThat(summary.upstreamCloseStatus()).isEqualTo(1001);
			assertThatIllegalStateException().isThrownBy(() -> runner.fromClient().text("after the end"));
		}
	}

	@Test
	void disconnectedClientClosesTheUpstreamWithClientGone() {
		try (ChainRunner runner = ChainRunner.builder().build()) {
			Outcome gone = runner.fromClient().disconnect();
			assertThat(gone.forwarded()).isFalse();
			assertThat(gone.upstreamCloseStatus()).isEqualTo(1001);
			assertThat(gone.upstreamCloseReason()).isEqualTo("client gone");
			SessionSummary summary = runner.finishClosingHandshake();
			assertThat(summary.clientCloseStatus()).isEqualTo(1006);
			assertThat(summary.closedBy()).isEqualTo(CloseInitiator.CLIENT);
			assertThatIllegalStateException().isThrownBy(() -> runner.fromClient().disconnect());
		}
	}

	@Test
	void failingSessionEndListenerFailsTheSummary() {
		SessionEndListener broken = (summary) -> {
			throw new IllegalStateException("broken on purpose");
		};
		try (ChainRunner runner = ChainRunner.builder().sessionEndListeners(broken).build()) {
			runner.fromUpstream().close(1000, null);
			assertThatIllegalStateException().isThrownBy(runner::finishClosingHandshake)
				.havingCause()
				.withMessage("broken on purpose");
		}
	}

	@Test
	void finishingTheClosingHandshakeOfAnOpenSessionIsRefused() {
		try (ChainRunner runner = ChainRunner.builder().build()) {
			assertThatIllegalStateException().isThrownBy(runner::finishClosingHandshake)
				.withMessageContaining("The session is open");
		}
	}

	@Test
	void deferredStageThatNeverCompletesFailsWithinTheTimeout() {
		ClientFrameInterceptor stuck = (frame) -> frame.defer(new CompletableFuture<>());
		try (ChainRunner runner = ChainRunner.builder()
			.clientInterceptors(stuck)
			.timeout(Duration.ofMillis(200))
			.build()) {
			assertThatIllegalStateException().isThrownBy(() -> runner.fromClient().text("x"))
				.withMessageContaining("deferred stage");
		}
	}

	@Test
	void closeWithAStatusThatMayNotBeSentIsRefused() {
		try (ChainRunner runner = ChainRunner.builder().build()) {
			assertThatIllegalArgumentException().isThrownBy(() -> runner.fromClient().close(1006, "no"));
		}
	}

}
