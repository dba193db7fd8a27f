package io.wsedge.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.RawClient;
import io.wsedge.testsupport.RawClient.Frame;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestClient.Close;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every limit and close policy end to end, through a real edge on each server stack, with per-route overrides
 * beside the defaults.
 */
@ParameterizedClass
@EnumSource(Stack.class)
class LimitsIntegrationTests {

	@Parameter
	private Stack stack;

	private static TestUpstream upstream;

	private static EdgeApp edge;

	private static int index;

	@BeforeParameterizedClassInvocation
	static void start(Stack stack) {
		index = 0;
		upstream = TestUpstream.start();
		Map<String, String> p = new LinkedHashMap<>();
		p.put("wsedge.limits.handshake-timeout", "500ms");
		p.put("wsedge.limits.ping-interval", "0s");
		p.put("wsedge.trusted-proxies", "127.0.0.1");
		p.put("wsedge.close-policies.idle-timeout.code", "4408");
		p.put("wsedge.close-policies.idle-timeout.reason", "idle too long");
		p.put("wsedge.close-policies.rate-limit.code", "4429");
		p.put("wsedge.close-policies.client-gone.code", "4410");
		p.put("wsedge.close-policies.client-gone.reason", "client left");
		route(p, "default", "/echo");
		route(p, "small", "/echo", "max-payload-size", "1KB");
		route(p, "upstream-small", "/commands", "upstream-max-payload-size", "1KB");
		route(p, "frame", "/echo", "max-frame-size", "100B");
		route(p, "idle", "/echo", "idle-timeout", "400ms");
		route(p, "ping", "/echo", "ping-interval", "200ms", "pong-timeout", "300ms");
		route(p, "capped", "/echo");
		p.put("wsedge.routes[" + (index - 1) + "].max-connections", "2");
		route(p, "per-client", "/echo", "max-connections-per-client", "2");
		route(p, "rate-close", "/echo", "messages-per-second", "5", "message-burst", "5");
		route(p, "rate-drop", "/echo", "messages-per-second", "2", "message-burst", "3", "rate-limit-action", "drop");
		route(p, "slow", "/commands", "max-buffered-bytes", "16KB");
		route(p, "backpressure", "/commands");
		route(p, "burst", "/commands", "max-buffered-bytes", "64KB");
		route(p, "stall", "/commands", "max-buffered-bytes", "64KB", "close-timeout", "500ms");
		route(p, "origins", "/echo");
		p.put("wsedge.routes[" + (index - 1) + "].allowed-origins", "https://app.example.com,https://*.example.org");
		edge = EdgeApp.start(stack, p);
	}

	private static void route(Map<String, String> properties, String id, String target, String... limits) {
		String prefix = "wsedge.routes[" + index++ + "]";
		properties.put(prefix + ".id", id);
		properties.put(prefix + ".path", "/ws/" + id);
		properties.put(prefix + ".upstream", upstream.uri(target).toString());
		for (int i = 0; i < limits.length; i += 2) {
			properties.put(prefix + ".limits." + limits[i], limits[i + 1]);
		}
	}

	@AfterParameterizedClassInvocation
	static void stop() {
		edge.close();
		upstream.close();
	}

	private static TestClient connect(String route, String marker) {
		return TestClient.connect(edge.ws("/ws/" + route + "?t=" + marker));
	}

	@Test
	void maxPayloadSizeOfARouteIsInclusiveAndWinsOverTheDefault() {
		TestClient atLimit = connect("small", "at-limit");
		atLimit.send(new byte[1024]);
		assertThat((byte[]) atLimit.next()).hasSize(1024);
		atLimit.send(new byte[1025]);
		assertThat(atLimit.awaitClose(Duration.ofSeconds(5))).isEqualTo(new Close(1009, "message too big"));
		WebSocketCloseStatus peer = upstream.session("t=at-limit").awaitClose();
		assertThat(peer.code()).isEqualTo(1001);
		assertThat(peer.reasonText()).isEqualTo("peer message too big");
		TestClient other = connect("default", "default-size");
		other.send(new byte[2000]);
		assertThat((byte[]) other.next()).hasSize(2000);
		other.close(1000, "");
	}

