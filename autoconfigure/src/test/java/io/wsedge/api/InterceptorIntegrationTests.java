package io.wsedge.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.wsedge.api.InterceptorTestConfiguration.Seen;
import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestClient.Close;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The interceptor API end to end: beans in a real edge, the JDK's WebSocket client, a real upstream, on each
 * server stack.
 */
@ParameterizedClass
@EnumSource(Stack.class)
class InterceptorIntegrationTests {

	@Parameter
	private Stack stack;

	private static TestUpstream upstream;

	private static EdgeApp edge;

	@BeforeParameterizedClassInvocation
	static void start(Stack stack) {
		// What the interceptors saw is kept per marker; each stack starts from nothing.
		InterceptorTestConfiguration.SEEN.clear();
		InterceptorTestConfiguration.SUMMARIES.clear();
		upstream = TestUpstream.start();
		Map<String, String> properties = new LinkedHashMap<>();
		route(properties, 0, "main", "/ws/main", "/echo");
		properties.put("wsedge.routes[0].interceptors.exclude", "orderA,orderB,orderC");
		route(properties, 1, "order", "/ws/order", "/echo");
		properties.put("wsedge.routes[1].interceptors.include", "orderC,orderA,orderB");
		route(properties, 2, "only-b", "/ws/only-b", "/echo");
		properties.put("wsedge.routes[2].interceptors.include", "orderB");
		route(properties, 3, "not-b", "/ws/not-b", "/echo");
		properties.put("wsedge.routes[3].interceptors.exclude", "orderB,recorder,actions");
		route(properties, 4, "upgrade", "/ws/upgrade", "/echo");
		properties.put("wsedge.routes[4].interceptors.exclude", "orderA,orderB,orderC");
		edge = EdgeApp.start(stack, properties, InterceptorTestConfiguration.class);
	}

	private static void route(Map<String, String> properties, int index, String id, String path, String target) {
		properties.put("wsedge.routes[" + index + "].id", id);
		properties.put("wsedge.routes[" + index + "].path", path);
		properties.put("wsedge.routes[" + index + "].upstream", upstream.uri(target).toString());
	}

	@AfterParameterizedClassInvocation
	static void stop() {
		edge.close();
		upstream.close();
	}

	private static TestClient connect(String path, String marker) {
		return TestClient.connect(edge.ws(path + "?t=" + marker), Map.of("X-Client", "jdk"));
	}

	private static Object seen(String marker) throws InterruptedException {
		Object seen = InterceptorTestConfiguration.seen(marker).poll(10, TimeUnit.SECONDS);
		assertThat(seen).as("what the interceptor saw").isNotNull();
		return seen;
	}

