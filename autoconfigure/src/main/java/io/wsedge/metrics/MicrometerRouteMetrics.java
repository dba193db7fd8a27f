package io.wsedge.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.wsedge.api.CloseInitiator;
import io.wsedge.api.FrameType;
import io.wsedge.api.SessionSummary;
import io.wsedge.engine.RouteMetrics;
import io.wsedge.engine.Side;
import io.wsedge.policy.ClosePolicyKind;
import io.wsedge.policy.Limits;

/**
 * The meters of one route.
 * <p>
 * The per-message meters ({@code wsedge.messages} and {@code wsedge.bytes}) are registered up front for every
 * direction and frame type and held in arrays indexed by ordinal, so recording a message is two adder
 * increments. Meters whose tag values are only known when they first happen (a rejection status, a policy, a
 * close code) are registered on first use and kept in a map of this route, so the registry is asked once per
 * tag value, and never per message.
 */
final class MicrometerRouteMetrics implements RouteMetrics {

	private static final FrameType[] TYPES = FrameType.values();

	private final MeterRegistry registry;

	private final Tags route;

	/** Indexed by {@code from.ordinal() * TYPES.length + type.ordinal()}. */
	private final Counter[] messages;

	/** Indexed like {@link #messages}. */
	private final Counter[] bytes;

	private final Counter[] compression = new Counter[8];

	/** By the sending side's ordinal, registered on first use. */
	private final Counter[] passThrough = new Counter[2];

	private final AtomicInteger active = new AtomicInteger();

	private final Timer duration;

	private final Counter accepted;

	private final Timer connected;

	private final Counter droppedByClientInterceptor;

	private final Counter droppedByUpstreamInterceptor;

	private final Map<String, Counter> droppedFromClient = new ConcurrentHashMap<>();

	private final Map<String, Counter> droppedFromUpstream = new ConcurrentHashMap<>();

	/** Indexed by {@link ClosePolicyKind#ordinal()}, registered on first use. */
	private final Counter[] violations = new Counter[ClosePolicyKind.values().length];

	/** By {@code side.ordinal() * 2 + (dropped ? 1 : 0)}, registered on first use. */
	private final Counter[] invalid = new Counter[4];

	private final Map<Integer, Counter> rejections = new ConcurrentHashMap<>();

	private final Map<String, Timer> connects = new ConcurrentHashMap<>();

	/** Keyed by {@code side.ordinal() * 10_000 + code}. */
	/** By the closing side's ordinal, then by {@link #codeTag}: a bounded set. */
	private final Map<String, Counter>[] closes = newCloseMaps();

	MicrometerRouteMetrics(MeterRegistry registry, String routeId) {
		this.registry = registry;
		this.route = Tags.of("route", routeId);
		Side[] sides = Side.values();
		this.messages = new Counter[sides.length * TYPES.length];
		this.bytes = new Counter[sides.length * TYPES.length];
		for (Side side : sides) {
			for (FrameType type : TYPES) {
				Tags tags = this.route.and("direction", tag(side), "type", tag(type));
				int index = side.ordinal() * TYPES.length + type.ordinal();
				this.messages[index] = Counter.builder(MicrometerEdgeMetrics.MESSAGES)
					.description("Messages and control frames received by the edge")
					.tags(tags)
					.register(registry);
				this.bytes[index] = Counter.builder(MicrometerEdgeMetrics.BYTES)
					.description("Payload bytes of the messages and control frames received by the edge")
					.baseUnit("bytes")
					.tags(tags)
					.register(registry);
			}
		}
		Gauge.builder(MicrometerEdgeMetrics.SESSIONS_ACTIVE, this.active, AtomicInteger::get)
			.description("Sessions open now")
			.tags(this.route)
			.strongReference(true)
			.register(registry);
		this.duration = Timer.builder(MicrometerEdgeMetrics.SESSIONS_DURATION)
			.description("How long sessions stayed open")
			.tags(this.route)
			.register(registry);
		this.accepted = handshakeCounter("accepted", 101);
		this.connected = connectTimer("success");
		this.droppedByClientInterceptor = droppedCounter(Side.CLIENT, "interceptor");
		this.droppedByUpstreamInterceptor = droppedCounter(Side.UPSTREAM, "interceptor");
		for (Side leg : Side.values()) {
			for (int received = 0; received < 2; received++) {
				for (int wire = 0; wire < 2; wire++) {
					this.compression[compressionIndex(leg, received == 1, wire == 1)] = Counter
						.builder(MicrometerEdgeMetrics.COMPRESSION_BYTES)
						.description("Bytes of data frames through permessage-deflate, compressed on the wire or as payload")
						.baseUnit("bytes")
						.tags(this.route)
						.tag("leg", leg.name().toLowerCase(java.util.Locale.ROOT))
						.tag("direction", (received == 1) ? "received" : "sent")
						.tag("form", (wire == 1) ? "wire" : "payload")
						.register(registry);
				}
			}
		}
	}

	@Override
	public void compression(Side leg, boolean received, boolean wire, long bytes) {
		this.compression[compressionIndex(leg, received, wire)].increment(bytes);
	}

	private static int compressionIndex(Side leg, boolean received, boolean wire) {
		return leg.ordinal() * 4 + (received ? 2 : 0) + (wire ? 1 : 0);
	}

	@Override
	public void compressionPassThrough(Side from) {
		Counter counter = this.passThrough[from.ordinal()];
		if (counter == null) {
			// Registering is idempotent, so a race between two event loops costs one extra look-up at most.
			counter = Counter.builder(MicrometerEdgeMetrics.COMPRESSION_PASS_THROUGH)
				.description("Sessions that relay one side's compressed messages as they came")
				.tags(this.route)
				.tag("direction", tag(from))
				.register(this.registry);
			this.passThrough[from.ordinal()] = counter;
		}
		counter.increment();
	}