	@Test
	void upstreamMaxPayloadSizeClosesTheUpstreamWith1009AndTheClientWithThePeerCode() {
		TestClient client = connect("upstream-small", "upstream-big");
		client.send("send 1 2000");
		assertThat(upstream.session("t=upstream-big").awaitClose().code()).isEqualTo(1009);
		assertThat(client.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1001);
	}

	@Test
	void maxFrameSizeRefusesOneLargeFrameButNotSmallFragments() throws Exception {
		try (RawClient fragments = RawClient.connect(edge.port(), "/ws/frame?t=frag-ok", 0)) {
			assertThat(fragments.status()).isEqualTo(101);
			fragments.sendFrame(false, 0x2, new byte[90], true);
			fragments.sendFrame(false, 0x0, new byte[90], true);
			fragments.sendFrame(true, 0x0, new byte[90], true);
			assertThat(upstream.session("t=frag-ok").nextMessage().payload()).hasSize(270);
		}
		try (RawClient large = RawClient.connect(edge.port(), "/ws/frame?t=frame-big", 0)) {
			large.sendFrame(true, 0x2, new byte[101], true);
			assertThat(large.readUntilClose().closeCode()).isEqualTo(1009);
			assertThat(upstream.session("t=frame-big").awaitClose().code()).isEqualTo(1001);
		}
	}