	@Test
	void typePayloadAndTextShowTheMessage() throws Exception {
		TestClient client = connect("/ws/main", "read");
		client.send("hello");
		Seen text = (Seen) seen("read");
		assertThat(text.type()).isEqualTo(FrameType.TEXT);
		assertThat(text.text()).isEqualTo("hello");
		assertThat(text.payload()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
		client.send(new byte[] { 1, 2, 3 });
		Seen binary = (Seen) seen("read");
		assertThat(binary.type()).isEqualTo(FrameType.BINARY);
		assertThat(binary.payload()).containsExactly(1, 2, 3);
		assertThat(binary.text()).isNull();
		client.close(4100, "original");
		seen("read");
		client.awaitClose(Duration.ofSeconds(5));
	}

	@Test
	void fragmentsAreAssembledBeforeInterceptorsRun() throws Exception {
		TestClient client = connect("/ws/main", "fragments");
		client.sendFragment("frag-", false);
		client.sendFragment("ment", true);
		assertThat(((Seen) seen("fragments")).text()).isEqualTo("frag-ment");
		assertThat(client.nextText()).isEqualTo("frag-ment");
		client.close(1000, "");
	}

	@Test
	void textOnAMessageThatIsNotTextThrows() throws Exception {
		TestClient client = connect("/ws/main", "binary-probe");
		client.send("P-binary".getBytes(StandardCharsets.UTF_8));
		seen("binary-probe");
		@SuppressWarnings("unchecked")
		Map<String, String> results = (Map<String, String>) seen("binary-probe");
		assertThat(results).containsEntry("text", "IllegalStateException");
		client.close(1000, "");
	}

	@Test
	void verbsRefuseWhatTheyCannotDoOnDataMessages() throws Exception {
		TestClient client = connect("/ws/main", "probe");
		client.send("probe");
		seen("probe");
		@SuppressWarnings("unchecked")
		Map<String, String> results = (Map<String, String>) seen("probe");
		assertThat(results).containsEntry("closeStatus", "IllegalStateException")
			.containsEntry("closeReason", "IllegalStateException")
			.containsEntry("setCloseStatus", "IllegalStateException")
			.containsEntry("close(1006)", "IllegalArgumentException")
			.containsEntry("close(1005 to upstream)", "IllegalArgumentException")
			.containsEntry("close(long reason)", "IllegalArgumentException")
			.containsEntry("setMaxPayloadSize(-1)", "IllegalArgumentException")
			.containsEntry("setPayload(invalid utf-8)", "IllegalArgumentException")
			.containsEntry("defer twice", "IllegalStateException");
		// None of the refused calls changed the message.
		assertThat(client.nextText()).isEqualTo("probe");
		client.close(1000, "");
	}

	@Test
	void controlFramesPassThroughTheChainWithTheirOwnTypes() throws Exception {
		// Tomcat answers a client's ping itself and never hands it on: see clientPingIsAnsweredByTomcat.
		assumeTrue(this.stack == Stack.REACTIVE, "client pings reach interceptors on the reactive stack only");
		TestClient client = connect("/ws/main", "ping");
		java.util.concurrent.CompletableFuture<String> pong = new java.util.concurrent.CompletableFuture<>();
		TestClient pinger = TestClient.connectWithPongs(edge.ws("/ws/main?t=ping2"), pong);
		pinger.socket().sendPing(java.nio.ByteBuffer.wrap("client-ping".getBytes(StandardCharsets.UTF_8)));
		Seen ping = (Seen) seen("ping2");
		assertThat(ping.type()).isEqualTo(FrameType.PING);
		assertThat(ping.payload()).isEqualTo("client-ping".getBytes(StandardCharsets.UTF_8));
		@SuppressWarnings("unchecked")
		Map<String, String> results = (Map<String, String>) seen("ping2");
		assertThat(results).containsEntry("setPayload(126 bytes)", "IllegalArgumentException")
			.containsEntry("closeStatus", "IllegalStateException");
		// The interceptor rewrote the ping; the upstream's pong echoes the rewritten payload end to end.
		assertThat(pong.get(10, TimeUnit.SECONDS)).isEqualTo("edge-ping");
		pinger.close(1000, "");
		client.close(1000, "");
	}

	@Test
	void clientPingIsAnsweredByTomcat() throws Exception {
		assumeTrue(this.stack == Stack.SERVLET, "on the reactive stack the ping goes through the chain");
		CompletableFuture<String> pong = new CompletableFuture<>();
		TestClient pinger = TestClient.connectWithPongs(edge.ws("/ws/main?t=tomcat-ping"), pong);
		pinger.socket().sendPing(ByteBuffer.wrap("client-ping".getBytes(StandardCharsets.UTF_8)));
		assertThat(pong.get(10, TimeUnit.SECONDS)).isEqualTo("client-ping");
		// The chain never saw the ping: the first thing it sees is the message sent after it.
		pinger.send("after the ping");
		Seen first = (Seen) seen("tomcat-ping");
		assertThat(first.type()).isEqualTo(FrameType.TEXT);
		assertThat(first.text()).isEqualTo("after the ping");
		pinger.close(1000, "");
	}

	@Test
	void closeFramesCanBeReadAndTheirStatusAndReasonChangedButNotDropped() throws Exception {
		TestClient client = connect("/ws/main", "close-frame");
		client.close(4100, "original");
		Seen close = (Seen) seen("close-frame");
		assertThat(close.type()).isEqualTo(FrameType.CLOSE);
		assertThat(close.closeStatus()).isEqualTo(4100);
		assertThat(close.closeReason()).isEqualTo("original");
		assertThat(new String(close.payload(), StandardCharsets.UTF_8)).isEqualTo("original");
		@SuppressWarnings("unchecked")
		Map<String, String> results = (Map<String, String>) seen("close-frame");
		assertThat(results).containsEntry("drop", "IllegalStateException")
			.containsEntry("setPayload(124 bytes)", "IllegalArgumentException")
			.containsEntry("setCloseStatus(1005)", "IllegalArgumentException")
			.containsEntry("setCloseStatus(999)", "IllegalArgumentException")
			.containsEntry("text", "IllegalStateException");
		WebSocketCloseStatus atUpstream = upstream.session("t=close-frame").awaitClose();
		assertThat(atUpstream.code()).isEqualTo(4101);
		assertThat(atUpstream.reasonText()).isEqualTo("changed by interceptor");
		client.awaitClose(Duration.ofSeconds(5));
	}

	@Test
	void setPayloadRewritesForLaterInterceptorsAndTheUpstream() {
		TestClient client = connect("/ws/main", "rewrite");
		client.send("rewrite:new text");
		client.send("rewrite-bytes:new bytes");
		TestUpstream.Session atUpstream = upstream.session("t=rewrite");
		assertThat(atUpstream.nextMessage().asText()).isEqualTo("new text");
		assertThat(atUpstream.nextMessage().asText()).isEqualTo("new bytes");
		assertThat(client.nextText()).isEqualTo("new text");
		client.close(1000, "");
	}

	@Test
	void dropStopsTheMessageAndLaterInterceptors() {
		TestClient client = connect("/ws/main", "drop");
		client.send("drop");
		client.send("after");
		assertThat(upstream.session("t=drop").nextMessage().asText()).isEqualTo("after");
		assertThat(client.nextText()).isEqualTo("after");
		client.close(1000, "");
	}

	@Test
	void closeSendsEachSideItsOwnCodeAndReason() {
		TestClient client = connect("/ws/main", "close-each");
		client.send("close-each");
		assertThat(client.awaitClose(Duration.ofSeconds(5))).isEqualTo(new Close(4000, "to client"));
		WebSocketCloseStatus atUpstream = upstream.session("t=close-each").awaitClose();
		assertThat(atUpstream.code()).isEqualTo(4001);
		assertThat(atUpstream.reasonText()).isEqualTo("to upstream");
		// The message that asked for the close was not forwarded.
		assertThat(upstream.session("t=close-each").messages).isEmpty();
	}

	@Test
	void closeWithOneCodeSendsItToBothSides() {
		TestClient client = connect("/ws/main", "close-both");
		client.send("close-both");
		assertThat(client.awaitClose(Duration.ofSeconds(5))).isEqualTo(new Close(4002, "both"));
		assertThat(upstream.session("t=close-both").awaitClose().code()).isEqualTo(4002);
	}

	@Test
	void setMaxPayloadSizeIsHitByOneLargeFrame() {
		TestClient client = connect("/ws/main", "max-frame");
		client.send("max:100");
		assertThat(client.nextText()).isEqualTo("max:100");
		client.send(new byte[101]);
		assertThat(client.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1009);
		assertThat(upstream.session("t=max-frame").awaitClose().code()).isEqualTo(1001);
	}

	@Test
	void setMaxPayloadSizeIsHitByFragmentsEachUnderTheLimit() {
		TestClient client = connect("/ws/main", "max-fragments");
		client.send("max:100");
		assertThat(client.nextText()).isEqualTo("max:100");
		client.sendFragment("a".repeat(60), false);
		client.sendFragment("b".repeat(60), true);
		assertThat(client.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1009);
		assertThat(upstream.session("t=max-fragments").awaitClose().code()).isEqualTo(1001);
	}

	@Test
	void setMaxPayloadSizeZeroRestoresTheDefault() {
		TestClient client = connect("/ws/main", "max-reset");
		client.send("max:10");
		client.send("max:0");
		assertThat(client.nextText()).isEqualTo("max:10");
		assertThat(client.nextText()).isEqualTo("max:0");
		client.send("x".repeat(5000));
		assertThat(client.nextText()).hasSize(5000);
		client.close(1000, "");
	}

	@Test
	void sessionShowsTheUpgradeRequestAndAttributesAreShared() {
		TestClient client = connect("/ws/main", "session");
		client.send("session");
		assertThat(client.nextText()).isEqualTo("main|127.0.0.1|/ws/main|jdk|none|false|true");
		client.send("attr:remember me");
		client.send("read-attr");
		assertThat(client.nextText()).isEqualTo("attr:remember me");
		assertThat(client.nextText()).isEqualTo("note=remember me,user=null");
		client.close(1000, "");
	}

	@Test
	void deferredMessageKeepsItsPlaceInOrder() {
		TestClient client = connect("/ws/main", "defer");
		client.send("defer:one");
		client.send("two");
		TestUpstream.Session atUpstream = upstream.session("t=defer");
		// The first waits 50 ms in its interceptor and is rewritten when it resumes; the second waits its turn.
		assertThat(atUpstream.nextMessage().asText()).isEqualTo("defer:one:resumed");
		assertThat(atUpstream.nextMessage().asText()).isEqualTo("two");
		assertThat(client.nextText()).isEqualTo("defer:one:resumed");
		assertThat(client.nextText()).isEqualTo("two");
		client.close(1000, "");
	}

	@Test
	void failedDeferredStageClosesWithTheInterceptorErrorPolicy() {
		TestClient client = connect("/ws/main", "defer-fail");
		client.send("defer-fail");
		assertThat(client.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1011);
		assertThat(upstream.session("t=defer-fail").awaitClose().code()).isEqualTo(1001);
	}

	@Test
	void throwingInterceptorClosesOnlyItsOwnSession() {
		TestClient bystander = connect("/ws/main", "bystander");
		TestClient failing = connect("/ws/main", "failing");
		bystander.send("before");
		assertThat(bystander.nextText()).isEqualTo("before");
		failing.send("fail");
		assertThat(failing.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1011);
		assertThat(upstream.session("t=failing").awaitClose().code()).isEqualTo(1001);
		bystander.send("after");
		assertThat(bystander.nextText()).isEqualTo("after");
		bystander.close(1000, "");
	}

	@Test
	void upstreamInterceptorsSeeUpstreamMessages() {
		TestClient client = connect("/ws/main", "redact");
		client.send("my secret");
		// The client interceptors forward it unchanged; the upstream echoes; the upstream interceptor redacts.
		assertThat(upstream.session("t=redact").nextMessage().asText()).isEqualTo("my secret");
		assertThat(client.nextText()).isEqualTo("my ******");
		client.close(1000, "");
	}

	@Test
	void orderAnnotationsDecideTheSequence() {
		TestClient client = connect("/ws/order", "order");
		client.send("x");
		assertThat(upstream.session("t=order").nextMessage().asText()).isEqualTo("xBCA");
		client.close(1000, "");
	}

	@Test
	void routeIncludeAndExcludeListsSelectInterceptors() {
		TestClient onlyB = connect("/ws/only-b", "only-b");
		onlyB.send("x");
		assertThat(upstream.session("t=only-b").nextMessage().asText()).isEqualTo("xB");
		TestClient notB = connect("/ws/not-b", "not-b");
		notB.send("x");
		assertThat(upstream.session("t=not-b").nextMessage().asText()).isEqualTo("xCA");
		onlyB.close(1000, "");
		notB.close(1000, "");
	}

	@Test
	void upgradeInterceptorRejectsWithAnHttpStatus() {
		assertThat(TestClient.refusedStatus(edge.ws("/ws/upgrade?t=reject"))).isEqualTo(401);
	}

	@Test
	void upgradeInterceptorShapesTheUpstreamHandshakeAndSeedsAttributes() {
		TestClient client = TestClient.connect(edge.ws("/ws/upgrade?t=shape&slow"),
				Map.of("X-Api-Key", "k1", "X-Remove-Me", "gone"));
		TestUpstream.Session atUpstream = upstream.session("t=shape");
		assertThat(atUpstream.headers.get("X-User")).isEqualTo("user-of-k1");
		assertThat(atUpstream.headers.contains("X-Remove-Me")).isFalse();
		client.send("read-attr");
		assertThat(client.nextText()).isEqualTo("note=null,user=user-of-k1");
		client.close(1000, "");
	}

	@Test
	void upgradeInterceptorPicksAnotherUpstream() {
		TestClient client = TestClient.connect(edge.ws("/ws/upgrade?t=reroute&reroute"), Map.of("X-Api-Key", "k2"));
		assertThat(upstream.session("t=reroute").uri).startsWith("/commands");
		client.send("close 4005 from commands");
		assertThat(client.awaitClose(Duration.ofSeconds(5))).isEqualTo(new Close(4005, "from commands"));
	}

	@Test
	void sessionEndListenerHearsOnceWithCodesCountsAndWhoClosed() throws Exception {
		TestClient client = connect("/ws/not-b", "summary");
		client.send("abc");
		client.nextText();
		client.close(4003, "done");
		client.awaitClose(Duration.ofSeconds(5));
		edge.awaitNoSessions();
		java.util.List<SessionSummary> mine = InterceptorTestConfiguration.SUMMARIES.stream()
			.filter((candidate) -> "summary".equals(InterceptorTestConfiguration.marker(candidate.session())))
			.toList();
		assertThat(mine).hasSize(1);
		SessionSummary summary = mine.get(0);
		assertThat(summary.session().routeId()).isEqualTo("not-b");
		assertThat(summary.closedBy()).isEqualTo(CloseInitiator.CLIENT);
		assertThat(summary.clientCloseStatus()).isEqualTo(4003);
		assertThat(summary.clientCloseReason()).isEqualTo("done");
		assertThat(summary.upstreamCloseStatus()).isEqualTo(4003);
		assertThat(summary.clientMessages()).isEqualTo(1);
		// Counts are of what each side sent: "abc" from the client, "abcCA" (rewritten on the way) back.
		assertThat(summary.clientBytes()).isEqualTo(3);
		assertThat(summary.upstreamMessages()).isEqualTo(1);
		assertThat(summary.upstreamBytes()).isEqualTo(5);
		assertThat(summary.duration()).isPositive();
	}

}
