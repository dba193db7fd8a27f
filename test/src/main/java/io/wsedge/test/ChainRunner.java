package io.wsedge.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.api.EdgeSession;
import io.wsedge.api.FrameContext;
import io.wsedge.api.FrameType;
import io.wsedge.api.MessageMode;
import io.wsedge.api.SessionEndListener;
import io.wsedge.api.SessionSummary;
import io.wsedge.api.UpstreamFrameInterceptor;
import io.wsedge.engine.InMemorySession;
import io.wsedge.engine.InMemorySession.LegState;
import io.wsedge.engine.InMemorySession.Snapshot;
import io.wsedge.engine.InMemorySession.Written;
import io.wsedge.policy.CloseCodes;

/**
 * Runs {@link ClientFrameInterceptor}s, {@link UpstreamFrameInterceptor}s and {@link SessionEndListener}s
 * through the edge's real engine without a network, and tells what the edge did with each message: forwarded
 * it (as it was or rewritten), dropped it, or closed the session, with which close statuses. The test kit
 * counterpart of Ktor's {@code handleWebSocketConversation}.
 * <pre class="code">
 * try (ChainRunner runner = ChainRunner.builder().upstreamInterceptors(new CardNumberRedactor()).build()) {
 *     ChainRunner.Outcome outcome = runner.fromUpstream().text("card 4111 1111 1111 1234");
 *     assertThat(outcome.text()).isEqualTo("card **** **** **** 1234");
 * }
 * </pre>
 * Each runner is one session, as one client connection through one route. Messages are sent one at a time:
 * each call returns once the edge is done with the message, deferred interceptors included (up to the
 * builder's {@link Builder#timeout timeout}). The interceptors run on a thread of the runner's own, as on the
 * edge's event loop. They see the engine's own {@link FrameContext}, which the runner only watches for
 * {@link FrameContext#defer defer} and {@link FrameContext#setMaxPayloadSize setMaxPayloadSize}.
 * <p>
 * The session ends like a real one: after close frames have passed both ways
 * ({@link #finishClosingHandshake()} answers the edge's close frames as well-behaved peers would), or when a
 * connection drops ({@link Sender#disconnect()}). Then the session-end listeners get the engine's
 * {@link SessionSummary}. Peers are never slow here: no close, idle or ping timer ever fires.
 */
public final class ChainRunner implements AutoCloseable {

	private static final long POLL_MILLIS = 2;

	private final InMemorySession session;

	private final RecordingFrameContext.Verbs verbs = new RecordingFrameContext.Verbs();

	private final List<ReportingListener> listeners;

	private final Duration timeout;

	private ChainRunner(Builder builder) {
		this.timeout = builder.timeout;
		List<ClientFrameInterceptor> client = new ArrayList<>();
		for (ClientFrameInterceptor interceptor : builder.client) {
			client.add(new RecordingClientInterceptor(interceptor, this.verbs));
		}
		List<UpstreamFrameInterceptor> upstream = new ArrayList<>();
		for (UpstreamFrameInterceptor interceptor : builder.upstream) {
			upstream.add(new RecordingUpstreamInterceptor(interceptor, this.verbs));
		}
		this.listeners = builder.listeners.stream().map(ReportingListener::new).toList();
		this.session = InMemorySession.open(new InMemorySession.Setup(builder.routeId, builder.uri,
				builder.remoteAddress, builder.headers, builder.principal, builder.attributes, builder.subprotocol,
				client, upstream, builder.maxPayloadSize, builder.upstreamMaxPayloadSize,
				List.copyOf(this.listeners), builder.timeout));
	}

	/**
	 * Starts configuring a runner.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The client's side of the session: what it sends goes through the {@link ClientFrameInterceptor}s.
	 * @return the client's sender
	 */
	public Sender fromClient() {
		return new Sender(true);
	}

	/**
	 * The upstream's side of the session: what it sends goes through the {@link UpstreamFrameInterceptor}s.
	 * @return the upstream's sender
	 */
	public Sender fromUpstream() {
		return new Sender(false);
	}

