package io.wsedge.server.servlet;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.tomcat.websocket.Constants;
import org.apache.tomcat.websocket.WsSession;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.wsedge.policy.CloseCodes;
import io.wsedge.engine.Leg;
import io.wsedge.engine.LegListener;
import io.wsedge.engine.Side;

/**
 * The client's {@link Leg} on the servlet stack: a WebSocket session that Spring's WebSocket support opened on
 * Tomcat, driven by the session on the upstream connection's Netty event loop.
 * <p>
 * <strong>Threading.</strong> The leg is confined to {@link #executor()}, like every leg. Tomcat's threads only
 * copy what they read (Tomcat reuses its buffers) into Netty buffers and queue it for the executor. Nothing in
 * this class blocks the executor: data messages go out through Tomcat's asynchronous remote endpoint, and the
 * calls that Jakarta WebSocket only offers as blocking ones (pings, pongs and close frames) run on a separate
 * executor, one at a time per leg.
 * <p>
 * <strong>Incoming.</strong> Spring delivers partial messages; each becomes a text, binary or continuation
 * frame whose FIN bit is the part's {@code isLast}. Tomcat hands over at most one frame per part, and at most
 * its message buffer (8 KB by default) of a larger frame, so the frame limit is checked on those parts. Tomcat
 * enforces the framing rules and UTF-8 itself, answers the client's pings itself (they never reach the
 * session), and answers a client's close frame itself with the same code. A protocol violation therefore
 * reaches the session as a close frame with the code Tomcat answered with.
 * <p>
 * <strong>Outgoing.</strong> Frames are queued and sent one at a time, each when the previous one completed
 * (Tomcat allows one outstanding send). A fragmented message is joined and sent whole, as the asynchronous
 * endpoint only sends whole messages. The water marks of {@link #isWritable()} count what is queued or in
 * flight, and reading is suspended and resumed through Tomcat's {@link WsSession#suspend()} and
 * {@link WsSession#resume()}.
 * <p>
 * <strong>Closing.</strong> Once Tomcat has sent the leg's close frame it ends the connection when the client
 * answers, without reporting the answer; the leg reports the end, or cuts the connection after the close
 * timeout.
 */
final class ServletLeg implements Leg, WebSocketHandler {

	private static final Log logger = LogFactory.getLog(ServletLeg.class);

	/** Queued or in-flight bytes above which the leg is not writable, like Netty's default water marks. */
	static final int HIGH_WATER_MARK = 64 * 1024;

	/** Queued or in-flight bytes below which a leg that was not writable is writable again. */
	static final int LOW_WATER_MARK = 32 * 1024;

	/** Bytes read from the client and not yet taken by the session above which Tomcat stops reading. */
	static final int INBOUND_HIGH_WATER_MARK = 64 * 1024;

	/** Heap a queued frame takes beyond its payload (frame, buffer and queue node), counted in the inbound bytes. */
	static final int QUEUED_FRAME_OVERHEAD = 160;

	/** Bytes read and not yet taken below which Tomcat reads again. */
	static final int INBOUND_LOW_WATER_MARK = 32 * 1024;

	/** How often a closing leg looks whether Tomcat has ended the connection, as Tomcat tells no one. */
	private static final long CLOSE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	/**
	 * Marks a thread while it calls into Tomcat for this leg, so that the close event such a call fires is told
	 * apart from one the client caused.
	 */
	private static final ThreadLocal<ServletLeg> CALLING = new ThreadLocal<>();

	private static final ByteBufAllocator ALLOCATOR = ByteBufAllocator.DEFAULT;

	private final EventExecutor executor;

	private final Executor blocking;

	private final InetSocketAddress remoteAddress;

	private final long closeTimeoutNanos;

	private final int maxFramePayload;

	private final Consumer<ServletLeg> opened;

	private final SendHandler sendHandler = this::sendCompleted;

	private volatile WsSession session;

	private volatile RemoteEndpoint.Async remote;