	@Override
	public void received(Side from, FrameType type, long bytes) {
		int index = from.ordinal() * TYPES.length + type.ordinal();
		this.messages[index].increment();
		this.bytes[index].increment(bytes);
	}

	@Override
	public void dropped(Side from, String reason) {
		if ("interceptor".equals(reason)) {
			((from == Side.CLIENT) ? this.droppedByClientInterceptor : this.droppedByUpstreamInterceptor).increment();
			return;
		}
		Map<String, Counter> counters = (from == Side.CLIENT) ? this.droppedFromClient : this.droppedFromUpstream;
		Counter counter = counters.get(reason);
		if (counter == null) {
			counter = counters.computeIfAbsent(reason, (key) -> droppedCounter(from, key));
		}
		counter.increment();
	}

	@Override
	public void invalidMessage(Side from, boolean dropped) {
		int index = from.ordinal() * 2 + (dropped ? 1 : 0);
		Counter counter = this.invalid[index];
		if (counter == null) {
			counter = Counter.builder(MicrometerEdgeMetrics.MESSAGES_INVALID)
				.description("Messages that failed the route's validation")
				.tags(this.route)
				.tag("direction", tag(from))
				.tag("action", dropped ? "drop" : "close")
				.register(this.registry);
			this.invalid[index] = counter;
		}
		counter.increment();
	}

	@Override
	public void violation(ClosePolicyKind policy) {
		Counter counter = this.violations[policy.ordinal()];
		if (counter == null) {
			// Registering is idempotent, so a race between two event loops costs one extra look-up at most.
			counter = Counter.builder(MicrometerEdgeMetrics.POLICY_VIOLATIONS)
				.description("Limits and close policies violated")
				.tags(this.route)
				.tag("policy", policy.key())
				.register(this.registry);
			this.violations[policy.ordinal()] = counter;
		}
		counter.increment();
	}

	@Override
	public void handshake(boolean accepted, int status) {
		// An accepted upgrade is always answered with 101 (RFC 6455 §4.2.2).
		if (accepted) {
			this.accepted.increment();
			return;
		}
		Counter counter = this.rejections.get(status);
		if (counter == null) {
			counter = this.rejections.computeIfAbsent(status, (key) -> handshakeCounter("rejected", key));
		}
		counter.increment();
	}

	@Override
	public void upstreamConnect(long nanos, String outcome) {
		Timer timer = "success".equals(outcome) ? this.connected : this.connects.get(outcome);
		if (timer == null) {
			timer = this.connects.computeIfAbsent(outcome, this::connectTimer);
		}
		timer.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void sessionOpened() {
		this.active.incrementAndGet();
	}

	@Override
	public void sessionEnded(SessionSummary summary) {
		this.active.decrementAndGet();
		this.duration.record(summary.duration());
		CloseInitiator side = summary.closedBy();
		// The code on the leg of the side that closed first; when the edge closed, the code it sent the client.
		int code = (side == CloseInitiator.UPSTREAM) ? summary.upstreamCloseStatus() : summary.clientCloseStatus();
		closeCounter(side, code).increment();
	}

	private Counter closeCounter(CloseInitiator side, int code) {
		String tag = codeTag(code);
		Map<String, Counter> counters = this.closes[side.ordinal()];
		Counter counter = counters.get(tag);
		if (counter == null) {
			counter = counters.computeIfAbsent(tag, (key) -> closeCounter(side, key));
		}
		return counter;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Counter>[] newCloseMaps() {
		Map<String, Counter>[] maps = new Map[CloseInitiator.values().length];
		for (int i = 0; i < maps.length; i++) {
			maps[i] = new ConcurrentHashMap<>();
		}
		return maps;
	}

	/**
	 * The {@code code} tag of a close status. Peers choose their own codes in 3000-4999 and may send anything,
	 * so only the codes of RFC 6455 §7.4.1 get their own series; registered and private codes are counted by
	 * range, and codes no peer may send as {@code invalid}: a client cannot grow the series or crowd out the
	 * codes an operator watches.
	 */
	static String codeTag(int code) {
		if (code >= 1000 && code <= 1015) {
			return Integer.toString(code);
		}
		if (code >= 3000 && code <= 3999) {
			return "3xxx";
		}
		if (code >= 4000 && code <= 4999) {
			return "4xxx";
		}
		return "invalid";
	}

	private Counter closeCounter(CloseInitiator side, String code) {
		return Counter.builder(MicrometerEdgeMetrics.CLOSES)
			.description("Sessions ended, by the side that closed first and its close code")
			.tags(this.route)
			.tag("side", side.name().toLowerCase(Locale.ROOT))
			.tag("code", code)
			.register(this.registry);
	}

	private Counter handshakeCounter(String outcome, int status) {
		return Counter.builder(MicrometerEdgeMetrics.HANDSHAKES)
			.description("Upgrade requests answered, by outcome and HTTP status")
			.tags(this.route)
			.tag("outcome", outcome)
			.tag("status", Integer.toString(status))
			.register(this.registry);
	}

	private Timer connectTimer(String outcome) {
		return Timer.builder(MicrometerEdgeMetrics.UPSTREAM_CONNECT)
			.description("Time taken to dial the upstream and complete its handshake, by outcome")
			.tags(this.route)
			.tag("outcome", outcome)
			.register(this.registry);
	}

	private Counter droppedCounter(Side from, String reason) {
		return Counter.builder(MicrometerEdgeMetrics.MESSAGES_DROPPED)
			.description("Messages dropped instead of forwarded, by interceptors or policies")
			.tags(this.route)
			.tag("direction", tag(from))
			.tag("reason", reason)
			.register(this.registry);
	}

	private static String tag(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

}
