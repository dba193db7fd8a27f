package io.wsedge.observation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.api.FrameType;
import io.wsedge.observation.TracingIntegrationTests.TracingConfiguration;
import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * {@code wsedge.observations.messages}: each message a span under its session's, with its direction, type and
 * what became of it; a sampling ratio outside 0..1 fails startup naming the property.
 */
class MessageObservationIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void everyMessageIsAChildOfItsSessionWithItsOutcome() {
		try (TestUpstream upstream = TestUpstream.start();
				EdgeApp edge = EdgeApp.start(Map.of("wsedge.routes[0].id", "echo", "wsedge.routes[0].path", "/ws/echo",
						"wsedge.routes[0].upstream", upstream.uri("/echo").toString(), "wsedge.observations.messages",
						"true"), Dropping.class)) {
			SimpleTracer tracer = edge.context().getBean(SimpleTracer.class);
			TestClient client = TestClient.connect(edge.ws("/ws/echo"));
			client.send("hello");
			assertThat(client.nextText()).isEqualTo("hello");
			client.send("drop me");
			client.send("after");
			assertThat(client.nextText()).isEqualTo("after");
			client.close(1000, "");
			client.awaitClose(TIMEOUT);
			SimpleSpan session = await().atMost(TIMEOUT)
				.until(() -> tracer.getSpans()
					.stream()
					.filter((span) -> "websocket session echo".equals(span.getName()) && ended(span))
					.toList(), (spans) -> spans.size() == 1)
				.get(0);
			List<Map<String, String>> messages = tracer.getSpans()
				.stream()
				.filter((span) -> "websocket message echo".equals(span.getName()))
				.peek((span) -> assertThat(span.getParentId()).isEqualTo(session.getSpanId()))
				.peek((span) -> assertThat(span.getTraceId()).isEqualTo(session.getTraceId()))
				.map(SimpleSpan::getTags)
				.toList();
			assertThat(messages).filteredOn((tags) -> "text".equals(tags.get("type")))
				.extracting((tags) -> tags.get("direction") + " " + tags.get("outcome") + " " + tags.get("size"))
				.containsExactlyInAnyOrder("client forwarded 5", "client dropped 7", "client forwarded 5",
						"upstream forwarded 5", "upstream forwarded 5");
			assertThat(messages).filteredOn((tags) -> "close".equals(tags.get("type")))
				.extracting((tags) -> tags.get("direction"))
				.contains("client");
		}
	}

	@Test
	void samplingRatioOutsideZeroToOneFailsStartup() {
		assertThatException()
			.isThrownBy(() -> EdgeApp
				.start(Map.of("wsedge.routes[0].id", "echo", "wsedge.routes[0].path", "/ws/echo",
						"wsedge.routes[0].upstream", "ws://127.0.0.1:9/echo", "wsedge.observations.messages", "true",
						"wsedge.observations.messages-sampling-ratio", "1.5"))
				.close())
			.havingRootCause()
			.withMessageContaining("wsedge.observations.messages-sampling-ratio");
	}

	private static boolean ended(SimpleSpan span) {
		Instant end = span.getEndTimestamp();
		return end != null && end.isAfter(Instant.EPOCH);
	}

	@Configuration(proxyBeanMethods = false)
	@Import(TracingConfiguration.class)
	static class Dropping {

		@Bean
		ClientFrameInterceptor dropper() {
			return (frame) -> {
				if (frame.type() == FrameType.TEXT && frame.text().equals("drop me")) {
					frame.drop();
				}
			};
		}

	}

}