	// Incoming, on Tomcat's threads (one at a time per connection)

	private final Queue<Object> inbound = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean draining = new AtomicBoolean();

	private final AtomicLong inboundBytes = new AtomicLong();

	private boolean continuation;

	private volatile boolean violated;

	// Reading, from Tomcat's threads and the executor

	private final Object readLock = new Object();

	private boolean wantReading = true;

	private volatile boolean inboundFull;

	private boolean suspended;

	// Outgoing and state, confined to the executor

	private LegListener listener;

	private final ArrayDeque<Object> outbound = new ArrayDeque<>();

	private CompositeByteBuf joined;

	private boolean joinedText;

	private WebSocketFrame inFlight;

	private long inFlightBytes;

	private long queuedBytes;

	private boolean sending;

	private boolean writable = true;

	/** Bytes of {@link #joined}, included in {@link #queuedBytes}. */
	private long joinedBytes;

	private boolean closeSent;

	private boolean terminating;

	private boolean ended;

	private ScheduledFuture<?> closeTimer;

	/**
	 * Creates a leg for a client whose upgrade is under way.
	 * @param executor the session's executor: the upstream connection's event loop
	 * @param blocking runs the blocking calls of Jakarta WebSocket (control frames and close frames)
	 * @param remoteAddress the client connection's peer
	 * @param closeTimeoutNanos the time the client has to answer a close frame
	 * @param maxFramePayload the largest frame accepted from the client
	 * @param opened called on the executor once the WebSocket session is open
	 */
	ServletLeg(EventExecutor executor, Executor blocking, InetSocketAddress remoteAddress, long closeTimeoutNanos,
			int maxFramePayload, Consumer<ServletLeg> opened) {
		this.executor = executor;
		this.blocking = blocking;
		this.remoteAddress = remoteAddress;
		this.closeTimeoutNanos = closeTimeoutNanos;
		this.maxFramePayload = maxFramePayload;
		this.opened = opened;
	}

	/**
	 * Hands the leg to its session; events read so far are delivered next. Called on the executor.
	 * @param listener the session
	 */
	void bind(LegListener listener) {
		this.listener = listener;
		scheduleDrain();
	}

	/**
	 * Closes a session that opened too late to be used (its upgrade was given up) and discards what it reads.
	 * Called on the executor.
	 */
	void discard() {
		this.ended = true;
		callTomcat(() -> this.session.close(closeReason(CloseCodes.INTERNAL_ERROR, "")), (ok) -> {
		});
		scheduleDrain();
	}

	// Leg

	@Override
	public EventExecutor executor() {
		return this.executor;
	}

	@Override
	public InetSocketAddress remoteAddress() {
		return this.remoteAddress;
	}

	@Override
	public void write(WebSocketFrame frame) {
		if (this.closeSent || this.ended) {
			frame.release();
			return;
		}
		if (frame instanceof CloseWebSocketFrame close) {
			// The engine closes through close(); a close frame written as a frame means the same.
			int code = close.statusCode();
			String reason = close.reasonText();
			close.release();
			close((code == -1) ? CloseCodes.NO_STATUS : code, reason);
			return;
		}
		this.queuedBytes += frame.content().readableBytes();
		if (frame instanceof ContinuationWebSocketFrame) {
			if (this.joined == null) {
				// Nothing to continue: the engine never writes such a frame, so it is dropped, not sent.
				this.queuedBytes -= frame.content().readableBytes();
				frame.release();
				return;
			}
			this.joined.addComponent(true, frame.content());
			this.joinedBytes += frame.content().readableBytes();
			if (frame.isFinalFragment()) {
				CompositeByteBuf whole = this.joined;
				this.joined = null;
				this.joinedBytes = 0;
				this.outbound.add(this.joinedText ? new TextWebSocketFrame(whole) : new BinaryWebSocketFrame(whole));
			}
		}
		else if (!frame.isFinalFragment()
				&& (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame)) {
			// The asynchronous endpoint sends whole messages only: the fragments are joined. The engine streams a
			// message's fragments as they arrive where no interceptor needs it whole, so the joined bytes wait for
			// the rest of the message, not for the client: they count against the memory budget (heldBytes) but
			// not against writability or max-buffered-bytes, or the engine would stop reading, or close for, the
			// very fragments that complete the message. The payload limit bounds them.
			this.joinedText = frame instanceof TextWebSocketFrame;
			this.joined = ALLOCATOR.compositeBuffer(Integer.MAX_VALUE);
			this.joined.addComponent(true, frame.content());
			this.joinedBytes = frame.content().readableBytes();
		}
		else {
			this.outbound.add(frame);
		}
		if (this.writable && queuedBytes() > HIGH_WATER_MARK) {
			this.writable = false;
		}
	}

