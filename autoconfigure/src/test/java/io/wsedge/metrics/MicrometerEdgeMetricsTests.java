package io.wsedge.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.wsedge.api.CloseInitiator;
import io.wsedge.api.EdgeSession;
import io.wsedge.api.FrameType;
import io.wsedge.api.SessionSummary;
import io.wsedge.engine.NamedInterceptor.InterceptorMeter;
import io.wsedge.engine.RouteMetrics;
import io.wsedge.engine.Side;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * {@link MicrometerEdgeMetrics} without an edge: what is registered when, and the tag rules.
 */
class MicrometerEdgeMetricsTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final MicrometerEdgeMetrics metrics = new MicrometerEdgeMetrics(this.registry);

	@Test
	void recordingMessagesRegistersNothing() {
		RouteMetrics route = this.metrics.route("chat");
		int meters = this.registry.getMeters().size();
		for (Side side : Side.values()) {
			for (FrameType type : FrameType.values()) {
				route.received(side, type, 10);
			}
		}
		route.dropped(Side.CLIENT, "interceptor");
		route.dropped(Side.UPSTREAM, "interceptor");
		route.handshake(true, 101);
		route.upstreamConnect(1_000, "success");
		route.sessionOpened();
		assertThat(this.registry.getMeters()).hasSize(meters);
		assertThat(this.registry.get(MicrometerEdgeMetrics.BYTES)
			.tags("route", "chat", "direction", "upstream", "type", "pong")
			.counter()
			.count()).isEqualTo(10);
		assertThat(this.registry.get(MicrometerEdgeMetrics.SESSIONS_ACTIVE).tags("route", "chat").gauge().value())
			.isEqualTo(1);
	}

	@Test
	void sameRouteAndInterceptorGiveTheSameMeters() {
		assertThat(this.metrics.route("chat")).isSameAs(this.metrics.route("chat"));
		InterceptorMeter meter = this.metrics.interceptor("auth");
		assertThat(this.metrics.interceptor("auth")).isSameAs(meter);
		assertThat(meter.timed()).isTrue();
	}

	@Test
	void messageDroppedByAPolicyIsTaggedWithThePolicy() {
		RouteMetrics route = this.metrics.route("chat");
		route.dropped(Side.UPSTREAM, "rate-limit");
		route.dropped(Side.UPSTREAM, "rate-limit");
		assertThat(this.registry.get(MicrometerEdgeMetrics.MESSAGES_DROPPED)
			.tags("route", "chat", "direction", "upstream", "reason", "rate-limit")
			.counter()
			.count()).isEqualTo(2);
	}

	@Test
	void closeByTheEdgeIsCountedWithTheCodeSentToTheClient() {
		RouteMetrics route = this.metrics.route("chat");
		route.sessionOpened();
		route.sessionEnded(summary(CloseInitiator.EDGE, 1008, 1001));
		route.sessionOpened();
		route.sessionEnded(summary(CloseInitiator.UPSTREAM, 1001, 4002));
		assertThat(this.registry.get(MicrometerEdgeMetrics.CLOSES)
			.tags("route", "chat", "side", "edge", "code", "1008")
			.counter()
			.count()).isEqualTo(1);
		assertThat(this.registry.get(MicrometerEdgeMetrics.CLOSES)
			.tags("route", "chat", "side", "upstream", "code", "4xxx")
			.counter()
			.count()).isEqualTo(1);
		assertThat(this.registry.get(MicrometerEdgeMetrics.SESSIONS_DURATION).tags("route", "chat").timer().count())
			.isEqualTo(2);
		assertThat(this.registry.get(MicrometerEdgeMetrics.SESSIONS_ACTIVE).tags("route", "chat").gauge().value())
			.isZero();
	}

	@Test
	void peerChosenCloseCodesAreCountedByRangeSoTheyCannotCrowdOutStandardCodes() {
		RouteMetrics route = this.metrics.route("chat");
		for (int code = 3000; code < 5000; code++) {
			route.sessionOpened();
			route.sessionEnded(summary(CloseInitiator.CLIENT, code, code));
		}
		for (int code : new int[] { 999, 1016, 2999, 5000, 65535 }) {
			route.sessionOpened();
			route.sessionEnded(summary(CloseInitiator.CLIENT, code, code));
		}
		route.sessionOpened();
		route.sessionEnded(summary(CloseInitiator.CLIENT, 1001, 1001));
		assertThat(this.registry.find(MicrometerEdgeMetrics.CLOSES).counters()).hasSize(4);
		assertThat(closes("3xxx")).isEqualTo(1000);
		assertThat(closes("4xxx")).isEqualTo(1000);
		assertThat(closes("invalid")).isEqualTo(5);
		assertThat(closes("1001")).isEqualTo(1);
	}

	private double closes(String code) {
		return this.registry.get(MicrometerEdgeMetrics.CLOSES)
			.tags("route", "chat", "side", "client", "code", code)
			.counter()
			.count();
	}

	private static SessionSummary summary(CloseInitiator closedBy, int clientStatus, int upstreamStatus) {
		EdgeSession session = mock(EdgeSession.class);
		return new SessionSummary(session, clientStatus, "", upstreamStatus, "", closedBy, Duration.ofSeconds(3), 0,
				0, 0, 0);
	}

}