	/**
	 * The session the interceptors see, with its attributes as they stand now.
	 * @return the session
	 */
	public EdgeSession session() {
		return this.session.session();
	}

	/**
	 * Whether the session is closing or over: a close frame went to either side, or a connection ended.
	 * @return whether the session is closing
	 */
	public boolean isClosed() {
		Snapshot now = this.session.snapshot();
		return isClosing(now.client()) || isClosing(now.upstream());
	}

	private static boolean isClosing(LegState leg) {
		return leg.closeSent() != null || leg.closeReceived() || leg.ended();
	}

	/**
	 * Whether the session has ended on both sides and its listeners have been told.
	 * @return whether the session has ended
	 */
	public boolean isEnded() {
		return this.session.end().isDone();
	}

	/**
	 * Answers every close frame the edge sent that its peer has not answered yet, with the same status and
	 * reason, as RFC 6455 §5.5.1 has a peer do, until the session ends; then returns its account.
	 * @return what the session-end listeners were given
	 * @throws IllegalStateException if the session is still open (nobody has started closing it), if it does
	 * not end within the timeout, or if a session-end listener threw (the failure is the cause)
	 */
	public SessionSummary finishClosingHandshake() {
		// Each answer may send the other side a close frame of its own (the answer is forwarded to it); two
		// rounds answer everything, the third finds nothing left.
		for (int round = 0; round < 3 && !isEnded(); round++) {
			Snapshot now = this.session.snapshot();
			if (!isClosing(now.client()) && !isClosing(now.upstream())) {
				throw new IllegalStateException(
						"The session is open: send a close frame or disconnect a side before finishing the closing handshake");
			}
			answer(now.client(), true);
			answer(now.upstream(), false);
		}
		return summary();
	}

	private void answer(LegState leg, boolean client) {
		Written close = leg.closeSent();
		if (close == null || leg.closeReceived() || leg.ended()) {
			return;
		}
		WebSocketFrame answer = (close.closeStatus() == CloseCodes.NO_STATUS) ? new CloseWebSocketFrame()
				: new CloseWebSocketFrame(close.closeStatus(), new String(close.payload(), StandardCharsets.UTF_8));
		if (client) {
			this.session.fromClient(List.of(answer));
		}
		else {
			this.session.fromUpstream(List.of(answer));
		}
	}

