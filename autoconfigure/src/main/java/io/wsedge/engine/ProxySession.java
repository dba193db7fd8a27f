package io.wsedge.engine;

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

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.EventExecutor;
import io.wsedge.api.CloseInitiator;
import io.wsedge.api.EdgeSession;
import io.wsedge.api.SessionSummary;
import io.wsedge.policy.CloseCodes;
import io.wsedge.policy.ClosePolicy;
import io.wsedge.policy.ClosePolicyKind;
import io.wsedge.policy.CloseStatus;
import io.wsedge.policy.Limits;

/**
 * A proxied session: the two legs, a relay for each direction, and the closing handshake that ties them.
 * <p>
 * Confined to one executor (the client leg's event loop, on which the upstream leg is placed too), so the
 * relaying path takes no locks. Calls from other threads go through {@link #execute}.
 * <p>
 * Closing follows RFC 6455 §7 on both legs. A close frame from one side is forwarded to the other; the
 * other side's answer is forwarded back as the answer to the first, so each side sees the other's codes and
 * no message still in flight toward the closing side is lost. When the edge closes on its own, each side gets
 * its own close frame and their answers end there. A side that vanishes without a close frame closes the
 * other with the {@code client-gone} or {@code upstream-failure} policy.
 */
public final class ProxySession implements EdgeSession, LegListener {

	private static final Log logger = LogFactory.getLog(ProxySession.class);

	private final EdgeEngine engine;

	private final EdgeRoute route;

	private final String id;

	private final InetSocketAddress remoteAddress;

	/** The client's address, when the edge holds client addresses to a shared message rate; else {@code null}. */
	private final String clientKey;

	private final URI uri;

	private final HttpHeaders handshakeHeaders;

	private final Principal principal;

	private volatile Map<String, Object> attributes;

	private final Instant startedAt = Instant.now();

	private final long startNanos = System.nanoTime();

	private final End client;

	private final End upstream;

	private final CompletableFuture<SessionSummary> end = new CompletableFuture<>();

	private String subprotocol;

	private EventExecutor executor;

	private boolean closing;

	private CloseInitiator initiator;

	/** The side whose close frame was forwarded and still waits for the other side's answer. */
	private End awaitingAnswer;

	/** A client that broke the protocol, failed once the upstream has answered (see onProtocolError). */
	private CloseStatus pendingClientFailure;

	private boolean ended;

	/** Set by the memory budget's thread when it asks for the close, so that it asks once. */
	private volatile boolean shedding;

	/** Whether a close policy has closed this session, so that it counts one violation. */
	private boolean policyClosed;

	private Admission admission;

	private long lastActivity;

	private ScheduledFuture<?> idleTimer;

	private ScheduledFuture<?> pingTimer;

	private ScheduledFuture<?> pongTimer;

	private ScheduledFuture<?> failTimer;

	private ScheduledFuture<?> lifetimeTimer;

	/** When the session's credential expires, or {@code null}; written by renewCredential from any thread. */
	private volatile Instant credentialExpiry;

	private ScheduledFuture<?> expiryTimer;

	private long pingsSent;

	private long pongsReceived;

	public ProxySession(EdgeEngine engine, EdgeRoute route, InetSocketAddress remoteAddress, URI uri,
			HttpHeaders handshakeHeaders, Principal principal, Map<String, Object> attributes) {
		this(engine, route, remoteAddress, uri, handshakeHeaders, principal, attributes, null);
	}