	@Override
	public void flush() {
		sendNext();
	}

	@Override
	public boolean isWritable() {
		return this.writable;
	}

	@Override
	public long queuedBytes() {
		// Joined fragments wait for the rest of their message, not for the client (see write()).
		return this.queuedBytes - this.joinedBytes;
	}

	@Override
	public long heldBytes() {
		return this.queuedBytes;
	}

	@Override
	public void setReading(boolean reading) {
		synchronized (this.readLock) {
			this.wantReading = reading;
			applyReading();
		}
	}

	@Override
	public void close(int code, String reason) {
		if (this.closeSent || this.ended) {
			return;
		}
		this.closeSent = true;
		releaseJoined();
		// Tomcat cannot send a close frame without a code (RFC 6455 §7.1.5 allows one): 1000 says the same.
		CloseReason closeReason = (code == CloseCodes.NO_STATUS) ? closeReason(CloseCodes.NORMAL, "")
				: closeReason(code, reason);
		this.outbound.add(new CloseOperation(closeReason, false));
		// The client gets a while to answer (RFC 6455 §7.1.1); meanwhile it is read, so that Tomcat sees the answer.
		this.closeTimer = this.executor.schedule(this::terminate, this.closeTimeoutNanos, TimeUnit.NANOSECONDS);
		setReading(true);
		sendNext();
	}

	@Override
	public void fail(int code, String reason) {
		if (this.ended) {
			return;
		}
		releaseQueued();
		if (this.closeSent) {
			terminate();
			return;
		}
		this.closeSent = true;
		this.outbound.add(new CloseOperation(closeReason(code, reason), true));
		this.closeTimer = this.executor.schedule(this::terminate, this.closeTimeoutNanos, TimeUnit.NANOSECONDS);
		sendNext();
	}

	@Override
	public boolean closeSent() {
		return this.closeSent;
	}

