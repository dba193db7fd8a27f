package io.wsedge.engine;

import io.wsedge.policy.CloseCodes;
import io.wsedge.policy.ClosePolicies;
import io.wsedge.policy.ClosePolicy;
import io.wsedge.policy.Limits;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.http.HttpHeaders;

import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.EventExecutor;
import io.wsedge.api.CloseInitiator;
import io.wsedge.api.EdgeSession;
import io.wsedge.api.SessionSummary;

/**
 * A proxied session: the two legs, a relay for each direction, and the closing handshake that ties them.
 * <p>
 * Confined to one executor (the client leg's event loop, on which the upstream leg is placed too): no locks.
 * Calls from other threads go through {@link #execute}.
 * <p>
 * Closing follows RFC 6455 §7 on both legs. A close frame from one side is forwarded to the other; the
 * other side's answer is forwarded back as the answer to the first, so each side sees the other's codes and
 * no message still in flight toward the closing side is lost. When the edge closes on its own, each side gets
 * its own close frame and their answers end there. A side that vanishes without a close frame closes the
 * other with the {@code client-gone} or {@code upstream-failure} policy.
 */
public final class ProxySession implements EdgeSession, LegListener {

	private static final Log logger = LogFactory.getLog(ProxySession.class);

	static final int BLOCKED_BY_PEER = 1;

	static final int BLOCKED_BY_DEFER = 2;

	private final EdgeEngine engine;

	private final EdgeRoute route;

	private final String id;

	private final InetSocketAddress remoteAddress;

	private final URI uri;

	private final HttpHeaders handshakeHeaders;

	private final Principal principal;

	private volatile Map<String, Object> attributes;

	private final Instant startedAt = Instant.now();

	private final long startNanos = System.nanoTime();

	private final Relay fromClient;

	private final Relay fromUpstream;

	private final CompletableFuture<SessionSummary> end = new CompletableFuture<>();

	private String subprotocol;

	private Leg client;

	private Leg upstream;

	private EventExecutor executor;

	private int clientReadBlocks;

	private int upstreamReadBlocks;

	private boolean closing;

	private CloseInitiator initiator;

	private Side awaitingAnswer;

	private boolean clientClosed;

	private boolean upstreamClosed;

	private int clientStatus = CloseCodes.ABNORMAL;

	private String clientReason = "";

	private boolean clientStatusKnown;

	private int upstreamStatus = CloseCodes.ABNORMAL;

	private String upstreamReason = "";

	private boolean upstreamStatusKnown;

	private boolean ended;

	private Admission admission;

	private long lastActivity;

	private ScheduledFuture<?> idleTimer;

	private ScheduledFuture<?> pingTimer;

	private ScheduledFuture<?> pongTimer;

	private long pingsSent;

	private long pongsReceived;

	public ProxySession(EdgeEngine engine, EdgeRoute route, InetSocketAddress remoteAddress, URI uri,
			HttpHeaders handshakeHeaders, Principal principal, Map<String, Object> attributes) {
		this.engine = engine;
		this.route = route;
		this.id = newId();
		this.remoteAddress = remoteAddress;
		this.uri = uri;
		this.handshakeHeaders = HttpHeaders.readOnlyHttpHeaders(handshakeHeaders);
		this.principal = principal;
		this.attributes = (attributes == null || attributes.isEmpty()) ? null : new ConcurrentHashMap<>(attributes);
		Limits limits = route.limits();
		this.fromClient = new Relay(this, Side.CLIENT, route.chain(Side.CLIENT), limits);
		this.fromUpstream = new Relay(this, Side.UPSTREAM, route.chain(Side.UPSTREAM), limits);
	}

	private static String newId() {
		return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
	}

