package io.wsedge.netty;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.wsedge.api.EdgeSession;
import io.wsedge.policy.CloseCodes;
import io.wsedge.engine.Leg;
import io.wsedge.engine.LegListener;
import io.wsedge.engine.Side;

/**
 * A {@link Leg} over a Netty channel that already speaks WebSocket: the client's connection on the Reactor
 * Netty server, or the edge's connection to the upstream. It sits in the channel's pipeline after Netty's
 * frame decoder (and the extension and UTF-8 handlers), so frames reach the engine directly, and it writes
 * through the encoder from its own position.
 * <p>
 * Netty's decoder enforces the framing rules of RFC 6455 (masking, reserved bits and opcodes, control frame
 * rules, frame size) but only reports violations (see {@link FrameDecoders}); this leg passes them to the
 * session, which answers with its close policies. Until the
 * session is bound, frames and events are held and the channel is not read, so nothing is lost between the
 * upstream handshake and the client's.
 */
public final class NettyLeg extends ChannelDuplexHandler implements Leg {

	/** The name under which legs sit in a pipeline. */
	public static final String HANDLER_NAME = "wsedge.leg";

	private static final Log logger = LogFactory.getLog(NettyLeg.class);

	/** The highest close code a peer may send: 3000-4999 is the range for libraries and applications. */
	private static final int MAX_CLOSE_CODE = 4999;

	private final Side side;

	private final Channel channel;

	private final long closeTimeoutNanos;

	private ChannelHandlerContext context;

	private volatile LegListener listener;

	private EventExecutor executor;

	private boolean hop;

	private ArrayDeque<Object> held;

	private volatile boolean closeSent;

	private volatile boolean closeReceived;

	private volatile boolean inactive;

	private boolean violated;

	private Future<?> closeTimer;

	private UpstreamHandshakeAdapter handshake;

	/** RSV1 when the compressed messages of this leg's peer pass through as they came, 0 otherwise. */
	private int passedRsv;

	public NettyLeg(Side side, Channel channel, long closeTimeoutNanos) {
		this.side = side;
		this.channel = channel;
		this.closeTimeoutNanos = closeTimeoutNanos;
	}

	/**
	 * Hands the leg to its session and starts reading; held frames and events are delivered first.
	 * @param listener the session
	 * @param executor the session's executor; when it is not this channel's event loop (a colocation the
	 * transport could not give), every event is passed to it as a task, which keeps the session single-threaded
	 * at the price of a hand-off per event
	 */
	public void bind(LegListener listener, EventExecutor executor) {
		this.executor = executor;
		this.hop = (executor != this.channel.eventLoop());
		Runnable start = () -> {
			ArrayDeque<Object> held = this.held;
			this.held = null;
			this.listener = listener;
			if (held != null) {
				for (Object event : held) {
					event(event);
				}
				event(ReadComplete.INSTANCE);
			}
			if (!this.inactive) {
				setReading(true);
			}
		};
		if (this.channel.eventLoop().inEventLoop()) {
			start.run();
		}
		else {
			this.channel.eventLoop().execute(start);
		}
	}

	/**
	 * Lets the peer's compressed messages through with their RSV1 bit (permessage-deflate pass-through), on
	 * the first frame of a text or binary message only (RFC 7692 §6.1). Runs on the channel's event loop.
	 */
	void passCompressed() {
		this.passedRsv = WebSocketExtension.RSV1;
	}

	Channel channel() {
		return this.channel;
	}

	void handshake(UpstreamHandshakeAdapter handshake) {
		this.handshake = handshake;
	}

	/**
	 * The subprotocol the upstream selected in its handshake response.
	 * @return the subprotocol, or {@code null}
	 */
	String handshakeSubprotocol() {
		return (this.handshake != null) ? this.handshake.selectedSubprotocol() : null;
	}

	// Leg

	@Override
	public EventExecutor executor() {
		return (this.executor != null) ? this.executor : this.channel.eventLoop();
	}

	@Override
	public SocketAddress remoteAddress() {
		return this.channel.remoteAddress();
	}