	/**
	 * The account of the ended session, as its session-end listeners got it.
	 * @return the summary
	 * @throws IllegalStateException if the session does not end within the timeout, or if a session-end
	 * listener threw (the failure is the cause)
	 */
	public SessionSummary summary() {
		SessionSummary summary;
		try {
			summary = this.session.end().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("The session did not end within " + this.timeout
					+ "; both sides must have closed (see finishClosingHandshake())", ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		for (ReportingListener listener : this.listeners) {
			if (listener.failure != null) {
				throw new IllegalStateException("Session end listener " + listener.delegate.getClass().getName()
						+ " failed", listener.failure);
			}
		}
		return summary;
	}

	/**
	 * Stops the runner's thread. A session that has not ended never tells its listeners.
	 */
	@Override
	public void close() {
		this.session.close();
	}

	private Outcome send(boolean fromClient, List<WebSocketFrame> frames) {
		Snapshot before = this.session.snapshot();
		this.verbs.reset();
		if (fromClient) {
			this.session.fromClient(frames);
		}
		else {
			this.session.fromUpstream(frames);
		}
		// While a deferred interceptor runs the engine stops reading the sender; it reads again once the
		// message is done with.
		long deadline = System.nanoTime() + this.timeout.toNanos();
		Snapshot after = this.session.snapshot();
		while (!after.ended() && !sender(after, fromClient).reading() && !sender(after, fromClient).ended()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("The message was not done with within " + this.timeout
						+ "; does a deferred stage never complete?");
			}
			sleep();
			after = this.session.snapshot();
		}
		return outcome(fromClient, before, after, false);
	}

	private Outcome disconnect(boolean client) {
		Snapshot before = this.session.snapshot();
		if (client) {
			this.session.clientDisconnects();
		}
		else {
			this.session.upstreamDisconnects();
		}
		return outcome(client, before, this.session.snapshot(), true);
	}

	private Outcome outcome(boolean fromClient, Snapshot before, Snapshot after, boolean disconnect) {
		List<Frame> toTarget = added(sender(before, !fromClient), sender(after, !fromClient));
		List<Frame> toSender = added(sender(before, fromClient), sender(after, fromClient));
		boolean dropped = after.drops() > before.drops();
		Frame clientClose = closeIn(fromClient ? toSender : toTarget);
		Frame upstreamClose = closeIn(fromClient ? toTarget : toSender);
		long maxPayloadSize = this.verbs.maxPayloadSize;
		// Close frames to both sides are the edge closing the session on this message (a forwarded close frame
		// goes to the other side only, and the edge's own close is last of what the other side got).
		boolean closed = closeIn(toSender) != null && closeIn(toTarget) != null
				&& toTarget.get(toTarget.size() - 1).type() == FrameType.CLOSE;
		// The other side's close frame is the edge's own; data before it are the fragments a fragment-wise chain
		// forwarded before it closed. A disconnect forwards nothing.
		List<Frame> forwarded = disconnect ? List.of()
				: closed ? toTarget.subList(0, toTarget.size() - 1) : toTarget;
		return new Outcome(forwarded, dropped, closed, clientClose, upstreamClose, this.verbs.deferred,
				(maxPayloadSize >= 0) ? OptionalLong.of(maxPayloadSize) : OptionalLong.empty());
	}

	private static LegState sender(Snapshot snapshot, boolean client) {
		return client ? snapshot.client() : snapshot.upstream();
	}

	private static List<Frame> added(LegState before, LegState after) {
		List<Frame> frames = new ArrayList<>();
		for (Written written : after.written().subList(before.written().size(), after.written().size())) {
			frames.add(new Frame(written.type(), written.payload(), written.last(), written.closeStatus()));
		}
		return frames;
	}

	private static Frame closeIn(List<Frame> frames) {
		for (Frame frame : frames) {
			if (frame.type() == FrameType.CLOSE) {
				return frame;
			}
		}
		return null;
	}

	private void sleep() {
		try {
			Thread.sleep(POLL_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Sends frames from one side of the session; each method returns once the edge is done with the message.
	 * Payloads are copied: changing an array afterwards changes nothing.
	 */
	public final class Sender {

		private final boolean client;

		private Sender(boolean client) {
			this.client = client;
		}

		/**
		 * Sends a text message in one frame.
		 * @param text the message
		 * @return what the edge did with it
		 * @throws IllegalStateException if this side's connection has ended
		 */
		public Outcome text(String text) {
			return send(this.client, List.of(new TextWebSocketFrame(text)));
		}

		/**
		 * Sends a binary message in one frame.
		 * @param payload the message
		 * @return what the edge did with it
		 * @throws IllegalStateException if this side's connection has ended
		 */
		public Outcome binary(byte[] payload) {
			return send(this.client, List.of(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload.clone()))));
		}

		/**
		 * Sends a text message in fragments, a text frame and continuation frames (RFC 6455 §5.4). The edge
		 * counts them against the payload limit as they arrive. It assembles them before the interceptors run,
		 * unless every interceptor of the direction is of {@link MessageMode#FRAGMENTS}: then each fragment runs
		 * the chain on its own, and {@link Outcome#frames()} shows each as forwarded.
		 * @param fragments the fragments, at least two
		 * @return what the edge did with the whole message
		 * @throws IllegalStateException if this side's connection has ended
		 */
		public Outcome fragmentedText(String... fragments) {
			requireFragments(fragments.length);
			List<WebSocketFrame> frames = new ArrayList<>();
			for (int i = 0; i < fragments.length; i++) {
				boolean last = i == fragments.length - 1;
				frames.add((i == 0) ? new TextWebSocketFrame(false, 0, fragments[i])
						: new ContinuationWebSocketFrame(last, 0, fragments[i]));
			}
			return send(this.client, frames);
		}

		/**
		 * Sends a binary message in fragments; otherwise as {@link #fragmentedText(String...)}.
		 * @param fragments the fragments, at least two
		 * @return what the edge did with the whole message
		 * @throws IllegalStateException if this side's connection has ended
		 */
		public Outcome fragmentedBinary(byte[]... fragments) {
			requireFragments(fragments.length);
			List<WebSocketFrame> frames = new ArrayList<>();
			for (int i = 0; i < fragments.length; i++) {
				boolean last = i == fragments.length - 1;
				frames.add((i == 0) ? new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(fragments[i].clone()))
						: new ContinuationWebSocketFrame(last, 0, Unpooled.wrappedBuffer(fragments[i].clone())));
			}
			return send(this.client, frames);
		}

		private static void requireFragments(int count) {
			if (count < 2) {
				throw new IllegalArgumentException("A fragmented message has at least two fragments");
			}
		}

		/**
		 * Sends a ping.
		 * @param payload at most 125 bytes
		 * @return what the edge did with it
		 * @throws IllegalArgumentException if the payload is longer than 125 bytes
		 * @throws IllegalStateException if this side's connection has ended
		 */
		public Outcome ping(byte[] payload) {
			return send(this.client, List.of(new PingWebSocketFrame(Unpooled.wrappedBuffer(control(payload)))));
		}

		/**
		 * Sends a pong.
		 * @param payload at most 125 bytes
		 * @return what the edge did with it
		 * @throws IllegalArgumentException if the payload is longer than 125 bytes
		 * @throws IllegalStateException if this side's connection has ended
		 */
		public Outcome pong(byte[] payload) {
			return send(this.client, List.of(new PongWebSocketFrame(Unpooled.wrappedBuffer(control(payload)))));
		}

		private static byte[] control(byte[] payload) {
			// RFC 6455 §5.5: a control frame's payload is at most 125 bytes; the edge never gets a longer one.
			if (payload.length > 125) {
				throw new IllegalArgumentException("A control frame's payload holds at most 125 bytes, not "
						+ payload.length);
			}
			return payload.clone();
		}

		/**
		 * Sends a close frame: starts the closing handshake, or answers the edge's close frame.
		 * @param status a status code that may be sent (1000-1003, 1007-1014, 3000-4999)
		 * @param reason the reason, at most 123 UTF-8 bytes, or {@code null}
		 * @return what the edge did with it
		 * @throws IllegalArgumentException if the status may not be sent or the reason is too long
		 * @throws IllegalStateException if this side's connection has ended
		 */
		public Outcome close(int status, String reason) {
			CloseCodes.requireSendable(status);
			return send(this.client, List.of(new CloseWebSocketFrame(status, CloseCodes.requireValidReason(reason))));
		}

		/**
		 * Sends a close frame without a status code, which the edge reports as 1005 (RFC 6455 §7.1.5).
		 * @return what the edge did with it
		 * @throws IllegalStateException if this side's connection has ended
		 */
		public Outcome closeWithoutStatus() {
			return send(this.client, List.of(new CloseWebSocketFrame()));
		}

		/**
		 * Ends this side's connection without a close frame, as a crash or a network failure would.
		 * @return what the edge did about it
		 * @throws IllegalStateException if this side's connection has ended already
		 */
		public Outcome disconnect() {
			return ChainRunner.this.disconnect(this.client);
		}

	}

	/**
	 * What the edge did with one message. Exactly one of {@link #forwarded()}, {@link #dropped()} and
	 * {@link #closed()} holds, the three outcomes of {@link FrameContext}'s verbs, except after a
	 * {@link Sender#disconnect() disconnect} or for a message that arrived when the other side had closed,
	 * where none does, and for a fragmented message that a {@link io.wsedge.api.MessageMode#FRAGMENTS} chain
	 * closed on after forwarding its first fragments, where both {@link #forwarded()} and {@link #closed()} do.
	 * Close frames the edge sent on the way are reported either way.
	 */
	public static final class Outcome {

		private final List<Frame> frames;

		private final boolean dropped;

		private final boolean closed;

		private final Frame clientClose;

		private final Frame upstreamClose;

		private final boolean deferred;

		private final OptionalLong maxPayloadSize;

		Outcome(List<Frame> frames, boolean dropped, boolean closed, Frame clientClose, Frame upstreamClose,
				boolean deferred, OptionalLong maxPayloadSize) {
			this.frames = List.copyOf(frames);
			this.dropped = dropped;
			this.closed = closed;
			this.clientClose = clientClose;
			this.upstreamClose = upstreamClose;
			this.deferred = deferred;
			this.maxPayloadSize = maxPayloadSize;
		}

		/**
		 * Whether the message went on to the other side, as it was or rewritten.
		 * @return whether it was forwarded
		 */
		public boolean forwarded() {
			return !this.frames.isEmpty();
		}

		/**
		 * Whether the message was dropped ({@link FrameContext#drop()}, or a {@code drop} rate limit).
		 * @return whether it was dropped
		 */
		public boolean dropped() {
			return this.dropped;
		}

		/**
		 * Whether the edge closed the session instead of forwarding the message: an interceptor called
		 * {@link FrameContext#close(int, String, int, String) close}, or threw, or the message broke a limit.
		 * The codes each side got are {@link #clientCloseStatus()} and {@link #upstreamCloseStatus()}.
		 * @return whether the edge closed the session
		 */
		public boolean closed() {
			return this.closed;
		}

		/**
		 * The frames sent on to the other side: usually one; an unchanged fragmented message keeps its
		 * fragments, and a forwarded close frame is one {@link FrameType#CLOSE} frame.
		 * @return the forwarded frames, empty if nothing was forwarded
		 */
		public List<Frame> frames() {
			return this.frames;
		}

		/**
		 * The forwarded message's type.
		 * @return the type
		 * @throws IllegalStateException if nothing was forwarded
		 */
		public FrameType type() {
			return first().type();
		}

		/**
		 * The forwarded payload, fragments joined, as {@link FrameContext#payload()} would give it to the next
		 * hop; for a close frame its reason's UTF-8 bytes.
		 * @return a copy of the payload
		 * @throws IllegalStateException if nothing was forwarded
		 */
		public byte[] payload() {
			first();
			int length = this.frames.stream().mapToInt((frame) -> frame.payload().length).sum();
			byte[] joined = new byte[length];
			int offset = 0;
			for (Frame frame : this.frames) {
				System.arraycopy(frame.payload(), 0, joined, offset, frame.payload().length);
				offset += frame.payload().length;
			}
			return joined;
		}

		/**
		 * The forwarded text message, fragments joined.
		 * @return the text
		 * @throws IllegalStateException if nothing was forwarded, or it was not a {@link FrameType#TEXT} message
		 */
		public String text() {
			if (type() != FrameType.TEXT) {
				throw new IllegalStateException("text() is for TEXT messages; " + this);
			}
			return new String(payload(), StandardCharsets.UTF_8);
		}

		/**
		 * The status of the forwarded close frame, 1005 when it has none.
		 * @return the close status
		 * @throws IllegalStateException if no close frame was forwarded
		 */
		public int closeStatus() {
			return forwardedClose().closeStatus();
		}

		/**
		 * The reason of the forwarded close frame, empty when it has none.
		 * @return the close reason
		 * @throws IllegalStateException if no close frame was forwarded
		 */
		public String closeReason() {
			return forwardedClose().closeReason();
		}

		/**
		 * The status of the close frame the edge sent the client while handling this message.
		 * @return the close status
		 * @throws IllegalStateException if the client got no close frame
		 */
		public int clientCloseStatus() {
			return require(this.clientClose, "client").closeStatus();
		}

		/**
		 * The reason of the close frame the edge sent the client while handling this message.
		 * @return the close reason, empty if none
		 * @throws IllegalStateException if the client got no close frame
		 */
		public String clientCloseReason() {
			return require(this.clientClose, "client").closeReason();
		}

		/**
		 * The status of the close frame the edge sent the upstream while handling this message.
		 * @return the close status
		 * @throws IllegalStateException if the upstream got no close frame
		 */
		public int upstreamCloseStatus() {
			return require(this.upstreamClose, "upstream").closeStatus();
		}

		/**
		 * The reason of the close frame the edge sent the upstream while handling this message.
		 * @return the close reason, empty if none
		 * @throws IllegalStateException if the upstream got no close frame
		 */
		public String upstreamCloseReason() {
			return require(this.upstreamClose, "upstream").closeReason();
		}

		/**
		 * Whether the client got a close frame while the edge handled this message.
		 * @return whether a close frame went to the client
		 */
		public boolean clientClosed() {
			return this.clientClose != null;
		}

		/**
		 * Whether the upstream got a close frame while the edge handled this message.
		 * @return whether a close frame went to the upstream
		 */
		public boolean upstreamClosed() {
			return this.upstreamClose != null;
		}

		/**
		 * Whether an interceptor {@link FrameContext#defer deferred} the chain for this message (the runner
		 * waited for the stage).
		 * @return whether the chain was deferred
		 */
		public boolean deferred() {
			return this.deferred;
		}

		/**
		 * The payload limit an interceptor {@link FrameContext#setMaxPayloadSize set} for this message's
		 * sender, in force from the next message on; the last one set if several were.
		 * @return the limit in bytes (0 restores the configured one), or empty if none was set
		 */
		public OptionalLong maxPayloadSize() {
			return this.maxPayloadSize;
		}

		private Frame first() {
			if (this.frames.isEmpty()) {
				throw new IllegalStateException("Nothing was forwarded: " + this);
			}
			return this.frames.get(0);
		}

		private Frame forwardedClose() {
			Frame close = closeIn(this.frames);
			if (close == null) {
				throw new IllegalStateException("No close frame was forwarded: " + this);
			}
			return close;
		}

		private Frame require(Frame close, String side) {
			if (close == null) {
				throw new IllegalStateException("The " + side + " got no close frame: " + this);
			}
			return close;
		}

		@Override
		public String toString() {
			List<String> parts = new ArrayList<>();
			if (forwarded()) {
				parts.add("forwarded " + this.frames);
			}
			if (this.dropped) {
				parts.add("dropped");
			}
			if (this.closed) {
				parts.add("closed");
			}
			if (this.clientClose != null) {
				parts.add("client got " + this.clientClose);
			}
			if (this.upstreamClose != null) {
				parts.add("upstream got " + this.upstreamClose);
			}
			if (this.deferred) {
				parts.add("deferred");
			}
			this.maxPayloadSize.ifPresent((bytes) -> parts.add("max payload size set to " + bytes));
			return parts.isEmpty() ? "nothing happened" : String.join(", ", parts);
		}

	}

	/**
	 * A frame the edge sent to one side.
	 *
	 * @param type the frame's type; a continuation frame has its message's
	 * @param payload the payload; for a close frame, its reason's UTF-8 bytes
	 * @param last whether it is the last frame of its message
	 * @param closeStatus a close frame's status ({@code 1005} when it has none), otherwise {@code -1}
	 */
	public record Frame(FrameType type, byte[] payload, boolean last, int closeStatus) {

		/**
		 * The payload decoded as UTF-8.
		 * @return the text
		 */
		public String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		/**
		 * A close frame's reason.
		 * @return the reason, empty if none
		 */
		public String closeReason() {
			return text();
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Frame frame && this.type == frame.type && this.last == frame.last
					&& this.closeStatus == frame.closeStatus && Arrays.equals(this.payload, frame.payload);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.type, this.last, this.closeStatus, Arrays.hashCode(this.payload));
		}

		@Override
		public String toString() {
			String text = (this.type == FrameType.BINARY) ? this.payload.length + " bytes" : "'" + text() + "'";
			return this.type + ((this.closeStatus != -1) ? " " + this.closeStatus : "") + " " + text
					+ (this.last ? "" : " (more follows)");
		}

	}