	/**
	 * Starts relaying between two connected legs. Must be called on the client leg's executor.
	 * @param client the client leg
	 * @param upstream the upstream leg, on the same executor
	 * @param subprotocol the subprotocol both legs agreed on, or {@code null}
	 * @param admission the session's place under the connection caps, released when it ends; {@code null}
	 * when nothing counts it
	 */
	public void start(Leg client, Leg upstream, String subprotocol, Admission admission) {
		this.client = client;
		this.upstream = upstream;
		this.subprotocol = subprotocol;
		this.admission = admission;
		this.executor = client.executor();
		this.fromClient.bind(client, upstream);
		this.fromUpstream.bind(upstream, client);
		this.engine.opened(this);
		this.route.metrics().sessionOpened();
		Limits limits = limits();
		if (!limits.idleTimeout().isZero()) {
			this.lastActivity = System.nanoTime();
			this.idleTimer = this.executor.schedule(this::checkIdle, limits.idleTimeout().toNanos(),
					TimeUnit.NANOSECONDS);
		}
		if (!limits.pingInterval().isZero()) {
			this.pingTimer = this.executor.schedule(this::ping, limits.pingInterval().toNanos(), TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * Cuts both connections now, for sessions still open when the drain timeout ends; callable from any thread.
	 */
	public void abort() {
		execute(() -> {
			this.client.terminate();
			this.upstream.terminate();
		});
	}

	// Timers

	/** Data moved; called per message only when an idle timeout is set. */
	void activity() {
		if (this.idleTimer != null) {
			this.lastActivity = System.nanoTime();
		}
	}

	private void checkIdle() {
		if (this.closing) {
			return;
		}
		long timeout = limits().idleTimeout().toNanos();
		long idle = System.nanoTime() - this.lastActivity;
		if (idle >= timeout) {
			ClosePolicy policy = this.route.closePolicies().idleTimeout();
			metrics().violation("idle-timeout");
			closeByEdge(policy.code(), policy.reason(), policy.code(), policy.reason());
		}
		else {
			this.idleTimer = this.executor.schedule(this::checkIdle, timeout - idle, TimeUnit.NANOSECONDS);
		}
	}

	private void ping() {
		if (this.closing || this.client.closeSent()) {
			return;
		}
		long sequence = ++this.pingsSent;
		this.client.write(new PingWebSocketFrame(EdgePings.payload(sequence)));
		this.client.flush();
		this.pongTimer = this.executor.schedule(() -> checkPong(sequence), limits().pongTimeout().toNanos(),
				TimeUnit.NANOSECONDS);
		this.pingTimer = this.executor.schedule(this::ping, limits().pingInterval().toNanos(), TimeUnit.NANOSECONDS);
	}

	private void checkPong(long sequence) {
		if (!this.closing && this.pongsReceived < sequence) {
			policyClose("ping-timeout", this.route.closePolicies().pingTimeout(), Side.CLIENT);
		}
	}

	/** The client answered an edge ping. */
	void edgePong(long sequence) {
		if (sequence > this.pongsReceived && sequence <= this.pingsSent) {
			this.pongsReceived = sequence;
		}
	}

	void rateLimited() {
		policyClose("rate-limit", this.route.closePolicies().rateLimit(), Side.CLIENT);
	}

	/**
	 * Closes both sides with the shutdown policy; callable from any thread.
	 */
	public void shutdown() {
		execute(() -> {
			if (this.closing) {
				return;
			}
			ClosePolicy policy = this.route.closePolicies().shutdown();
			metrics().violation("shutdown");
			closeByEdge(policy.code(), policy.reason(), policy.code(), policy.reason());
		});
	}

	/**
	 * Completes with the session's account once both legs have closed.
	 * @return the end of the session
	 */
	public CompletableFuture<SessionSummary> end() {
		return this.end;
	}

	/**
	 * Runs a task on the session's executor.
	 * @param task the task
	 */
	public void execute(Runnable task) {
		this.executor.execute(task);
	}

	/**
	 * Closes both sides with the same code, for operators and shutdown; callable from any thread.
	 * @param code the close status
	 * @param reason the close reason
	 */
	public void closeFromOutside(int code, String reason) {
		execute(() -> closeByEdge(code, reason, code, reason));
	}

	// EdgeSession

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public String routeId() {
		return this.route.id();
	}

	@Override
	public InetSocketAddress remoteAddress() {
		return this.remoteAddress;
	}

	@Override
	public URI uri() {
		return this.uri;
	}

	@Override
	public HttpHeaders handshakeHeaders() {
		return this.handshakeHeaders;
	}

	@Override
	public Optional<Principal> principal() {
		return Optional.ofNullable(this.principal);
	}

	@Override
	public Optional<String> subprotocol() {
		return Optional.ofNullable(this.subprotocol);
	}

	@Override
	public Map<String, Object> attributes() {
		Map<String, Object> attributes = this.attributes;
		if (attributes == null) {
			synchronized (this) {
				attributes = this.attributes;
				if (attributes == null) {
					attributes = new ConcurrentHashMap<>();
					this.attributes = attributes;
				}
			}
		}
		return attributes;
	}

	public EdgeRoute route() {
		return this.route;
	}

	public Instant startedAt() {
		return this.startedAt;
	}

	/**
	 * Data messages received from one side so far.
	 * @param from the sender
	 * @return the message count
	 */
	public long messages(Side from) {
		return relay(from).messages;
	}

	/**
	 * Payload bytes of the data messages received from one side so far.
	 * @param from the sender
	 * @return the byte count
	 */
	public long bytes(Side from) {
		return relay(from).bytes;
	}

	boolean isEnded() {
		return this.ended;
	}

	Limits limits() {
		return this.route.limits();
	}

	RouteMetrics metrics() {
		return this.route.metrics();
	}

	EventExecutor executor() {
		return this.executor;
	}

	// LegListener

	@Override
	public void onFrame(Side side, WebSocketFrame frame) {
		if (this.ended) {
			frame.release();
			return;
		}
		relay(side).onFrame(frame);
	}

	@Override
	public void onReadComplete(Side side) {
		leg(side.other()).flush();
	}

	@Override
	public void onWritabilityChanged(Side side) {
		if (leg(side).isWritable()) {
			unblockReading(side.other(), BLOCKED_BY_PEER);
		}
	}

	@Override
	public void onProtocolError(Side side, int code, String reason) {
		ClosePolicies policies = this.route.closePolicies();
		boolean tooBig = code == CloseCodes.MESSAGE_TOO_BIG;
		ClosePolicy policy = tooBig ? policies.payloadTooBig()
				: (side == Side.CLIENT) ? policies.clientGone() : policies.upstreamFailure();
		int sentCode = tooBig ? policy.code() : code;
		String sentReason = tooBig ? policy.reason() : truncate(reason);
		record(side, sentCode, sentReason);
		metrics().violation(tooBig ? "payload-too-big" : (side == Side.CLIENT) ? "client-gone" : "upstream-failure");
		leg(side).fail(sentCode, sentReason);
		if (!this.closing) {
			this.closing = true;
			this.initiator = initiatorOf(side);
		}
		this.awaitingAnswer = null;
		if (tooBig) {
			sendClose(side.other(), policy.peerCode(), policy.peerReason());
		}
		else {
			sendClose(side.other(), policy.code(), policy.reason());
		}
		leg(side.other()).flush();
	}

	/** Keeps a reason within the 123 bytes a close frame holds. */
	private static String truncate(String reason) {
		String text = (reason != null) ? reason : "";
		while (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > CloseCodes.MAX_REASON_BYTES) {
			text = text.substring(0, text.length() - 1);
		}
		return text;
	}

	@Override
	public void onClosed(Side side) {
		if (side == Side.CLIENT) {
			this.clientClosed = true;
		}
		else {
			this.upstreamClosed = true;
		}
		if (!this.closing) {
			// The side vanished without a close frame.
			this.closing = true;
			this.initiator = initiatorOf(side);
			ClosePolicy policy = (side == Side.CLIENT) ? this.route.closePolicies().clientGone()
					: this.route.closePolicies().upstreamFailure();
			metrics().violation((side == Side.CLIENT) ? "client-gone" : "upstream-failure");
			sendClose(side.other(), policy.code(), policy.reason());
		}
		else if (this.awaitingAnswer == side.other()) {
			// The side that was to answer the other's close frame is gone: answer with the other's own code.
			this.awaitingAnswer = null;
			sendClose(side.other(), status(side.other()), reason(side.other()));
		}
		if (this.clientClosed && this.upstreamClosed) {
			finish();
		}
	}

	// Called by the relays

	/**
	 * A close frame from {@code from} reached the end of its interceptor chain.
	 */
	void closeFrom(Side from, int originalStatus, String originalReason, int status, String reason) {
		record(from, originalStatus, originalReason);
		Side to = from.other();
		if (leg(from).closeSent()) {
			// This is the answer to a close frame the edge sent; the leg ends itself. If that close frame was
			// the other side's, this answer is the other side's answer.
			if (this.awaitingAnswer == to) {
				this.awaitingAnswer = null;
				sendClose(to, status, reason);
			}
			return;
		}
		if (!this.closing) {
			this.closing = true;
			this.initiator = initiatorOf(from);
		}
		if (leg(to).closeSent() || isClosed(to)) {
			sendClose(from, originalStatus, originalReason);
			return;
		}
		this.awaitingAnswer = from;
		sendClose(to, status, reason);
	}

	/**
	 * Closes both sides, each with its own code; their answers end at the edge.
	 */
	void closeByEdge(int clientStatus, String clientReason, int upstreamStatus, String upstreamReason) {
		if (this.ended) {
			return;
		}
		if (!this.closing) {
			this.closing = true;
			this.initiator = CloseInitiator.EDGE;
		}
		this.awaitingAnswer = null;
		sendClose(Side.CLIENT, clientStatus, clientReason);
		sendClose(Side.UPSTREAM, upstreamStatus, upstreamReason);
		this.client.flush();
		this.upstream.flush();
	}

	void payloadTooBig(Side from) {
		policyClose("payload-too-big", this.route.closePolicies().payloadTooBig(), from);
	}

	void bufferOverflow(Side slow) {
		policyClose("buffer-overflow", this.route.closePolicies().bufferOverflow(), slow);
	}

	void interceptorFailed(String name, Throwable failure) {
		logger.error("Interceptor '" + name + "' failed in session " + this.id + " on " + this.route
				+ "; closing the session", failure);
		policyClose("interceptor-error", this.route.closePolicies().interceptorError(), Side.CLIENT);
	}

	private void policyClose(String name, ClosePolicy policy, Side cause) {
		metrics().violation(name);
		if (cause == Side.CLIENT) {
			closeByEdge(policy.code(), policy.reason(), policy.peerCode(), policy.peerReason());
		}
		else {
			closeByEdge(policy.peerCode(), policy.peerReason(), policy.code(), policy.reason());
		}
	}

	void blockReading(Side side, int cause) {
		if (side == Side.CLIENT) {
			int before = this.clientReadBlocks;
			this.clientReadBlocks = before | cause;
			if (before == 0) {
				this.client.setReading(false);
			}
		}
		else {
			int before = this.upstreamReadBlocks;
			this.upstreamReadBlocks = before | cause;
			if (before == 0) {
				this.upstream.setReading(false);
			}
		}
	}

	void unblockReading(Side side, int cause) {
		if (side == Side.CLIENT) {
			int before = this.clientReadBlocks;
			this.clientReadBlocks = before & ~cause;
			if (before != 0 && this.clientReadBlocks == 0) {
				this.client.setReading(true);
			}
		}
		else {
			int before = this.upstreamReadBlocks;
			this.upstreamReadBlocks = before & ~cause;
			if (before != 0 && this.upstreamReadBlocks == 0) {
				this.upstream.setReading(true);
			}
		}
	}

	// Internals

	private void sendClose(Side side, int code, String reason) {
		Leg leg = leg(side);
		if (leg.closeSent() || isClosed(side)) {
			return;
		}
		record(side, code, reason);
		leg.close(code, reason);
	}

	/** Keeps the first close status seen on a leg, sent or received. */
	private void record(Side side, int code, String reason) {
		if (side == Side.CLIENT) {
			if (!this.clientStatusKnown) {
				this.clientStatusKnown = true;
				this.clientStatus = code;
				this.clientReason = (reason != null) ? reason : "";
			}
		}
		else if (!this.upstreamStatusKnown) {
			this.upstreamStatusKnown = true;
			this.upstreamStatus = code;
			this.upstreamReason = (reason != null) ? reason : "";
		}
	}

	private int status(Side side) {
		return (side == Side.CLIENT) ? this.clientStatus : this.upstreamStatus;
	}

	private String reason(Side side) {
		return (side == Side.CLIENT) ? this.clientReason : this.upstreamReason;
	}

	private boolean isClosed(Side side) {
		return (side == Side.CLIENT) ? this.clientClosed : this.upstreamClosed;
	}

	private Leg leg(Side side) {
		return (side == Side.CLIENT) ? this.client : this.upstream;
	}

	private Relay relay(Side from) {
		return (from == Side.CLIENT) ? this.fromClient : this.fromUpstream;
	}

	private static CloseInitiator initiatorOf(Side side) {
		return (side == Side.CLIENT) ? CloseInitiator.CLIENT : CloseInitiator.UPSTREAM;
	}

	private void finish() {
		if (this.ended) {
			return;
		}
		this.ended = true;
		cancel(this.idleTimer);
		cancel(this.pingTimer);
		cancel(this.pongTimer);
		if (this.admission != null) {
			this.admission.release();
		}
		this.fromClient.releaseAll();
		this.fromUpstream.releaseAll();
		SessionSummary summary = new SessionSummary(this, this.clientStatus, this.clientReason, this.upstreamStatus,
				this.upstreamReason, (this.initiator != null) ? this.initiator : CloseInitiator.EDGE,
				Duration.ofNanos(System.nanoTime() - this.startNanos), this.fromClient.messages, this.fromClient.bytes,
				this.fromUpstream.messages, this.fromUpstream.bytes);
		metrics().sessionEnded(summary);
		this.engine.ended(this, summary);
		this.end.complete(summary);
	}

	private static void cancel(ScheduledFuture<?> timer) {
		if (timer != null) {
			timer.cancel(false);
		}
	}

	@Override
	public String toString() {
		return "session " + this.id + " on " + this.route + (this.closing ? " (closing: initiator " + this.initiator
				+ ", client " + (this.clientClosed ? "closed" : "open") + ", upstream "
				+ (this.upstreamClosed ? "closed" : "open") + ")" : "");
	}

}