	@Override
	public void write(WebSocketFrame frame) {
		if (this.closeSent || this.inactive) {
			frame.release();
			return;
		}
		this.context.write(frame, this.context.voidPromise());
	}

	@Override
	public void flush() {
		this.context.flush();
	}

	@Override
	public boolean isWritable() {
		return this.channel.isWritable();
	}

	@Override
	public long queuedBytes() {
		ChannelOutboundBuffer buffer = this.channel.unsafe().outboundBuffer();
		return (buffer != null) ? buffer.totalPendingWriteBytes() : 0;
	}

	@Override
	public void setReading(boolean reading) {
		this.channel.config().setAutoRead(reading);
		if (reading) {
			this.channel.read();
		}
	}

	@Override
	public void close(int code, String reason) {
		if (this.closeSent || this.inactive) {
			return;
		}
		this.closeSent = true;
		CloseWebSocketFrame frame = (code == CloseCodes.NO_STATUS) ? new CloseWebSocketFrame()
				: new CloseWebSocketFrame(code, reason);
		this.context.writeAndFlush(frame, this.context.voidPromise());
		if (this.closeReceived) {
			terminate();
		}
		else {
			// The peer gets a while to answer (RFC 6455 §7.1.1); meanwhile its frames are still read. A peer that
			// neither answers nor reads is cut when the time is up, whatever is still queued for it.
			this.closeTimer = this.channel.eventLoop()
				.schedule(this::cut, this.closeTimeoutNanos, TimeUnit.NANOSECONDS);
			setReading(true);
		}
	}

	@Override
	public void fail(int code, String reason) {
		if (this.inactive) {
			return;
		}
		if (!this.closeSent) {
			this.closeSent = true;
			this.context.write(new CloseWebSocketFrame(code, reason), this.context.voidPromise());
		}
		terminate();
	}

	@Override
	public boolean closeSent() {
		return this.closeSent;
	}

	@Override
	public void terminate() {
		if (this.closeTimer != null) {
			this.closeTimer.cancel(false);
			this.closeTimer = null;
		}
		if (this.channel.isActive()) {
			// What was written goes out first, but a peer that does not take it (a zero receive window) does not
			// keep the connection: it is cut after the close timeout.
			this.context.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
			this.closeTimer = this.channel.eventLoop()
				.schedule(this::cut, this.closeTimeoutNanos, TimeUnit.NANOSECONDS);
		}
	}

	/** Closes the connection outright, dropping whatever the peer has not taken. */
	private void cut() {
		this.closeTimer = null;
		this.channel.close();
	}