	/**
	 * Configures a runner: the interceptors and listeners under test, the handshake the session came from,
	 * and the payload limits.
	 */
	public static final class Builder extends SessionBuilder<Builder> {

		private final List<ClientFrameInterceptor> client = new ArrayList<>();

		private final List<UpstreamFrameInterceptor> upstream = new ArrayList<>();

		private final List<SessionEndListener> listeners = new ArrayList<>();

		private long maxPayloadSize = 1024 * 1024;

		private long upstreamMaxPayloadSize = 16 * 1024 * 1024;

		private Duration timeout = Duration.ofSeconds(5);

		private Builder() {
		}

		@Override
		Builder self() {
			return this;
		}

		/**
		 * Adds client interceptors; all interceptors run in the order they were added, as beans run in their
		 * {@code @Order}.
		 * @param interceptors the interceptors
		 * @return this builder
		 */
		public Builder clientInterceptors(ClientFrameInterceptor... interceptors) {
			this.client.addAll(List.of(interceptors));
			return this;
		}

		/**
		 * Adds upstream interceptors, run in the order they were added.
		 * @param interceptors the interceptors
		 * @return this builder
		 */
		public Builder upstreamInterceptors(UpstreamFrameInterceptor... interceptors) {
			this.upstream.addAll(List.of(interceptors));
			return this;
		}

