package io.wsedge.engine;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.wsedge.api.CloseInitiator;
import io.wsedge.api.SessionSummary;
import io.wsedge.engine.InMemorySession.Snapshot;
import io.wsedge.engine.InMemorySession.Written;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every transition of a session's closing handshake (RFC 6455 §7), on the real session between two in-memory
 * legs: who closes first, both at once, a side that vanishes, a side that breaks the protocol, and the edge
 * closing on its own. Each test asserts the close frame each leg was sent, which leg ended, and the account.
 */
class ProxySessionCloseTests {

	private final InMemorySession session = InMemorySession.open(new InMemorySession.Setup("echo",
			URI.create("ws://edge.test/ws"), new InetSocketAddress("127.0.0.1", 40000), new HttpHeaders(), null,
			Map.of(), null, List.of(), List.of(), 1024, 1024, List.of(), Duration.ofSeconds(5)));

	@AfterEach
	void close() {
		this.session.close();
	}

	@Test
	void clientClosesFirstAndTheUpstreamsAnswerIsTheClientsAnswer() throws Exception {
		this.session.fromClient(List.of(new CloseWebSocketFrame(4001, "bye")));
		Snapshot forwarded = this.session.snapshot();
		assertThat(close(forwarded.upstream().closeSent())).isEqualTo("4001 bye");
		assertThat(forwarded.client().closeSent()).isNull();
		this.session.fromUpstream(List.of(new CloseWebSocketFrame(4002, "answer")));
		SessionSummary summary = ended();
		assertThat(close(this.session.snapshot().client().closeSent())).isEqualTo("4002 answer");
		assertThat(summary.closedBy()).isEqualTo(CloseInitiator.CLIENT);
		assertThat(summary.clientCloseStatus()).isEqualTo(4001);
		assertThat(summary.upstreamCloseStatus()).isEqualTo(4001);
	}

	@Test
	void upstreamClosesFirstAndTheClientsAnswerIsTheUpstreamsAnswer() throws Exception {
		this.session.fromUpstream(List.of(new CloseWebSocketFrame(1001, "restart")));
		assertThat(close(this.session.snapshot().client().closeSent())).isEqualTo("1001 restart");
		this.session.fromClient(List.of(new CloseWebSocketFrame(1000, "ok")));
		SessionSummary summary = ended();
		assertThat(close(this.session.snapshot().upstream().closeSent())).isEqualTo("1000 ok");
		assertThat(summary.closedBy()).isEqualTo(CloseInitiator.UPSTREAM);
	}

	@Test
	void bothSidesCloseAtOnceAndEachGetsTheOthersClose() throws Exception {
		// The two close frames cross: each arrives before the edge forwarded the other.
		this.session.fromClient(List.of(new CloseWebSocketFrame(4001, "client")));
		this.session.fromUpstream(List.of(new CloseWebSocketFrame(4002, "upstream")));
		SessionSummary summary = ended();
		Snapshot state = this.session.snapshot();
		assertThat(close(state.upstream().closeSent())).isEqualTo("4001 client");
		assertThat(close(state.client().closeSent())).isEqualTo("4002 upstream");
		assertThat(state.client().ended()).isTrue();
		assertThat(state.upstream().ended()).isTrue();
		assertThat(summary.closedBy()).isEqualTo(CloseInitiator.CLIENT);
	}

	@Test
	void closeWithoutACodeIsRelayedWithoutACode() throws Exception {
		this.session.fromClient(List.of(new CloseWebSocketFrame()));
		assertThat(this.session.snapshot().upstream().closeSent().closeStatus()).isEqualTo(1005);
		this.session.fromUpstream(List.of(new CloseWebSocketFrame()));
		assertThat(ended().clientCloseStatus()).isEqualTo(1005);
	}

	@Test
	void clientThatVanishesClosesTheUpstreamWithClientGone() throws Exception {
		this.session.clientDisconnects();
		assertThat(close(this.session.snapshot().upstream().closeSent())).isEqualTo("1001 client gone");
		this.session.fromUpstream(List.of(new CloseWebSocketFrame(1001, "client gone")));
		SessionSummary summary = ended();
		assertThat(summary.clientCloseStatus()).isEqualTo(1006);
		assertThat(summary.closedBy()).isEqualTo(CloseInitiator.CLIENT);
	}

	@Test
	void upstreamThatVanishesClosesTheClientWithUpstreamFailure() throws Exception {
		this.session.upstreamDisconnects();
		assertThat(close(this.session.snapshot().client().closeSent())).isEqualTo("1014 upstream failure");
		this.session.fromClient(List.of(new CloseWebSocketFrame(1014, "")));
		SessionSummary summary = ended();
		assertThat(summary.upstreamCloseStatus()).isEqualTo(1006);
		assertThat(summary.closedBy()).isEqualTo(CloseInitiator.UPSTREAM);
	}

	@Test
	void sideThatVanishesInsteadOfAnsweringIsAnsweredForWithTheClosersOwnStatus() throws Exception {
		this.session.fromClient(List.of(new CloseWebSocketFrame(4001, "bye")));
		this.session.upstreamDisconnects();
		SessionSummary summary = ended();
		assertThat(close(this.session.snapshot().client().closeSent())).isEqualTo("4001 bye");
		assertThat(summary.upstreamCloseStatus()).isEqualTo(4001);
	}