	// Netty events

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.context = ctx;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (!(msg instanceof WebSocketFrame frame)) {
			// The upstream's handshake response passes on to Reactor Netty's client.
			ctx.fireChannelRead(msg);
			return;
		}
		if (this.violated) {
			frame.release();
			return;
		}
		int rsv = frame.rsv();
		if (rsv != 0 && (rsv != this.passedRsv
				|| !(frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame))) {
			// Extension handlers before this leg consume the bits they own (permessage-deflate's RSV1), so
			// what is left belongs to no negotiated extension (RFC 6455 §5.2); a compressed message that passes
			// through keeps RSV1, on its first frame only (RFC 7692 §6.1).
			frame.release();
			violation(CloseCodes.PROTOCOL_ERROR, "reserved bits set without a negotiated extension");
			return;
		}
		if (frame instanceof CloseWebSocketFrame close) {
			if (close.statusCode() > MAX_CLOSE_CODE) {
				// Netty's decoder lets codes of 5000 and above through; RFC 6455 §7.4.2 leaves them undefined.
				frame.release();
				violation(CloseCodes.PROTOCOL_ERROR, "invalid close code");
				return;
			}
			this.closeReceived = true;
		}
		event(frame);
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (this.listener != null) {
			event(ReadComplete.INSTANCE);
		}
		ctx.fireChannelReadComplete();
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		if (this.listener != null) {
			event(WritabilityChanged.INSTANCE);
		}
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		this.inactive = true;
		if (this.closeTimer != null) {
			this.closeTimer.cancel(false);
			this.closeTimer = null;
		}
		event(Inactive.INSTANCE);
		ctx.fireChannelInactive();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		CorruptedWebSocketFrameException violation = findViolation(cause);
		if (violation != null) {
			// The decoder, the inflater and the UTF-8 validator only report (see FrameDecoders, MessageInflater):
			// the session answers.
			if (!this.violated) {
				violation(violation.closeStatus().code(), String.valueOf(violation.getMessage()));
			}
			return;
		}
		if (find(cause, IOException.class) != null) {
			// A reset connection or a TLS failure (an SSLException, maybe inside a DecoderException) ends in
			// channelInactive, which the session handles.
			if (ctx.channel().isActive()) {
				ctx.close();
			}
			return;
		}
		if (this.violated) {
			return;
		}
		// A fault of the edge or a codec. Logged once, without the payload or the request URI (its query string
		// may hold credentials).
		LegListener listener = this.listener;
		String where = this.side.name().toLowerCase(Locale.ROOT) + " leg of "
				+ ((listener instanceof EdgeSession session)
						? "session " + session.id() + " on route '" + session.routeId() + "'" : "a session not started");
		if (cause instanceof Error) {
			logger.error("Error on the " + where, cause);
		}
		else {
			logger.warn("Unexpected failure on the " + where, cause);
		}
		if (listener == null) {
			// Still in the upstream's handshake: the dial fails, and the client gets its HTTP status.
			this.violated = true;
			ctx.close();
			return;
		}
		// The session ends with close frames that say so: 1011 here, its policy on the other leg.
		violation(CloseCodes.INTERNAL_ERROR, "internal error");
	}

	private void violation(int code, String reason) {
		this.violated = true;
		event(new ProtocolError(code, reason));
	}

	/** Passes an event to the session, holding it while there is none yet. Runs on the channel's loop. */
	private void event(Object event) {
		if (this.listener == null) {
			hold(event);
		}
		else if (this.hop) {
			this.executor.execute(() -> dispatch(event));
		}
		else {
			dispatch(event);
		}
	}

	private static CorruptedWebSocketFrameException findViolation(Throwable cause) {
		return find(cause, CorruptedWebSocketFrameException.class);
	}

	private static <T extends Throwable> T find(Throwable cause, Class<T> type) {
		for (Throwable current = cause; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return type.cast(current);
			}
		}
		return null;
	}

	private void hold(Object event) {
		if (event == ReadComplete.INSTANCE || event == WritabilityChanged.INSTANCE) {
			return;
		}
		if (this.held == null) {
			this.held = new ArrayDeque<>();
		}
		this.held.add(event);
		// Whatever arrives before the session starts waits here; reading stops so it stays small.
		this.channel.config().setAutoRead(false);
	}

	/** Runs on the session's executor. */
	private void dispatch(Object event) {
		LegListener listener = this.listener;
		if (event instanceof WebSocketFrame frame) {
			boolean close = frame instanceof CloseWebSocketFrame;
			listener.onFrame(this.side, frame);
			if (close && this.closeSent) {
				// Both close frames have passed: the closing handshake is complete (RFC 6455 §7.1.1).
				terminate();
			}
		}
		else if (event == ReadComplete.INSTANCE) {
			listener.onReadComplete(this.side);
		}
		else if (event == WritabilityChanged.INSTANCE) {
			listener.onWritabilityChanged(this.side);
		}
		else if (event instanceof ProtocolError error) {
			listener.onProtocolError(this.side, error.code, error.reason);
		}
		else if (event == Inactive.INSTANCE) {
			listener.onClosed(this.side);
		}
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		if (this.held != null) {
			for (Object event : this.held) {
				ReferenceCountUtil.release(event);
			}
			this.held = null;
		}
	}

	private record ProtocolError(int code, String reason) {
	}

	private enum Inactive {

		INSTANCE

	}

	private enum ReadComplete {

		INSTANCE

	}

	private enum WritabilityChanged {

		INSTANCE

	}

}