		/**
		 * Adds session-end listeners, told in the order they were added once the session has ended.
		 * @param listeners the listeners
		 * @return this builder
		 */
		public Builder sessionEndListeners(SessionEndListener... listeners) {
			this.listeners.addAll(List.of(listeners));
			return this;
		}

		/**
		 * Sets the limit for whole client messages ({@code wsedge.limits.max-payload-size}), 1 MB by default.
		 * @param bytes the limit
		 * @return this builder
		 */
		public Builder maxPayloadSize(long bytes) {
			this.maxPayloadSize = requirePositive(bytes);
			return this;
		}

		/**
		 * Sets the limit for whole upstream messages ({@code wsedge.limits.upstream-max-payload-size}), 16 MB
		 * by default.
		 * @param bytes the limit
		 * @return this builder
		 */
		public Builder upstreamMaxPayloadSize(long bytes) {
			this.upstreamMaxPayloadSize = requirePositive(bytes);
			return this;
		}

		private static long requirePositive(long bytes) {
			if (bytes <= 0) {
				throw new IllegalArgumentException("A payload limit must be positive, not " + bytes);
			}
			return bytes;
		}

		/**
		 * Sets how long the runner waits for the edge (a deferred interceptor, the session's end) before
		 * failing, 5 seconds by default.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			this.timeout = Objects.requireNonNull(timeout, "timeout");
			return this;
		}

		/**
		 * Opens the session; close the runner when done.
		 * @return the runner
		 */
		public ChainRunner build() {
			return new ChainRunner(this);
		}

	}