	/**
	 * A session whose credential expires.
	 * @param engine the engine
	 * @param route the route
	 * @param remoteAddress the client's address
	 * @param uri the request URI (without credentials)
	 * @param handshakeHeaders the request headers (without credentials)
	 * @param principal the principal, or {@code null}
	 * @param attributes the attributes the upgrade interceptors set, or {@code null}
	 * @param credentialExpiry when the principal's credential expires, or {@code null} when it does not
	 */
	public ProxySession(EdgeEngine engine, EdgeRoute route, InetSocketAddress remoteAddress, URI uri,
			HttpHeaders handshakeHeaders, Principal principal, Map<String, Object> attributes,
			Instant credentialExpiry) {
		this.credentialExpiry = credentialExpiry;
		this.engine = engine;
		this.route = route;
		this.id = newId();
		this.remoteAddress = remoteAddress;
		this.clientKey = (engine.clientLimiter() != null && remoteAddress != null
				&& remoteAddress.getAddress() != null) ? remoteAddress.getAddress().getHostAddress() : null;
		this.uri = uri;
		this.handshakeHeaders = HandshakeHeaders.copyOf(handshakeHeaders);
		this.principal = principal;
		this.attributes = (attributes == null || attributes.isEmpty()) ? null : new ConcurrentHashMap<>(attributes);
		Limits limits = route.limits();
		this.client = new End(Side.CLIENT, new Relay(this, Side.CLIENT, route.chain(Side.CLIENT), limits));
		this.upstream = new End(Side.UPSTREAM, new Relay(this, Side.UPSTREAM, route.chain(Side.UPSTREAM), limits));
		this.client.other = this.upstream;
		this.upstream.other = this.client;
	}

	private static String newId() {
		return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
	}

