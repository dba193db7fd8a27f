package io.wsedge.engine;

import io.wsedge.policy.Limits;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.wsedge.engine.Messages.Fragments;

/**
 * One direction of a session: assembles messages from the sender's frames (checking the size limit as they
 * arrive), runs the direction's interceptor chain on each, and forwards, drops or closes as it decides.
 * <p>
 * Confined to the session's executor. Messages are handled strictly one at a time in arrival order; while an
 * interceptor's deferred stage is pending, later messages wait in a backlog and the sender is not read.
 */
final class Relay {

	private final ProxySession session;

	private final Side from;

	private final NamedInterceptor[] chain;

	private final MessageContext context;

	private final long defaultMaxPayloadSize;

	private long maxPayloadSize;

	private Leg source;

	private Leg target;

	private Object partial;

	private boolean suspended;

	private Object suspendedMessage;

	private int resumeAt;

	private ArrayDeque<Object> backlog;

	private final double tokensPerNano;

	private final double burst;

	private final boolean dropOverRate;

	private double tokens;

	private long refilledAt;

	long messages;

	long bytes;

	Relay(ProxySession session, Side from, NamedInterceptor[] chain, Limits limits) {
		this.session = session;
		this.from = from;
		this.chain = chain;
		this.context = (chain.length > 0) ? new MessageContext(this) : null;
		this.defaultMaxPayloadSize = limits.maxPayloadSize(from);
		this.maxPayloadSize = this.defaultMaxPayloadSize;
		// A token bucket for client messages: the rate refills it, the burst is its size.
		boolean limited = from == Side.CLIENT && limits.messagesPerSecond() > 0;
		this.tokensPerNano = limited ? limits.messagesPerSecond() / 1e9 : 0;
		this.burst = limited ? Math.max(1, (limits.messageBurst() > 0) ? limits.messageBurst()
				: Math.ceil(limits.messagesPerSecond())) : 0;
		this.dropOverRate = limits.dropOverRate();
		this.tokens = this.burst;
		this.refilledAt = System.nanoTime();
	}

	void bind(Leg source, Leg target) {
		this.source = source;
		this.target = target;
	}

	ProxySession session() {
		return this.session;
	}

	void setMaxPayloadSize(long bytes) {
		this.maxPayloadSize = (bytes == 0) ? this.defaultMaxPayloadSize : bytes;
	}