	/** Hands the interceptor the engine's context, watched. */
	private record RecordingClientInterceptor(ClientFrameInterceptor delegate, RecordingFrameContext.Verbs verbs)
			implements ClientFrameInterceptor {

		@Override
		public void intercept(FrameContext frame) throws Exception {
			this.delegate.intercept(new RecordingFrameContext(frame, this.verbs));
		}

		@Override
		public MessageMode messageMode() {
			return this.delegate.messageMode();
		}

	}

	/** Hands the interceptor the engine's context, watched. */
	private record RecordingUpstreamInterceptor(UpstreamFrameInterceptor delegate,
			RecordingFrameContext.Verbs verbs) implements UpstreamFrameInterceptor {

		@Override
		public void intercept(FrameContext frame) throws Exception {
			this.delegate.intercept(new RecordingFrameContext(frame, this.verbs));
		}

		@Override
		public MessageMode messageMode() {
			return this.delegate.messageMode();
		}

	}

	/** Keeps a listener's failure for {@link #summary()}, and lets the engine see (and log) it too. */
	private static final class ReportingListener implements SessionEndListener {

		private final SessionEndListener delegate;

		private volatile Throwable failure;

		ReportingListener(SessionEndListener delegate) {
			this.delegate = delegate;
		}

		@Override
		public void onSessionEnd(SessionSummary summary) {
			try {
				this.delegate.onSessionEnd(summary);
			}
			catch (RuntimeException | Error ex) {
				this.failure = ex;
				throw ex;
			}
		}

	}

}
