package io.wsedge.observation;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.RawClient;
import io.wsedge.testsupport.SilentServer;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The edge's observations seen through a tracer (Micrometer's {@link SimpleTracer}, a W3C propagator): the
 * spans of accepted and refused upgrades and of failed dials, their parent-child links, and the trace context
 * the upstream receives; on both stacks.
 */
class TracingIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String CLIENT_TRACE = "0af7651916cd43dd8448eb211c80319c";

	private static final String CLIENT_SPAN = "b7ad6b7169203331";

	private static final TestUpstream upstream = TestUpstream.start();

	private static final Map<Stack, EdgeApp> edges = new EnumMap<>(Stack.class);

	@AfterAll
	static void stop() {
		edges.values().forEach(EdgeApp::close);
		upstream.close();
	}

	private static synchronized EdgeApp edge(Stack stack) {
		return edges.computeIfAbsent(stack, (key) -> {
			Map<String, String> properties = new LinkedHashMap<>();
			route(properties, 0, "echo", "/ws/echo", upstream.uri("/echo").toString());
			route(properties, 1, "forbidden", "/ws/forbidden", upstream.uri("/forbidden").toString());
			try {
				route(properties, 2, "dead", "/ws/dead", "ws://127.0.0.1:" + SilentServer.closedPort() + "/x");
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
			route(properties, 3, "origins", "/ws/origins", upstream.uri("/echo").toString());
			properties.put("wsedge.routes[3].allowed-origins[0]", "https://app.example.com");
			return EdgeApp.start(key, properties, TracingConfiguration.class);
		});
	}

	private static void route(Map<String, String> properties, int index, String id, String path, String uri) {
		properties.put("wsedge.routes[" + index + "].id", id);
		properties.put("wsedge.routes[" + index + "].path", path);
		properties.put("wsedge.routes[" + index + "].upstream", uri);
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void acceptedUpgradeContinuesTheClientsTraceToTheUpstreamAndIntoTheSession(Stack stack) {
		EdgeApp edge = edge(stack);
		SimpleTracer tracer = edge.context().getBean(SimpleTracer.class);
		String marker = "accepted-" + stack;
		TestClient client = TestClient.connect(edge.ws("/ws/echo?m=" + marker),
				Map.of(W3cTestPropagator.TRACEPARENT, W3cTestPropagator.traceparent(CLIENT_TRACE, CLIENT_SPAN)));
		client.send("hello");
		assertThat(client.nextText()).isEqualTo("hello");
		TestUpstream.Session atUpstream = upstream.session(marker);

		SimpleSpan upgrade = awaitSpan(tracer, "websocket upgrade echo", marker);
		assertThat(upgrade.getKind()).isEqualTo(Span.Kind.SERVER);
		assertThat(upgrade.getTraceId()).isEqualTo(CLIENT_TRACE);
		assertThat(upgrade.getParentId()).isEqualTo(CLIENT_SPAN);
		assertThat(upgrade.getTags()).containsEntry("route", "echo")
			.containsEntry("outcome", "accepted")
			.containsEntry("status", "101")
			.containsEntry("refused.by", "none")
			.containsEntry("upstream.target", upstream.uri("/echo").toString())
			.containsKey("client.address");
		SimpleSpan connect = onlyChild(tracer, upgrade, "websocket connect echo");
		assertThat(connect.getKind()).isEqualTo(Span.Kind.CLIENT);
		assertThat(connect.getTags()).containsEntry("outcome", "success").containsEntry("status", "101");
		// The upstream's handshake carries the dial's span as parent: its trace joins the edge's.
		assertThat(atUpstream.headers.get(W3cTestPropagator.TRACEPARENT))
			.isEqualTo(W3cTestPropagator.traceparent(CLIENT_TRACE, connect.getSpanId()));

		client.close(4001, "bye");
		client.awaitClose(TIMEOUT);
		SimpleSpan session = await().atMost(TIMEOUT).until(() -> childrenOf(tracer, upgrade, "websocket session echo"),
				(spans) -> spans.size() == 1 && ended(spans.get(0))).get(0);
		assertThat(session.getTags()).containsEntry("route", "echo")
			.containsEntry("closed.by", "client")
			.containsEntry("close.code.client", "4001")
			.containsEntry("close.code.upstream", "4001")
			.containsEntry("messages.client", "1")
			.containsEntry("messages.upstream", "1");
		// wsedge.observations.messages is off by default.
		assertThat(tracer.getSpans()).noneMatch((span) -> "websocket message echo".equals(span.getName()));
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void upgradeRefusedByTheUpstreamHasAFailedDialAsChild(Stack stack) {
		EdgeApp edge = edge(stack);
		SimpleTracer tracer = edge.context().getBean(SimpleTracer.class);
		String marker = "refused-" + stack;
		assertThat(TestClient.refusedStatus(edge.ws("/ws/forbidden?m=" + marker))).isEqualTo(403);
		SimpleSpan upgrade = awaitSpan(tracer, "websocket upgrade forbidden", marker);
		assertThat(upgrade.getTags()).containsEntry("outcome", "refused")
			.containsEntry("status", "403")
			.containsEntry("refused.by", "upstream");
		SimpleSpan connect = onlyChild(tracer, upgrade, "websocket connect forbidden");
		assertThat(connect.getTags()).containsEntry("outcome", "refused").containsEntry("status", "403");
		assertThat(connect.getError()).isNotNull();
		assertThat(childrenOf(tracer, upgrade, "websocket session forbidden")).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void unreachableUpstreamIsAFailedDialUnderA502(Stack stack) {
		EdgeApp edge = edge(stack);
		SimpleTracer tracer = edge.context().getBean(SimpleTracer.class);
		String marker = "dead-" + stack;
		assertThat(TestClient.refusedStatus(edge.ws("/ws/dead?m=" + marker))).isEqualTo(502);
		SimpleSpan upgrade = awaitSpan(tracer, "websocket upgrade dead", marker);
		assertThat(upgrade.getTags()).containsEntry("outcome", "refused")
			.containsEntry("status", "502")
			.containsEntry("refused.by", "upstream");
		SimpleSpan connect = onlyChild(tracer, upgrade, "websocket connect dead");
		assertThat(connect.getTags()).containsEntry("outcome", "unreachable").containsEntry("status", "502");
		assertThat(connect.getError()).isNotNull();
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void upgradeRefusedBeforeTheDialHasNoDialSpan(Stack stack) throws Exception {
		EdgeApp edge = edge(stack);
		SimpleTracer tracer = edge.context().getBean(SimpleTracer.class);
		String marker = "origin-" + stack;
		try (RawClient client = RawClient.connect(edge.port(), "/ws/origins?m=" + marker, 0,
				"Origin: https://evil.example")) {
			assertThat(client.status()).isEqualTo(403);
		}
		SimpleSpan upgrade = awaitSpan(tracer, "websocket upgrade origins", marker);
		assertThat(upgrade.getTags()).containsEntry("status", "403").containsEntry("refused.by", "origin");
		assertThat(childrenOf(tracer, upgrade, "websocket connect origins")).isEmpty();
	}

	/** The ended upgrade span of the request whose client address and marker are the test's. */
	private static SimpleSpan awaitSpan(SimpleTracer tracer, String name, String marker) {
		// The marker is in the upstream target only once dialled; the refused ones are told apart by route and
		// stack, as each stack has its own edge and each test its own route.
		return await().atMost(TIMEOUT)
			.until(() -> tracer.getSpans().stream().filter((span) -> name.equals(span.getName()) && ended(span)).toList(),
					(spans) -> spans.size() == 1)
			.get(0);
	}

	private static SimpleSpan onlyChild(SimpleTracer tracer, SimpleSpan parent, String name) {
		List<SimpleSpan> children = await().atMost(TIMEOUT)
			.alias("one ended " + name + " under " + parent.getSpanId() + " among " + tracer.getSpans())
			.until(() -> childrenOf(tracer, parent, name), (spans) -> spans.size() == 1 && ended(spans.get(0)));
		SimpleSpan child = children.get(0);
		assertThat(child.getTraceId()).isEqualTo(parent.getTraceId());
		return child;
	}

	private static List<SimpleSpan> childrenOf(SimpleTracer tracer, SimpleSpan parent, String name) {
		return tracer.getSpans()
			.stream()
			.filter((span) -> name.equals(span.getName()) && parent.getSpanId().equals(span.getParentId()))
			.toList();
	}

	private static boolean ended(SimpleSpan span) {
		Instant end = span.getEndTimestamp();
		return end != null && end.isAfter(Instant.EPOCH);
	}

	@Configuration(proxyBeanMethods = false)
	static class TracingConfiguration {

		@Bean
		SimpleTracer tracer() {
			return new SimpleTracer();
		}

		@Bean
		ObservationHandler<Observation.Context> tracingHandler(SimpleTracer tracer) {
			W3cTestPropagator propagator = new W3cTestPropagator(tracer);
			return new ObservationHandler.FirstMatchingCompositeObservationHandler(
					new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
					new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
					new DefaultTracingObservationHandler(tracer));
		}

	}

}