	void onFrame(WebSocketFrame frame) {
		if (frame instanceof ContinuationWebSocketFrame) {
			onContinuation(frame);
		}
		else if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
			onMessageStart(frame);
		}
		else {
			if (this.from == Side.CLIENT && frame instanceof PongWebSocketFrame) {
				long sequence = EdgePings.sequence(frame.content());
				if (sequence >= 0) {
					// The answer to the edge's own ping ends here.
					frame.release();
					this.session.edgePong(sequence);
					return;
				}
			}
			this.session.metrics().received(this.from, Messages.type(frame), frame.content().readableBytes());
			dispatch(frame);
		}
	}

	private void onMessageStart(WebSocketFrame frame) {
		long size = frame.content().readableBytes();
		if (size > this.maxPayloadSize) {
			frame.release();
			this.session.payloadTooBig(this.from);
			return;
		}
		if (frame.isFinalFragment()) {
			if (accepted(frame, size)) {
				dispatch(frame);
			}
		}
		else {
			this.partial = new Fragments(frame);
		}
	}

	private void onContinuation(WebSocketFrame frame) {
		Fragments fragments = (Fragments) this.partial;
		if (fragments == null) {
			// The frame decoder refuses a continuation outside a message (RFC 6455 §5.4); this one follows a
			// message this relay already refused.
			frame.release();
			return;
		}
		if (fragments.bytes + frame.content().readableBytes() > this.maxPayloadSize) {
			frame.release();
			this.partial = null;
			fragments.release();
			this.session.payloadTooBig(this.from);
			return;
		}
		fragments.add(frame);
		if (frame.isFinalFragment()) {
			this.partial = null;
			if (accepted(fragments, fragments.bytes)) {
				dispatch(fragments);
			}
		}
	}

	/** Counts a whole data message and applies the rate limit; false if the message goes no further. */
	private boolean accepted(Object message, long size) {
		this.messages++;
		this.bytes += size;
		this.session.metrics().received(this.from, Messages.type(message), size);
		this.session.activity();
		if (this.tokensPerNano > 0 && !takeToken()) {
			Messages.release(message);
			if (this.dropOverRate) {
				this.session.metrics().violation("rate-limit");
				this.session.metrics().dropped(this.from, "rate-limit");
			}
			else {
				this.session.rateLimited();
			}
			return false;
		}
		return true;
	}

	private boolean takeToken() {
		long now = System.nanoTime();
		this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.tokensPerNano);
		this.refilledAt = now;
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return true;
		}
		return false;
	}

	private void dispatch(Object message) {
		if (this.suspended) {
			if (this.backlog == null) {
				this.backlog = new ArrayDeque<>();
			}
			this.backlog.add(message);
			return;
		}
		if (this.context == null) {
			forward(message, null);
		}
		else {
			this.context.begin(message, Messages.type(message));
			runChain(message, 0);
		}
	}

	private void runChain(Object message, int start) {
		MessageContext context = this.context;
		NamedInterceptor[] chain = this.chain;
		// A drop or close decided by the code that completed a deferred stage ends the chain there too.
		for (int i = start; i < chain.length && context.outcome == MessageContext.FORWARD; i++) {
			NamedInterceptor interceptor = chain[i];
			NamedInterceptor.InterceptorMeter meter = interceptor.meter();
			try {
				if (meter.timed()) {
					long started = System.nanoTime();
					interceptor.interceptor().intercept(context);
					meter.record(System.nanoTime() - started);
				}
				else {
					interceptor.interceptor().intercept(context);
				}
			}
			catch (Throwable ex) {
				meter.error();
				context.end();
				Messages.release(message);
				this.session.interceptorFailed(interceptor.name(), ex);
				return;
			}
			CompletionStage<?> pending = context.takeDeferred();
			if (pending != null) {
				suspend(message, i + 1, pending, interceptor);
				return;
			}
		}
		finish(message, context);
	}

	private void finish(Object message, MessageContext context) {
		int outcome = context.outcome;
		if (outcome == MessageContext.DROP) {
			context.end();
			Messages.release(message);
			this.session.metrics().dropped(this.from, "interceptor");
		}
		else if (outcome == MessageContext.CLOSE) {
			int clientStatus = context.clientStatus;
			String clientReason = context.clientReason;
			int upstreamStatus = context.upstreamStatus;
			String upstreamReason = context.upstreamReason;
			context.end();
			Messages.release(message);
			this.session.closeByEdge(clientStatus, clientReason, upstreamStatus, upstreamReason);
		}
		else {
			forward(message, context);
			context.end();
		}
	}

	private void forward(Object message, MessageContext context) {
		if (message instanceof CloseWebSocketFrame close) {
			int originalStatus = MessageContext.statusOf(close);
			String originalReason = MessageContext.reasonOf(close);
			int status = (context != null) ? context.forwardedCloseStatus() : originalStatus;
			String reason = (context != null) ? context.forwardedCloseReason() : originalReason;
			close.release();
			this.session.closeFrom(this.from, originalStatus, originalReason, status, reason);
			return;
		}
		Leg target = this.target;
		if (target.closeSent()) {
			// Nothing may follow a close frame (RFC 6455 §5.5.1).
			Messages.release(message);
			return;
		}
		if (target.queuedBytes() > this.session.limits().maxBufferedBytes()) {
			Messages.release(message);
			this.session.bufferOverflow(this.from.other());
			return;
		}
		if (context != null && context.replaced()) {
			WebSocketFrame replacement = replacement(message, context.replacementBytes());
			Messages.release(message);
			target.write(replacement);
		}
		else if (message instanceof Fragments fragments) {
			target.write(fragments.head);
			for (WebSocketFrame frame : fragments.tail) {
				target.write(frame);
			}
		}
		else {
			target.write((WebSocketFrame) message);
		}
		if (!target.isWritable()) {
			this.session.blockReading(this.from, ProxySession.BLOCKED_BY_PEER);
		}
	}

	private static WebSocketFrame replacement(Object message, byte[] payload) {
		return switch (Messages.type(message)) {
			case TEXT -> new TextWebSocketFrame(Unpooled.wrappedBuffer(payload));
			case BINARY -> new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload));
			case PING -> new PingWebSocketFrame(Unpooled.wrappedBuffer(payload));
			case PONG -> new PongWebSocketFrame(Unpooled.wrappedBuffer(payload));
			case CLOSE -> throw new IllegalStateException("Close frames are forwarded by the session");
		};
	}

	private void suspend(Object message, int next, CompletionStage<?> pending, NamedInterceptor interceptor) {
		this.suspended = true;
		this.suspendedMessage = message;
		this.resumeAt = next;
		this.session.blockReading(this.from, ProxySession.BLOCKED_BY_DEFER);
		pending.whenComplete((result, failure) -> this.session.executor()
			.execute(() -> resume(failure, interceptor)));
	}

	private void resume(Throwable failure, NamedInterceptor interceptor) {
		Object message = this.suspendedMessage;
		this.suspendedMessage = null;
		this.suspended = false;
		if (this.session.isEnded()) {
			this.context.end();
			Messages.release(message);
			releaseBacklog();
			return;
		}
		if (failure != null) {
			interceptor.meter().error();
			this.context.end();
			Messages.release(message);
			this.session.interceptorFailed(interceptor.name(), failure);
		}
		else {
			runChain(message, this.resumeAt);
		}
		ArrayDeque<Object> backlog = this.backlog;
		while (!this.suspended && backlog != null && !backlog.isEmpty()) {
			dispatch(backlog.poll());
		}
		this.target.flush();
		if (!this.suspended) {
			this.session.unblockReading(this.from, ProxySession.BLOCKED_BY_DEFER);
		}
	}

	/** Releases every buffer this relay still holds; called once the session has ended. */
	void releaseAll() {
		if (this.partial != null) {
			Messages.release(this.partial);
			this.partial = null;
		}
		if (!this.suspended) {
			releaseBacklog();
		}
		// A suspended message is released when its stage completes, as the stage may still be using it.
	}

	private void releaseBacklog() {
		if (this.backlog != null) {
			Object message;
			while ((message = this.backlog.poll()) != null) {
				Messages.release(message);
			}
		}
	}

}