	@Override
	public void terminate() {
		if (this.ended || this.terminating || this.session == null) {
			return;
		}
		this.terminating = true;
		cancelCloseTimer();
		releaseQueued();
		callTomcat(() -> {
			WsSession session = this.session;
			if (session.isOpen()) {
				// Sends 1001 (the code Tomcat uses when it gives up on a connection) and closes the socket.
				CloseReason goingAway = new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "");
				session.doClose(goingAway, new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, ""), true);
			}
			if (!session.isClosed()) {
				// The close frame is out and the answer is overdue: this ends the connection.
				session.onClose(new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, ""));
			}
		}, (ok) -> awaitEnd());
	}

	// Sending, on the executor

	private void sendNext() {
		while (!this.sending && !this.ended) {
			Object next = this.outbound.poll();
			if (next == null) {
				return;
			}
			this.sending = true;
			if (next instanceof CloseOperation close) {
				sendClose(close);
			}
			else {
				send((WebSocketFrame) next);
			}
		}
	}

	private void send(WebSocketFrame frame) {
		this.inFlightBytes = frame.content().readableBytes();
		if (frame instanceof PingWebSocketFrame || frame instanceof PongWebSocketFrame) {
			// Jakarta WebSocket sends control frames with blocking calls only.
			ByteBuffer payload = ByteBuffer.wrap(ByteBufUtil.getBytes(frame.content()));
			boolean ping = frame instanceof PingWebSocketFrame;
			frame.release();
			callTomcat(() -> {
				if (ping) {
					this.session.getBasicRemote().sendPing(payload);
				}
				else {
					this.session.getBasicRemote().sendPong(payload);
				}
			}, this::sent);
			return;
		}
		try {
			if (frame instanceof TextWebSocketFrame) {
				// Valid UTF-8: the upstream leg validated it, and the engine checks replaced payloads.
				String text = frame.content().toString(StandardCharsets.UTF_8);
				frame.release();
				this.remote.sendText(text, this.sendHandler);
			}
			else {
				// The buffer is Tomcat's until the send completes; it is released then.
				this.inFlight = frame;
				this.remote.sendBinary(frame.content().nioBuffer(), this.sendHandler);
			}
		}
		catch (RuntimeException ex) {
			// Tomcat refuses sends on a session it has closed.
			logger.debug("Send to the client failed", ex);
			this.executor.execute(() -> sent(false));
		}
	}

	/** Tomcat's completion of an asynchronous send, on one of its threads. */
	private void sendCompleted(SendResult result) {
		boolean ok = result.isOK();
		if (!ok && logger.isDebugEnabled()) {
			logger.debug("Send to the client failed", result.getException());
		}
		this.executor.execute(() -> sent(ok));
	}

	private void sent(boolean ok) {
		if (!this.sending) {
			return;
		}
		this.sending = false;
		if (this.inFlight != null) {
			this.inFlight.release();
			this.inFlight = null;
		}
		this.queuedBytes -= this.inFlightBytes;
		this.inFlightBytes = 0;
		if (this.ended) {
			return;
		}
		if (!ok) {
			// The connection is broken: end it, the session closes the other side.
			terminate();
			return;
		}
		if (!this.writable && queuedBytes() < LOW_WATER_MARK) {
			this.writable = true;
			if (this.listener != null) {
				this.listener.onWritabilityChanged(Side.CLIENT);
			}
		}
		sendNext();
	}

	private void sendClose(CloseOperation close) {
		callTomcat(() -> {
			if (close.failing()) {
				// Fails the connection (RFC 6455 §7.1.7): the close frame, then the socket is closed at once.
				this.session.doClose(close.reason(), close.reason(), true);
			}
			else {
				this.session.close(close.reason());
			}
		}, (ok) -> awaitEnd());
	}

	/** Reports the end of the connection once Tomcat has ended it. */
	private void awaitEnd() {
		if (this.ended) {
			return;
		}
		if (this.session.isClosed()) {
			end();
			return;
		}
		this.executor.schedule(this::awaitEnd, CLOSE_POLL_NANOS, TimeUnit.NANOSECONDS);
	}

	/**
	 * Runs a blocking call into Tomcat on the blocking executor and its continuation back on the executor.
	 * @param call the call
	 * @param then told on the executor whether the call succeeded
	 */
	private void callTomcat(TomcatCall call, Consumer<Boolean> then) {
		Runnable task = () -> {
			boolean ok = invoke(call);
			this.executor.execute(() -> then.accept(ok));
		};
		try {
			this.blocking.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// The application is stopping: the call is short now, as Tomcat is closing the connection.
			task.run();
		}
	}

	private boolean invoke(TomcatCall call) {
		CALLING.set(this);
		try {
			call.run();
			return true;
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Call to the client's WebSocket session failed", ex);
			return false;
		}
		finally {
			CALLING.remove();
		}
	}

	private void end() {
		if (this.ended) {
			return;
		}
		this.ended = true;
		cancelCloseTimer();
		releaseQueued();
		if (this.listener != null) {
			this.listener.onClosed(Side.CLIENT);
		}
		// Whatever Tomcat still hands over is released.
		scheduleDrain();
	}

	private void cancelCloseTimer() {
		if (this.closeTimer != null) {
			this.closeTimer.cancel(false);
			this.closeTimer = null;
		}
	}

	private void releaseQueued() {
		releaseJoined();
		Object queued;
		while ((queued = this.outbound.poll()) != null) {
			if (queued instanceof WebSocketFrame frame) {
				this.queuedBytes -= frame.content().readableBytes();
				frame.release();
			}
		}
	}

	private void releaseJoined() {
		if (this.joined != null) {
			this.queuedBytes -= this.joined.readableBytes();
			this.joined.release();
			this.joined = null;
			this.joinedBytes = 0;
		}
	}

	private static CloseReason closeReason(int code, String reason) {
		// Not CloseCodes.getCloseCode: Jakarta WebSocket knows no name for some codes that may be sent (1014).
		CloseReason.CloseCode closeCode = () -> code;
		return new CloseReason(closeCode, (reason != null) ? reason : "");
	}

	// Reading

	/** Suspends or resumes Tomcat's reading as the session and the inbound queue want; holds the read lock. */
	private void applyReading() {
		WsSession session = this.session;
		boolean suspend = !this.wantReading || this.inboundFull;
		if (session == null || suspend == this.suspended) {
			return;
		}
		this.suspended = suspend;
		if (suspend) {
			session.suspend();
		}
		else {
			session.resume();
		}
	}

	// WebSocketHandler: Tomcat's threads

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		WsSession nativeSession = ((NativeWebSocketSession) session).getNativeSession(WsSession.class);
		if (nativeSession == null) {
			throw new IllegalStateException("The servlet edge runs on Tomcat's WebSocket support, not on "
					+ ((NativeWebSocketSession) session).getNativeSession().getClass().getName());
		}
		// Bound Tomcat's blocking sends of control and close frames, and its own wait for a close answer, by
		// the route's close timeout.
		Long closeTimeout = Math.max(1, TimeUnit.NANOSECONDS.toMillis(this.closeTimeoutNanos));
		Map<String, Object> properties = nativeSession.getUserProperties();
		properties.put(Constants.BLOCKING_SEND_TIMEOUT_PROPERTY, closeTimeout);
		properties.put(Constants.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT_PROPERTY, closeTimeout);
		properties.put(Constants.SESSION_CLOSE_TIMEOUT_PROPERTY, closeTimeout);
		this.remote = nativeSession.getAsyncRemote();
		this.session = nativeSession;
		this.executor.execute(() -> this.opened.accept(this));
	}

	@Override
	public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) {
		if (this.violated) {
			return;
		}
		if (message instanceof TextMessage text) {
			data(ByteBufUtil.writeUtf8(ALLOCATOR, text.getPayload()), true, text.isLast());
		}
		else if (message instanceof BinaryMessage binary) {
			data(copy(binary.getPayload()), false, binary.isLast());
		}
		else if (message instanceof PongMessage pong) {
			receive(new PongWebSocketFrame(copy(pong.getPayload())));
		}
	}

	private static ByteBuf copy(ByteBuffer data) {
		// Tomcat reuses its buffer once this call returns.
		ByteBuf copy = ALLOCATOR.buffer(data.remaining());
		copy.writeBytes(data);
		return copy;
	}

	private void data(ByteBuf payload, boolean text, boolean last) {
		if (payload.readableBytes() > this.maxFramePayload) {
			payload.release();
			this.violated = true;
			receive(new ProtocolError(CloseCodes.MESSAGE_TOO_BIG,
					"frame larger than " + this.maxFramePayload + " bytes"));
			return;
		}
		WebSocketFrame frame;
		if (this.continuation) {
			frame = new ContinuationWebSocketFrame(last, 0, payload);
		}
		else if (text) {
			frame = new TextWebSocketFrame(last, 0, payload);
		}
		else {
			frame = new BinaryWebSocketFrame(last, 0, payload);
		}
		this.continuation = !last;
		receive(frame);
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) {
		// Tomcat closes the session after the error; the close reports it.
		logger.debug("Transport error on the client's WebSocket session", exception);
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) {
		if (CALLING.get() == this) {
			// Fired by this leg's own close: Tomcat now waits for the client's answer, see awaitEnd().
			return;
		}
		receive(closeStatus);
	}

	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

	/** Queues an event for the executor; Tomcat stops reading while too much waits. */
	private void receive(Object event) {
		if (event instanceof WebSocketFrame frame) {
			long pending = this.inboundBytes.addAndGet(cost(frame));
			if (pending >= INBOUND_HIGH_WATER_MARK && !this.inboundFull) {
				synchronized (this.readLock) {
					if (!this.inboundFull && this.inboundBytes.get() >= INBOUND_HIGH_WATER_MARK) {
						this.inboundFull = true;
						applyReading();
					}
				}
			}
		}
		this.inbound.add(event);
		scheduleDrain();
	}

	private void scheduleDrain() {
		if (!this.inbound.isEmpty() && this.draining.compareAndSet(false, true)) {
			this.executor.execute(this::drain);
		}
	}

	/** Delivers what Tomcat read, on the executor. */
	private void drain() {
		LegListener listener = this.listener;
		boolean read = false;
		Object event;
		while ((listener != null || this.ended) && (event = this.inbound.poll()) != null) {
			if (event instanceof WebSocketFrame frame) {
				taken(cost(frame));
				if (this.ended) {
					frame.release();
				}
				else {
					listener.onFrame(Side.CLIENT, frame);
					read = true;
				}
			}
			else if (event instanceof ProtocolError error) {
				if (!this.ended && listener != null) {
					listener.onProtocolError(Side.CLIENT, error.code(), error.reason());
				}
			}
			else if (event instanceof CloseStatus status && !this.ended) {
				closedByClient(listener, status);
			}
		}
		if (read && !this.ended) {
			listener.onReadComplete(Side.CLIENT);
		}
		this.draining.set(false);
		if (listener != null || this.ended) {
			scheduleDrain();
		}
	}

	/**
	 * What a queued frame costs: its payload and the objects around it, so that a flood of empty continuation
	 * frames fills the inbound queue as surely as large ones.
	 */
	private static long cost(WebSocketFrame frame) {
		return frame.content().readableBytes() + QUEUED_FRAME_OVERHEAD;
	}

	private void taken(long bytes) {
		if (this.inboundBytes.addAndGet(-bytes) <= INBOUND_LOW_WATER_MARK && this.inboundFull) {
			synchronized (this.readLock) {
				if (this.inboundFull && this.inboundBytes.get() <= INBOUND_LOW_WATER_MARK) {
					this.inboundFull = false;
					applyReading();
				}
			}
		}
	}

	/**
	 * Tomcat has closed the session for the client: after its close frame (which Tomcat has answered already),
	 * after a protocol violation (which Tomcat reports as the close code it answered with), or because the
	 * connection was lost (1006).
	 */
	private void closedByClient(LegListener listener, CloseStatus status) {
		if (status.getCode() != CloseStatus.NO_CLOSE_FRAME.getCode() && !this.violated) {
			int code = status.getCode();
			// Tomcat reports codes that may not be sent as 1002 already; anything else odd is treated the same.
			CloseWebSocketFrame frame = CloseCodes.isSendable(code)
					? new CloseWebSocketFrame(code, (status.getReason() != null) ? status.getReason() : "")
					: new CloseWebSocketFrame(CloseCodes.PROTOCOL_ERROR, "");
			listener.onFrame(Side.CLIENT, frame);
		}
		end();
	}

	@Override
	public String toString() {
		return "client leg to " + this.remoteAddress;
	}

	@FunctionalInterface
	private interface TomcatCall {

		void run() throws IOException;

	}

	private record CloseOperation(CloseReason reason, boolean failing) {
	}

	private record ProtocolError(int code, String reason) {
	}

}