	@Test
	void edgeClosesBothSidesWithTheirOwnCodesAndTheirAnswersEndAtTheEdge() throws Exception {
		this.session.shutdown();
		Snapshot state = await((snapshot) -> snapshot.client().closeSent() != null);
		assertThat(close(state.client().closeSent())).isEqualTo("1001 server shutting down");
		assertThat(close(state.upstream().closeSent())).isEqualTo("1001 server shutting down");
		this.session.fromClient(List.of(new CloseWebSocketFrame(1000, "")));
		this.session.fromUpstream(List.of(new CloseWebSocketFrame(1000, "")));
		SessionSummary summary = ended();
		assertThat(summary.closedBy()).isEqualTo(CloseInitiator.EDGE);
		// Nothing more was sent after each side's close frame.
		assertThat(last(this.session.snapshot().client().written()).closeStatus()).isEqualTo(1001);
	}

	@Test
	void clientThatBreaksTheProtocolIsFailedAfterTheUpstreamAnsweredAndGetsWhatCameBefore() throws Exception {
		this.session.clientBreaksProtocol(1002, "reserved bits set");
		Snapshot state = this.session.snapshot();
		assertThat(close(state.upstream().closeSent())).isEqualTo("1001 client gone");
		assertThat(state.client().closeSent()).as("not yet failed").isNull();
		// What the upstream sent before its answer still reaches the client.
		this.session.fromUpstream(List.of(new TextWebSocketFrame("echo of the last good message"),
				new CloseWebSocketFrame(1001, "client gone")));
		SessionSummary summary = ended();
		List<Written> toClient = this.session.snapshot().client().written();
		assertThat(toClient).hasSize(2);
		assertThat(new String(toClient.get(0).payload())).isEqualTo("echo of the last good message");
		assertThat(toClient.get(1).closeStatus()).isEqualTo(1002);
		assertThat(summary.clientCloseStatus()).isEqualTo(1002);
		assertThat(summary.closedBy()).isEqualTo(CloseInitiator.CLIENT);
	}

	@Test
	void clientThatBreaksTheProtocolIsFailedWhenTheUpstreamVanishesInsteadOfAnswering() throws Exception {
		this.session.clientBreaksProtocol(1007, "invalid UTF-8");
		this.session.upstreamDisconnects();
		assertThat(ended().clientCloseStatus()).isEqualTo(1007);
		assertThat(this.session.snapshot().client().closeSent().closeStatus()).isEqualTo(1007);
	}

	@Test
	void upstreamThatBreaksTheProtocolIsFailedAtOnceAndTheClientGetsUpstreamFailure() throws Exception {
		this.session.upstreamBreaksProtocol(1002, "masked frame from a server");
		Snapshot state = this.session.snapshot();
		assertThat(state.upstream().closeSent().closeStatus()).isEqualTo(1002);
		assertThat(state.upstream().ended()).isTrue();
		assertThat(close(state.client().closeSent())).isEqualTo("1014 upstream failure");
		this.session.fromClient(List.of(new CloseWebSocketFrame(1014, "")));
		assertThat(ended().closedBy()).isEqualTo(CloseInitiator.UPSTREAM);
	}

	@Test
	void messageTooBigFromTheUpstreamUsesThePayloadPolicyBothWays() throws Exception {
		this.session.upstreamBreaksProtocol(1009, "frame too big");
		Snapshot state = this.session.snapshot();
		assertThat(close(state.upstream().closeSent())).isEqualTo("1009 message too big");
		assertThat(close(state.client().closeSent())).isEqualTo("1001 peer message too big");
	}

	@Test
	void dataTheClientSendsBeforeAnsweringACloseStillReachesTheUpstream() throws Exception {
		this.session.fromUpstream(List.of(new CloseWebSocketFrame(1000, "")));
		// A side may send data until it sends its own close frame (RFC 6455 §5.5.1); nothing follows that.
		this.session.fromClient(List.of(new TextWebSocketFrame("late"), new CloseWebSocketFrame(1000, "")));
		ended();
		List<Written> toUpstream = this.session.snapshot().upstream().written();
		assertThat(toUpstream).extracting(Written::closeStatus).containsExactly(-1, 1000);
		assertThat(last(this.session.snapshot().client().written()).closeStatus()).isEqualTo(1000);
	}

	private SessionSummary ended() throws Exception {
		return this.session.end().get(5, TimeUnit.SECONDS);
	}

	private Snapshot await(java.util.function.Predicate<Snapshot> condition) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		Snapshot snapshot = this.session.snapshot();
		while (!condition.test(snapshot) && System.nanoTime() < deadline) {
			Thread.sleep(10);
			snapshot = this.session.snapshot();
		}
		return snapshot;
	}

	private static String close(Written frame) {
		assertThat(frame).as("a close frame was sent").isNotNull();
		return frame.closeStatus() + " " + new String(frame.payload(), java.nio.charset.StandardCharsets.UTF_8);
	}

	private static Written last(List<Written> frames) {
		return frames.get(frames.size() - 1);
	}

}