	@Test
	void idleTimeoutClosesBothSidesWithTheIdlePolicy() {
		TestClient client = connect("idle", "idle");
		long started = System.nanoTime();
		assertThat(client.awaitClose(Duration.ofSeconds(5))).isEqualTo(new Close(4408, "idle too long"));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(350));
		assertThat(upstream.session("t=idle").awaitClose().code()).isEqualTo(4408);
	}

	@Test
	void trafficKeepsAnIdleTimeoutAway() throws Exception {
		TestClient client = connect("idle", "busy");
		for (int i = 0; i < 8; i++) {
			client.send("tick " + i);
			assertThat(client.nextText()).isEqualTo("tick " + i);
			Thread.sleep(100);
		}
		assertThat(client.closed).isNotDone();
		client.close(1000, "");
	}

	@Test
	void clientThatStopsAnsweringPingsIsClosedByThePingTimeout() throws Exception {
		try (RawClient silent = RawClient.connect(edge.port(), "/ws/ping?t=no-pong", 0)) {
			Frame ping = silent.readFrame();
			assertThat(ping.opcode()).isEqualTo(0x9);
			// Never answered: the next thing of interest is the edge's close frame.
			Frame close = silent.readUntilClose();
			assertThat(close.closeCode()).isEqualTo(1001);
			assertThat(close.closeReason()).isEqualTo("ping timeout");
			assertThat(upstream.session("t=no-pong").awaitClose().code()).isEqualTo(1001);
		}
	}

	@Test
	void clientThatAnswersPingsStaysAndTheUpstreamNeverSeesTheEdgesPongs() throws Exception {
		TestClient client = connect("ping", "pongs");
		Thread.sleep(1200);
		assertThat(client.closed).isNotDone();
		client.send("still here");
		assertThat(client.nextText()).isEqualTo("still here");
		client.close(1000, "");
	}

	@Test
	void handshakeTimeoutDropsASlowlorisClient() throws Exception {
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", edge.port())) {
			socket.setSoTimeout(5000);
			socket.getOutputStream().write("GET /ws/default HTTP/1.1\r\nHost: x\r\n".getBytes());
			long started = System.nanoTime();
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
		}
		// Others are served meanwhile.
		TestClient client = connect("default", "after-slowloris");
		client.send("ok");
		assertThat(client.nextText()).isEqualTo("ok");
		client.close(1000, "");
	}

	@Test
	void routeMaxConnectionsRefusesWith503AndFreesPlacesOnClose() {
		TestClient first = connect("capped", "cap-1");
		TestClient second = connect("capped", "cap-2");
		assertThat(TestClient.refusedStatus(edge.ws("/ws/capped?t=cap-3"))).isEqualTo(503);
		// Other routes are not capped by it.
		TestClient elsewhere = connect("default", "cap-elsewhere");
		first.close(1000, "");
		first.awaitClose(Duration.ofSeconds(5));
		awaitSessions("capped", 1);
		TestClient third = connect("capped", "cap-4");
		third.send("in");
		assertThat(third.nextText()).isEqualTo("in");
		second.close(1000, "");
		third.close(1000, "");
		elsewhere.close(1000, "");
	}

	@Test
	void maxConnectionsPerClientRefusesWith429AndBelievesOnlyTrustedProxies() {
		List<TestClient> open = new ArrayList<>();
		open.add(TestClient.connect(edge.ws("/ws/per-client?t=pc1"), Map.of("X-Forwarded-For", "203.0.113.1")));
		open.add(TestClient.connect(edge.ws("/ws/per-client?t=pc2"), Map.of("X-Forwarded-For", "203.0.113.1")));
		// The peer, 127.0.0.1, is a trusted proxy: the forwarded address is the client, so another one may connect.
		open.add(TestClient.connect(edge.ws("/ws/per-client?t=pc3"), Map.of("X-Forwarded-For", "203.0.113.2")));
		assertThat(refusedStatusWith("/ws/per-client?t=pc4", "203.0.113.1")).isEqualTo(429);
		assertThat(upstream.session("t=pc1").headers.get("X-Forwarded-For")).isEqualTo("203.0.113.1, 127.0.0.1");
		for (TestClient client : open) {
			client.close(1000, "");
		}
	}

	private static int refusedStatusWith(String path, String forwardedFor) {
		try {
			TestClient.connect(edge.ws(path), Map.of("X-Forwarded-For", forwardedFor));
		}
		catch (IllegalStateException ex) {
			Throwable cause = ex.getCause();
			while (cause != null && !(cause instanceof java.net.http.WebSocketHandshakeException)) {
				cause = cause.getCause();
			}
			if (cause != null) {
				return ((java.net.http.WebSocketHandshakeException) cause).getResponse().statusCode();
			}
			throw ex;
		}
		throw new AssertionError("Accepted");
	}

	@Test
	void clientOverTheRateIsClosedWithTheRateLimitPolicy() {
		TestClient client = connect("rate-close", "rate-close");
		for (int i = 0; i < 30 && !client.closed.isDone(); i++) {
			try {
				client.socket().sendText("m" + i, true).join();
			}
			catch (CompletionException ex) {
				// The edge's close frame arrived and the client answered it before telling the listener.
				break;
			}
		}
		assertThat(client.awaitClose(Duration.ofSeconds(5))).isEqualTo(new Close(4429, "rate limit exceeded"));
		assertThat(upstream.session("t=rate-close").awaitClose().code()).isEqualTo(1001);
	}

	@Test
	void messagesOverTheRateAreDroppedWhenTheActionIsDrop() throws Exception {
		TestClient client = connect("rate-drop", "rate-drop");
		long started = System.nanoTime();
		for (int i = 0; i < 10; i++) {
			client.send("m" + i);
		}
		double sendingSeconds = (System.nanoTime() - started) / 1e9;
		Thread.sleep(1100);
		client.send("later");
		TestUpstream.Session atUpstream = upstream.session("t=rate-drop");
		List<String> received = new ArrayList<>();
		String last = "";
		while (!last.equals("later")) {
			last = atUpstream.nextMessage().asText();
			received.add(last);
		}
		// The burst of 3 got through, plus what the rate (2/s) refilled while the sends went on; the rest were
		// dropped. On a loaded machine the sends take longer, so the bound follows the time they took.
		int refilled = (int) Math.ceil(sendingSeconds * 2) + 1;
		assertThat(received.size() - 1).isBetween(3, Math.min(9, 3 + refilled));
		assertThat(received.get(0)).isEqualTo("m0");
		assertThat(client.closed).isNotDone();
		client.close(1000, "");
	}

	@Test
	void peerThatNeverReadsIsClosedWithTheBufferOverflowPolicy() throws Exception {
		try (RawClient stalled = RawClient.connect(edge.port(), "/ws/slow?t=overflow", 4096)) {
			stalled.sendText("send 400 20000");
			WebSocketCloseStatus peer = upstream.session("t=overflow").awaitClose();
			assertThat(peer.code()).isEqualTo(1001);
			assertThat(peer.reasonText()).isEqualTo("peer is a slow consumer");
		}
		edge.awaitNoSessions();
	}

	@Test
	void peerThatStallsHoldsUpNoOtherSessionAndIsCutAfterTheCloseTimeout() throws Exception {
		try (RawClient stalled = RawClient.connect(edge.port(), "/ws/stall?t=stall", 4096)) {
			// Far more than the socket buffers hold: the edge's writes to this client never complete.
			stalled.sendText("send 400 20000");
			assertThat(upstream.session("t=stall").awaitClose().reasonText()).isEqualTo("peer is a slow consumer");
			// Other sessions, whichever event loop they share with the stalled one, are served meanwhile.
			List<TestClient> others = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				TestClient other = connect("default", "beside-stall-" + i);
				other.send("still served " + i);
				assertThat(other.nextText()).isEqualTo("still served " + i);
				others.add(other);
			}
			for (TestClient other : others) {
				other.close(1000, "");
				other.awaitClose(Duration.ofSeconds(5));
			}
			// The stalled client never answers the close frame queued behind what it does not read: it is cut.
			edge.awaitNoSessions();
		}
	}

	@Test
	void messageLargerThanMaxBufferedBytesFollowedAtOnceByOthersReachesAReadingClient() {
		TestClient client = connect("burst", "burst");
		// One message of 1 MB, sixteen times max-buffered-bytes, is queued whole when it is written; the small
		// ones behind it arrive in the same read. The client reads all along: it is no slow consumer.
		client.send("send 1 1000000 5 100");
		assertThat(client.nextText()).hasSize(1_000_000).startsWith("0:");
		for (int i = 0; i < 5; i++) {
			assertThat(client.nextText()).hasSize(100).startsWith(i + ":");
		}
		client.close(1000, "");
		assertThat(client.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1000);
	}

	@Test
	void slowReaderSlowsTheUpstreamInsteadOfOverflowing() throws Exception {
		int count = 250;
		try (RawClient slow = RawClient.connect(edge.port(), "/ws/backpressure?t=slow-reader", 4096)) {
			// 5 MB sent at once by the upstream, more than max-buffered-bytes (4 MB): only backpressure keeps the
			// edge from overflowing while this reader takes its time.
			slow.sendText("send " + count + " 20000");
			for (int i = 0; i < count; i++) {
				Frame frame = slow.readMessage();
				assertThat(frame.opcode()).isEqualTo(0x1);
				assertThat(frame.text()).startsWith(i + ":");
				if (i % 10 == 0) {
					Thread.sleep(5);
				}
			}
			slow.sendClose(1000, "");
			assertThat(slow.readUntilClose().closeCode()).isEqualTo(1000);
		}
	}

	@Test
	void clientThatVanishesClosesTheUpstreamWithTheClientGonePolicy() throws Exception {
		RawClient client = RawClient.connect(edge.port(), "/ws/default?t=vanish", 0);
		client.sendText("hello");
		assertThat(upstream.session("t=vanish").nextMessage().asText()).isEqualTo("hello");
		client.vanish();
		WebSocketCloseStatus peer = upstream.session("t=vanish").awaitClose();
		assertThat(peer.code()).isEqualTo(4410);
		assertThat(peer.reasonText()).isEqualTo("client left");
	}

	@Test
	void originOutsideTheRoutesListIsRefusedWith403() throws Exception {
		try (RawClient allowed = RawClient.connect(edge.port(), "/ws/origins?t=o1", 0, "Origin: https://app.example.com")) {
			assertThat(allowed.status()).isEqualTo(101);
		}
		try (RawClient pattern = RawClient.connect(edge.port(), "/ws/origins?t=o2", 0, "Origin: https://x.y.example.org")) {
			assertThat(pattern.status()).isEqualTo(101);
		}
		try (RawClient other = RawClient.connect(edge.port(), "/ws/origins?t=o3", 0, "Origin: https://evil.example")) {
			assertThat(other.status()).isEqualTo(403);
		}
		// No Origin: not a browser, allowed unless wsedge.require-origin is set.
		try (RawClient none = RawClient.connect(edge.port(), "/ws/origins?t=o4", 0)) {
			assertThat(none.status()).isEqualTo(101);
		}
	}

	private static void awaitSessions(String routeId, int count) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (edge.engine().sessions().stream().filter((s) -> s.routeId().equals(routeId)).count() != count) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Route " + routeId + " did not get to " + count + " sessions");
			}
			Thread.onSpinWait();
		}
	}

}