	/**
	 * Observes every message of the session ({@code wsedge.observations.messages}); called before
	 * {@link #start}, on the thread that starts it.
	 * @param observer the observer of both directions' messages
	 */
	public void observeMessages(MessageObserver observer) {
		this.client.relay.observer = observer;
		this.upstream.relay.observer = observer;
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
		this.client.leg = client;
		this.upstream.leg = upstream;
		this.subprotocol = subprotocol;
		this.admission = admission;
		this.executor = client.executor();
		this.client.relay.bind(upstream);
		this.upstream.relay.bind(client);
		this.engine.opened(this);
		if (this.clientKey != null) {
			this.engine.clientLimiter().opened(this.route.id(), this.clientKey);
		}
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
		if (this.credentialExpiry != null) {
			scheduleExpiry();
		}
		if (!limits.maxSessionDuration().isZero()) {
			this.lifetimeTimer = this.executor.schedule(this::lifetimeReached, lifetime(limits.maxSessionDuration()),
					TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * A session's lifetime: the maximum plus a random jitter of up to 10%, so that sessions opened together (a
	 * fleet reconnecting after a deploy) do not all end, and reconnect, together again.
	 * @param max the maximum session duration
	 * @return the lifetime in nanoseconds
	 */
	static long lifetime(Duration max) {
		long nanos = max.toNanos();
		return nanos + ThreadLocalRandom.current().nextLong(nanos / 10 + 1);
	}

	private void scheduleExpiry() {
		cancel(this.expiryTimer);
		long delay = Duration.between(Instant.now(), this.credentialExpiry).toNanos();
		this.expiryTimer = this.executor.schedule(this::checkExpiry, Math.max(0, delay), TimeUnit.NANOSECONDS);
	}

	private void checkExpiry() {
		if (this.closing || this.ended) {
			return;
		}
		if (Instant.now().isBefore(this.credentialExpiry)) {
			// Renewed while this timer was due.
			scheduleExpiry();
			return;
		}
		policyClose(ClosePolicyKind.TOKEN_EXPIRED, Side.CLIENT);
	}

	@Override
	public Optional<Instant> credentialExpiry() {
		return Optional.ofNullable(this.credentialExpiry);
	}

	@Override
	public void renewCredential(Instant expiresAt) {
		if (this.credentialExpiry == null) {
			throw new UnsupportedOperationException("Session " + this.id + " has no expiring credential");
		}
		this.credentialExpiry = expiresAt;
		EventExecutor executor = this.executor;
		if (executor != null) {
			execute(() -> {
				if (!this.closing && !this.ended) {
					scheduleExpiry();
				}
			});
		}
	}

	private void lifetimeReached() {
		if (this.closing) {
			return;
		}
		ClosePolicy policy = this.route.closePolicies().get(ClosePolicyKind.SESSION_LIFETIME);
		metrics().violation(ClosePolicyKind.SESSION_LIFETIME);
		closeByEdge(policy.cause(), policy.cause());
	}

	/**
	 * Cuts both connections now, without a closing handshake, for sessions still open when the drain timeout
	 * ends; callable from any thread.
	 */
	public void abort() {
		execute(() -> {
			this.client.leg.terminate();
			this.upstream.leg.terminate();
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
			ClosePolicy policy = this.route.closePolicies().get(ClosePolicyKind.IDLE_TIMEOUT);
			metrics().violation(ClosePolicyKind.IDLE_TIMEOUT);
			closeByEdge(policy.cause(), policy.cause());
		}
		else {
			this.idleTimer = this.executor.schedule(this::checkIdle, timeout - idle, TimeUnit.NANOSECONDS);
		}
	}

	private void ping() {
		if (this.closing || this.client.leg.closeSent()) {
			return;
		}
		long sequence = ++this.pingsSent;
		this.client.leg.write(new PingWebSocketFrame(EdgePings.payload(sequence)));
		this.client.leg.flush();
		this.pongTimer = this.executor.schedule(() -> checkPong(sequence), limits().pongTimeout().toNanos(),
				TimeUnit.NANOSECONDS);
		this.pingTimer = this.executor.schedule(this::ping, limits().pingInterval().toNanos(), TimeUnit.NANOSECONDS);
	}

	private void checkPong(long sequence) {
		if (!this.closing && this.pongsReceived < sequence) {
			policyClose(ClosePolicyKind.PING_TIMEOUT, Side.CLIENT);
		}
	}

	/** The client answered an edge ping. */
	void edgePong(long sequence) {
		if (sequence > this.pongsReceived && sequence <= this.pingsSent) {
			this.pongsReceived = sequence;
		}
	}

	/**
	 * Closes both sides with the shutdown policy; callable from any thread.
	 */
	public void shutdown() {
		execute(() -> {
			if (this.closing) {
				return;
			}
			ClosePolicy policy = this.route.closePolicies().get(ClosePolicyKind.SHUTDOWN);
			metrics().violation(ClosePolicyKind.SHUTDOWN);
			closeByEdge(policy.cause(), policy.cause());
		});
	}

	/**
	 * Closes the session with the buffer-overflow policy because the edge as a whole holds too much; called by
	 * the memory budget's thread, once per session.
	 * @return whether this call asked for the close (false when an earlier one did)
	 */
	public boolean shed() {
		if (this.shedding) {
			return false;
		}
		this.shedding = true;
		execute(() -> {
			if (!this.closing) {
				policyClose(ClosePolicyKind.BUFFER_OVERFLOW, Side.CLIENT);
			}
		});
		return true;
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
	 * Closes both sides with the same status, for operators; callable from any thread.
	 * @param status the close status
	 */
	public void closeFromOutside(CloseStatus status) {
		execute(() -> closeByEdge(status, status));
	}

	/**
	 * Sends a data message to the client from outside the relays (a backend's push); callable from any thread.
	 * At most once: the message is dropped when the session is closing or an upstream message is half-way
	 * through its fragments, which nothing may interleave (RFC 6455 §5.4).
	 * @param binary whether the message is binary rather than text
	 * @param data the payload (UTF-8 for text)
	 * @return whether the message was written to the client's connection
	 */
	public CompletableFuture<Boolean> sendToClient(boolean binary, byte[] data) {
		CompletableFuture<Boolean> sent = new CompletableFuture<>();
		try {
			execute(() -> {
				if (this.closing || this.ended || this.client.leg == null || this.upstream.relay.midMessage()) {
					sent.complete(false);
					return;
				}
				ByteBuf payload = Unpooled.wrappedBuffer(data);
				this.client.leg.write(binary ? new BinaryWebSocketFrame(payload) : new TextWebSocketFrame(payload));
				this.client.leg.flush();
				sent.complete(true);
			});
		}
		catch (RuntimeException ex) {
			// The executor is shutting down: the session is gone.
			sent.complete(false);
		}
		return sent;
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
			// Interceptors of either thread may ask first; the map is created once.
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
		return end(from).relay.messages;
	}

	/**
	 * Payload bytes of the data messages received from one side so far.
	 * @param from the sender
	 * @return the byte count
	 */
	public long bytes(Side from) {
		return end(from).relay.bytes;
	}

	/**
	 * Bytes the edge holds for this session: messages being assembled or waiting, and what both connections
	 * have not written yet. Read from any thread as an estimate, for the edge's memory budget.
	 * @return the bytes held
	 */
	public long heldBytes() {
		Leg client = this.client.leg;
		Leg upstream = this.upstream.leg;
		return this.client.relay.heldBytes() + this.upstream.relay.heldBytes()
				+ ((client != null) ? client.heldBytes() : 0) + ((upstream != null) ? upstream.heldBytes() : 0);
	}

	/** Whether the session is closing or asked to; read by the memory budget's thread. */
	boolean isClosing() {
		return this.closing || this.shedding;
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
		end(side).relay.onFrame(frame);
	}

	@Override
	public void onReadComplete(Side side) {
		end(side).other.leg.flush();
	}

	@Override
	public void onWritabilityChanged(Side side) {
		if (end(side).leg.isWritable()) {
			end(side.other()).relay.targetDrained();
			unblockReading(side.other(), ReadBlock.PEER);
		}
	}

	@Override
	public void onProtocolError(Side side, int code, String reason) {
		End broken = end(side);
		ClosePolicyKind kind = (code == CloseCodes.MESSAGE_TOO_BIG) ? ClosePolicyKind.PAYLOAD_TOO_BIG
				: (side == Side.CLIENT) ? ClosePolicyKind.CLIENT_GONE : ClosePolicyKind.UPSTREAM_FAILURE;
		ClosePolicy policy = this.route.closePolicies().get(kind);
		CloseStatus toBroken = (kind == ClosePolicyKind.PAYLOAD_TOO_BIG) ? policy.cause()
				: CloseStatus.truncated(code, reason);
		CloseStatus toOther = (kind == ClosePolicyKind.PAYLOAD_TOO_BIG) ? policy.peer() : policy.cause();
		metrics().violation(kind);
		if (!this.closing) {
			this.closing = true;
			// A message over the limit is the edge's decision, as when the edge's own limit refuses it (Relay);
			// a broken frame is the side's doing.
			this.initiator = (kind == ClosePolicyKind.PAYLOAD_TOO_BIG) ? CloseInitiator.EDGE : initiatorOf(side);
		}
		this.awaitingAnswer = null;
		broken.record(toBroken);
		if (side == Side.CLIENT && !this.upstream.closed && !this.upstream.leg.closeSent()) {
			// What the upstream sent before it learns of the close still reaches the client, as it would from
			// a server without the edge in between; the client is failed (RFC 6455 §7.1.7) once the upstream has
			// answered, or after the close timeout. Nothing more is read from it meanwhile.
			this.pendingClientFailure = toBroken;
			this.failTimer = this.executor.schedule(this::failClient, limits().closeTimeout().toNanos(),
					TimeUnit.NANOSECONDS);
			sendClose(this.upstream, toOther);
			this.upstream.leg.flush();
			return;
		}
		broken.leg.fail(toBroken.code(), toBroken.reason());
		sendClose(broken.other, toOther);
		broken.other.leg.flush();
	}

	private void failClient() {
		CloseStatus status = this.pendingClientFailure;
		if (status != null) {
			this.pendingClientFailure = null;
			cancel(this.failTimer);
			this.client.leg.flush();
			this.client.leg.fail(status.code(), status.reason());
		}
	}

	@Override
	public void onClosed(Side side) {
		End gone = end(side);
		gone.closed = true;
		if (!this.closing) {
			// The side vanished without a close frame.
			this.closing = true;
			this.initiator = initiatorOf(side);
			ClosePolicyKind kind = (side == Side.CLIENT) ? ClosePolicyKind.CLIENT_GONE
					: ClosePolicyKind.UPSTREAM_FAILURE;
			metrics().violation(kind);
			sendClose(gone.other, this.route.closePolicies().get(kind).cause());
		}
		else if (this.awaitingAnswer == gone.other) {
			// The side that was to answer the other's close frame is gone: answer with the other's own status.
			this.awaitingAnswer = null;
			sendClose(gone.other, gone.other.status);
		}
		if (side == Side.UPSTREAM) {
			failClient();
		}
		if (this.client.closed && this.upstream.closed) {
			finish();
		}
	}

	// Called by the relays

	/**
	 * A close frame from {@code from} reached the end of its interceptor chain.
	 * @param from the side that sent it
	 * @param received the status it carried
	 * @param forwarded the status to forward, as the chain left it
	 */
	void closeFrom(Side from, CloseStatus received, CloseStatus forwarded) {
		End sender = end(from);
		End to = sender.other;
		sender.record(received);
		if (sender.leg.closeSent()) {
			// This is the answer to a close frame the edge sent; the leg ends itself. If that close frame was
			// the other side's, this answer is the other side's answer.
			if (this.awaitingAnswer == to) {
				this.awaitingAnswer = null;
				sendClose(to, forwarded);
			}
			if (from == Side.UPSTREAM) {
				failClient();
			}
			return;
		}
		if (!this.closing) {
			this.closing = true;
			this.initiator = initiatorOf(from);
		}
		if (to.leg.closeSent() || to.closed) {
			sendClose(sender, received);
			return;
		}
		this.awaitingAnswer = sender;
		sendClose(to, forwarded);
	}

	/**
	 * Closes both sides, each with its own status; their answers end at the edge.
	 */
	void closeByEdge(CloseStatus toClient, CloseStatus toUpstream) {
		if (this.ended) {
			return;
		}
		if (!this.closing) {
			this.closing = true;
			this.initiator = CloseInitiator.EDGE;
		}
		this.awaitingAnswer = null;
		sendClose(this.client, toClient);
		sendClose(this.upstream, toUpstream);
		this.client.leg.flush();
		this.upstream.leg.flush();
	}

	void interceptorFailed(String name, Throwable failure) {
		logger.error("Interceptor '" + name + "' failed in session " + this.id + " on " + this.route
				+ "; closing the session", failure);
		policyClose(ClosePolicyKind.INTERCEPTOR_ERROR, Side.CLIENT);
	}

	/**
	 * Closes both sides with a policy: its {@code cause} status to the side that caused it, its {@code peer}
	 * status to the other.
	 */
	void policyClose(ClosePolicyKind kind, Side cause) {
		if (!this.policyClosed) {
			// One violation per session closed: frames already read when the close began meet the same policy.
			this.policyClosed = true;
			metrics().violation(kind);
		}
		ClosePolicy policy = this.route.closePolicies().get(kind);
		if (cause == Side.CLIENT) {
			closeByEdge(policy.cause(), policy.peer());
		}
		else {
			closeByEdge(policy.peer(), policy.cause());
		}
	}

	/**
	 * Takes one client message from the rate the principal's sessions on this route share; called per message
	 * only where that rate is set.
	 */
	boolean withinPrincipalRate() {
		double rate = limits().messagesPerSecondPerPrincipal();
		return this.engine.principalLimiter()
			.tryMessage(this.route.id(), this.principal.getName(), rate, (int) Math.max(1, Math.ceil(rate)));
	}

	/**
	 * Takes one client message from the rate the client address's sessions on this route share; called per
	 * message only where that rate is set.
	 */
	boolean withinClientRate() {
		double rate = this.engine.clientRate();
		return this.engine.clientLimiter()
			.tryMessage(this.route.id(), this.clientKey, rate, (int) Math.max(1, Math.ceil(rate)));
	}

	/**
	 * Whether the client address's shared message rate applies to this session's client messages.
	 */
	boolean clientRateLimited() {
		return this.clientKey != null;
	}

	/**
	 * Whether the principal's message rate applies to this session's client messages.
	 */
	boolean principalRateLimited() {
		return this.principal != null && limits().messagesPerSecondPerPrincipal() > 0;
	}

	/**
	 * Closes both sides with the invalid-message policy, telling the sender what failed: the policy's reason,
	 * then the failure, cut to the 123 bytes a close reason holds (RFC 6455 §5.5).
	 */
	void invalidMessage(Side from, String failure) {
		if (!this.policyClosed) {
			this.policyClosed = true;
			metrics().violation(ClosePolicyKind.INVALID_MESSAGE);
		}
		ClosePolicy policy = this.route.closePolicies().get(ClosePolicyKind.INVALID_MESSAGE);
		CloseStatus toSender = CloseStatus.truncated(policy.cause().code(), policy.cause().reason() + ": " + failure);
		if (from == Side.CLIENT) {
			closeByEdge(toSender, policy.peer());
		}
		else {
			closeByEdge(policy.peer(), toSender);
		}
	}

	void blockReading(Side side, ReadBlock cause) {
		End end = end(side);
		int before = end.readBlocks;
		end.readBlocks = before | cause.bit;
		if (before == 0) {
			end.leg.setReading(false);
		}
	}

	void unblockReading(Side side, ReadBlock cause) {
		End end = end(side);
		int before = end.readBlocks;
		end.readBlocks = before & ~cause.bit;
		if (before != 0 && end.readBlocks == 0 && (side != Side.CLIENT || this.pendingClientFailure == null)) {
			end.leg.setReading(true);
		}
	}

	// Internals

	private void sendClose(End end, CloseStatus status) {
		if (end.leg.closeSent() || end.closed) {
			return;
		}
		if (end.side == Side.CLIENT && this.pendingClientFailure != null) {
			// The client broke the protocol: it gets its failure status, not a relayed one.
			return;
		}
		end.record(status);
		end.leg.close(status.code(), status.reason());
	}

	private End end(Side side) {
		return (side == Side.CLIENT) ? this.client : this.upstream;
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
		cancel(this.failTimer);
		cancel(this.lifetimeTimer);
		cancel(this.expiryTimer);
		if (this.admission != null) {
			this.admission.release();
		}
		if (this.clientKey != null && this.executor != null) {
			this.engine.clientLimiter().closed(this.route.id(), this.clientKey);
		}
		this.client.relay.releaseAll();
		this.upstream.relay.releaseAll();
		SessionSummary summary = new SessionSummary(this, this.client.status.code(), this.client.status.reason(),
				this.upstream.status.code(), this.upstream.status.reason(),
				(this.initiator != null) ? this.initiator : CloseInitiator.EDGE,
				Duration.ofNanos(System.nanoTime() - this.startNanos), this.client.relay.messages,
				this.client.relay.bytes, this.upstream.relay.messages, this.upstream.relay.bytes);
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
				+ ", client " + (this.client.closed ? "closed" : "open") + ", upstream "
				+ (this.upstream.closed ? "closed" : "open") + ")" : "");
	}

	/**
	 * One side of the session: its leg, the relay of the messages it sends, and its closing state.
	 */
	private static final class End {

		final Side side;

		final Relay relay;

		End other;

		Leg leg;

		/** {@link ReadBlock} bits. */
		int readBlocks;

		boolean closed;

		/** The first close status seen on this leg, sent or received. */
		CloseStatus status = CloseStatus.ABNORMAL;

		private boolean statusKnown;

		End(Side side, Relay relay) {
			this.side = side;
			this.relay = relay;
		}

		void record(CloseStatus status) {
			if (!this.statusKnown) {
				this.statusKnown = true;
				this.status = status;
			}
		}

	}

}
