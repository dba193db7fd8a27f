package io.wsedge.engine;

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
import io.wsedge.api.FrameType;
import io.wsedge.engine.Message.Assembled;
import io.wsedge.engine.Message.Whole;
import io.wsedge.engine.MessageContext.Outcome;
import io.wsedge.policy.ClosePolicyKind;
import io.wsedge.policy.CloseStatus;
import io.wsedge.policy.Limits;

/**
 * One direction of a session: checks each message against the limits as its frames arrive, runs the route's
 * validation of the direction ({@link MessageValidator}) and then the direction's interceptor chain on it, and
 * forwards, drops or closes as they decide.
 * <p>
 * Where the direction has neither interceptor nor validation, a fragmented message streams through frame by
 * frame and costs the edge one frame of memory. Where every interceptor takes fragments
 * ({@code MessageMode.FRAGMENTS}) and there is no validation, it streams too, each fragment running the chain on
 * its own. Otherwise it is assembled in one buffer, so that validation and the chain see it whole. Either way its size and its number of fragments are counted as they arrive.
 * <p>
 * Confined to the session's executor. Messages are handled strictly one at a time in arrival order; while an
 * interceptor's deferred stage is pending, later messages wait in a backlog and the sender is not read.
 */
final class Relay {

	/** What the relay does with the continuation frames of the message in progress. */
	private enum Partial {

		/** No fragmented message in progress. */
		NONE,

		/** Forwarded as they come: no interceptor runs. */
		STREAMING,

		/** Each run through the chain as it comes: every interceptor takes fragments. */
		FRAGMENTS,

		/** Appended to {@link #assembling}. */
		ASSEMBLING,

		/** Released: the message was refused at its first frame (rate limit). */
		DISCARDING

	}

	private final ProxySession session;

	private final Side from;

	private final NamedInterceptor[] chain;

	private final MessageContext context;

	/** The route's built-in validation of this direction, run before the chain; {@code null} for none. */
	private final MessageValidator validator;

	/** Whether fragmented messages stream through the chain, resolved once from the interceptors' modes. */
	private final boolean fragmentWise;

	private final long defaultMaxPayloadSize;

	private final int maxFragments;

	private long maxPayloadSize;

	private Leg target;

	private Whole whole = new Whole();

	private Partial partial = Partial.NONE;

	private FrameType partialType;

	private long partialBytes;

	private int partialFragments;

	private Assembled assembling;

	/**
	 * Set when the chain dropped the first fragment of a streamed message: its other fragments are released
	 * unseen. Kept apart from {@link #partial}, which follows arrival, as fragments may wait in the backlog.
	 */
	private boolean droppingFragments;

	private boolean suspended;

	private Message suspendedMessage;

	private int resumeAt;

	private ArrayDeque<Message> backlog;

	private long backlogBytes;

	private final double tokensPerNano;

	private final double burst;

	private final boolean dropOverRate;

	/** Whether client messages also count against the rate the principal's sessions share. */
	private final boolean principalLimited;

	/** Whether client messages also count against the rate the client address's sessions share. */
	private final boolean clientLimited;

	private double tokens;

	private long refilledAt;

	/**
	 * The largest message written to the target since it last drained below its low-water mark. A message
	 * larger than max-buffered-bytes is queued whole by the time it is written; what follows it in the same read
	 * must not be taken for a peer that does not read, so such a message is allowed on top of the limit.
	 */
	private long largestQueued;

	/** Observes each message, or {@code null} (the default): set before the session starts. */
	MessageObserver observer;

	/** The observation of the message in the chain now, or {@code null}. */
	private Object observed;

	/** Whether the last message from this side was over the rate: one violation per run of such messages. */
	private boolean overRateEpisode;

	long messages;

	long bytes;

	Relay(ProxySession session, Side from, NamedInterceptor[] chain, Limits limits) {
		this.session = session;
		this.from = from;
		this.chain = chain;
		this.context = (chain.length > 0) ? new MessageContext(this) : null;
		this.validator = session.route().validator(from);
		// Validation needs messages whole, like an interceptor of MessageMode.WHOLE.
		this.fragmentWise = chain.length > 0 && this.validator == null && NamedInterceptor.streamsFragments(chain);
		this.defaultMaxPayloadSize = (from == Side.CLIENT) ? limits.maxPayloadSize()
				: limits.upstreamMaxPayloadSize();
		this.maxPayloadSize = this.defaultMaxPayloadSize;
		this.maxFragments = limits.maxFragments();
		// A token bucket for client messages: the rate refills it, the burst is its size.
		boolean limited = from == Side.CLIENT && limits.messagesPerSecond() > 0;
		this.tokensPerNano = limited ? limits.messagesPerSecond() / 1e9 : 0;
		this.burst = limited ? Math.max(1, (limits.messageBurst() > 0) ? limits.messageBurst()
				: Math.ceil(limits.messagesPerSecond())) : 0;
		this.dropOverRate = limits.dropOverRate();
		this.principalLimited = from == Side.CLIENT && session.principalRateLimited();
		this.clientLimited = from == Side.CLIENT && session.clientRateLimited();
		this.tokens = this.burst;
		this.refilledAt = System.nanoTime();
	}

	/** Whether a fragmented message is on its way to the target: nothing else may be written until it ends. */
	boolean midMessage() {
		return this.partial == Partial.STREAMING || this.partial == Partial.FRAGMENTS;
	}

	void bind(Leg target) {
		this.target = target;
	}

	ProxySession session() {
		return this.session;
	}

	void setMaxPayloadSize(long bytes) {
		this.maxPayloadSize = (bytes == 0) ? this.defaultMaxPayloadSize : bytes;
	}

	/**
	 * Bytes this direction holds beyond the frame in hand: a message being assembled and messages waiting for a
	 * deferred interceptor. Read from other threads for the edge's memory budget, so only an estimate.
	 */
	long heldBytes() {
		Assembled assembling = this.assembling;
		return ((assembling != null) ? assembling.held() : 0) + this.backlogBytes;
	}

	void onFrame(WebSocketFrame frame) {
		if (frame instanceof ContinuationWebSocketFrame) {
			onContinuation(frame);
		}
		else if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
			onMessageStart(frame);
		}
		else {
			onControl(frame);
		}
	}

	private void onControl(WebSocketFrame frame) {
		FrameType type = Message.typeOf(frame);
		if (this.from == Side.CLIENT && type != FrameType.CLOSE) {
			if (type == FrameType.PONG) {
				long sequence = EdgePings.sequence(frame.content());
				if (sequence >= 0) {
					// The answer to the edge's own ping ends here.
					frame.release();
					this.session.edgePong(sequence);
					return;
				}
			}
			// Pings and pongs cost the upstream as much as messages do: they count against the rate too.
			if (this.tokensPerNano > 0 && !takeToken()) {
				frame.release();
				overRate();
				return;
			}
		}
		this.session.metrics().received(this.from, type, frame.content().readableBytes());
		dispatch(this.whole.set(frame, type));
	}

	private void onMessageStart(WebSocketFrame frame) {
		long size = frame.content().readableBytes();
		if (size > this.maxPayloadSize) {
			frame.release();
			this.session.policyClose(ClosePolicyKind.PAYLOAD_TOO_BIG, this.from);
			return;
		}
		FrameType type = (frame instanceof TextWebSocketFrame) ? FrameType.TEXT : FrameType.BINARY;
		if (frame.isFinalFragment()) {
			if (accepted(type, size)) {
				dispatch(this.whole.set(frame, type));
			}
			else {
				frame.release();
			}
			return;
		}
		this.partialType = type;
		this.partialBytes = size;
		this.partialFragments = 1;
		if (this.context == null && this.validator == null) {
			// Nothing needs the message whole: the rate limit decides at its first frame, then it streams.
			if (withinRate()) {
				this.partial = Partial.STREAMING;
				forwardFrame(frame);
			}
			else {
				this.partial = Partial.DISCARDING;
				frame.release();
			}
		}
		else if (this.fragmentWise) {
			if (withinRate()) {
				this.partial = Partial.FRAGMENTS;
				dispatch(this.whole.fragment(frame, type, 0));
			}
			else {
				this.partial = Partial.DISCARDING;
				frame.release();
			}
		}
		else {
			this.partial = Partial.ASSEMBLING;
			this.assembling = new Assembled(frame, type, this.maxPayloadSize);
			frame.release();
		}
	}

	private void onContinuation(WebSocketFrame frame) {
		Partial partial = this.partial;
		if (partial == Partial.NONE) {
			// The frame decoder refuses a continuation outside a message (RFC 6455 §5.4); this one follows a
			// message this relay already refused.
			frame.release();
			return;
		}
		long size = this.partialBytes + frame.content().readableBytes();
		if (size > this.maxPayloadSize || ++this.partialFragments > this.maxFragments) {
			frame.release();
			abandonPartial();
			this.session.policyClose(ClosePolicyKind.PAYLOAD_TOO_BIG, this.from);
			return;
		}
		this.partialBytes = size;
		boolean fin = frame.isFinalFragment();
		if (partial == Partial.STREAMING) {
			forwardFrame(frame);
			if (fin) {
				this.partial = Partial.NONE;
				count(this.partialType, size);
			}
		}
		else if (partial == Partial.FRAGMENTS) {
			if (fin) {
				this.partial = Partial.NONE;
				count(this.partialType, size);
			}
			dispatch(this.whole.fragment(frame, this.partialType, this.partialFragments - 1));
		}
		else if (partial == Partial.ASSEMBLING) {
			Assembled message = this.assembling;
			message.append(frame.content());
			frame.release();
			if (fin) {
				this.assembling = null;
				this.partial = Partial.NONE;
				if (accepted(this.partialType, size)) {
					dispatch(message);
				}
				else {
					message.release();
				}
			}
		}
		else {
			frame.release();
			if (fin) {
				this.partial = Partial.NONE;
			}
		}
	}

	private void abandonPartial() {
		if (this.assembling != null) {
			this.assembling.release();
			this.assembling = null;
		}
		this.partial = Partial.NONE;
	}

	/** Counts a whole data message and applies the rate limit; false if the message goes no further. */
	private boolean accepted(FrameType type, long size) {
		count(type, size);
		return withinRate();
	}

	private void count(FrameType type, long size) {
		this.messages++;
		this.bytes += size;
		this.session.metrics().received(this.from, type, size);
		this.session.activity();
	}

	private boolean withinRate() {
		if ((this.tokensPerNano > 0 && !takeToken())
				|| (this.principalLimited && !this.session.withinPrincipalRate())
				|| (this.clientLimited && !this.session.withinClientRate())) {
			overRate();
			return false;
		}
		return true;
	}

	private void overRate() {
		if (this.dropOverRate) {
			if (!this.overRateEpisode) {
				this.overRateEpisode = true;
				this.session.metrics().violation(ClosePolicyKind.RATE_LIMIT);
			}
			this.session.metrics().dropped(this.from, ClosePolicyKind.RATE_LIMIT.key());
		}
		else {
			this.session.policyClose(ClosePolicyKind.RATE_LIMIT, Side.CLIENT);
		}
	}

	private boolean takeToken() {
		long now = System.nanoTime();
		this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.tokensPerNano);
		this.refilledAt = now;
		if (this.tokens >= 1) {
			this.tokens -= 1;
			this.overRateEpisode = false;
			return true;
		}
		return false;
	}

	private void dispatch(Message message) {
		if (this.suspended) {
			Message queued = detach(message);
			if (this.backlog == null) {
				this.backlog = new ArrayDeque<>();
			}
			this.backlog.add(queued);
			this.backlogBytes += queued.size();
			return;
		}
		if (this.validator != null && message.fragmentIndex() == 0 && isData(message.type()) && !valid(message)) {
			return;
		}
		if (this.observer != null) {
			this.observed = this.observer.start(this.from, message.type(), message.size());
		}
		if (this.context == null) {
			forward(message, null);
			observed("forwarded", null);
		}
		else if (this.droppingFragments && message.fragmentIndex() > 0) {
			// The rest of a message whose first fragment an interceptor dropped; control frames between its
			// fragments (RFC 6455 §5.4) still run the chain.
			this.droppingFragments = !message.isFinal();
			message.release();
			observed("dropped", null);
		}
		else {
			this.context.begin(message);
			runChain(message, 0);
		}
	}

	private static boolean isData(FrameType type) {
		return type == FrameType.TEXT || type == FrameType.BINARY;
	}

	/** Runs the route's validation on a whole data message; drops it or closes the session when it fails. */
	private boolean valid(Message message) {
		String failure = this.validator.check(message.type(), message.view());
		if (failure == null) {
			return true;
		}
		message.release();
		boolean drop = this.validator.drops();
		this.session.metrics().invalidMessage(this.from, drop);
		if (drop) {
			this.session.metrics().dropped(this.from, ClosePolicyKind.INVALID_MESSAGE.key());
		}
		else {
			this.session.invalidMessage(this.from, failure);
		}
		return false;
	}

	/**
	 * Takes a message out of the relay's reused holder, for one that must outlive its turn; the relay takes a
	 * fresh holder.
	 */
	private Message detach(Message message) {
		if (message == this.whole) {
			this.whole = new Whole();
		}
		return message;
	}

	private void runChain(Message message, int start) {
		MessageContext context = this.context;
		NamedInterceptor[] chain = this.chain;
		// A drop or close decided by the code that completed a deferred stage ends the chain there too.
		for (int i = start; i < chain.length && context.outcome() == Outcome.FORWARD; i++) {
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
				message.release();
				observed("failed", ex);
				this.session.interceptorFailed(interceptor.name(), ex);
				return;
			}
			CompletionStage<?> pending = context.takeDeferred();
			if (pending != null) {
				suspend(detach(message), i + 1, pending, interceptor);
				return;
			}
		}
		finish(message, context);
	}

	private void finish(Message message, MessageContext context) {
		switch (context.outcome()) {
			case DROP -> {
				context.end();
				// Only a first fragment can be dropped (MessageContext refuses later ones): the rest follow it.
				this.droppingFragments = !message.isFinal();
				message.release();
				this.session.metrics().dropped(this.from, "interceptor");
				observed("dropped", null);
			}
			case CLOSE -> {
				CloseStatus toClient = context.clientClose();
				CloseStatus toUpstream = context.upstreamClose();
				context.end();
				message.release();
				observed("closed", null);
				this.session.closeByEdge(toClient, toUpstream);
			}
			case FORWARD -> {
				forward(message, context);
				context.end();
				observed("forwarded", null);
			}
		}
	}

	/** Ends the observation of the message in the chain, if any. */
	private void observed(String outcome, Throwable error) {
		Object handle = this.observed;
		if (handle != null) {
			this.observed = null;
			this.observer.stop(handle, outcome, error);
		}
	}

	private void forward(Message message, MessageContext context) {
		if (message.type() == FrameType.CLOSE) {
			CloseWebSocketFrame close = (CloseWebSocketFrame) ((Whole) message).frame();
			CloseStatus original = MessageContext.statusOf(close);
			CloseStatus forwarded = (context != null) ? context.forwardedClose() : original;
			message.release();
			this.session.closeFrom(this.from, original, forwarded);
			return;
		}
		if (!writable(message)) {
			return;
		}
		if (context != null && context.replaced()) {
			WebSocketFrame replacement = replacement(message, context.replacementBytes());
			message.release();
			queued(replacement.content().readableBytes());
			this.target.write(replacement);
		}
		else {
			queued(message.size());
			message.writeTo(this.target);
		}
		afterWrite();
	}

	private void queued(long size) {
		if (size > this.largestQueued) {
			this.largestQueued = size;
		}
	}

	/** Called when the target drained below its low-water mark: what it holds from now on is new. */
	void targetDrained() {
		this.largestQueued = 0;
	}

	private boolean overflows(Leg target) {
		long limit = this.session.limits().maxBufferedBytes();
		// Only a message over the limit earns an allowance: below it, what a peer leaves unread is held to the
		// limit as before. Subtracted rather than added, so that a limit of Long.MAX_VALUE (none) cannot overflow.
		long allowance = (this.largestQueued > limit) ? this.largestQueued : 0;
		return target.queuedBytes() - allowance > limit;
	}

	/** Forwards one frame of a streamed message. */
	private void forwardFrame(WebSocketFrame frame) {
		if (this.target.closeSent()) {
			frame.release();
			return;
		}
		if (overflows(this.target)) {
			frame.release();
			abandonPartial();
			this.session.policyClose(ClosePolicyKind.BUFFER_OVERFLOW, this.from.other());
			return;
		}
		queued(frame.content().readableBytes());
		this.target.write(frame);
		afterWrite();
	}

	private boolean writable(Message message) {
		Leg target = this.target;
		if (target.closeSent()) {
			// Nothing may follow a close frame (RFC 6455 §5.5.1).
			message.release();
			return false;
		}
		if (overflows(target)) {
			message.release();
			this.session.policyClose(ClosePolicyKind.BUFFER_OVERFLOW, this.from.other());
			return false;
		}
		return true;
	}

	private void afterWrite() {
		if (!this.target.isWritable()) {
			this.session.blockReading(this.from, ReadBlock.PEER);
		}
	}

	private static WebSocketFrame replacement(Message message, byte[] payload) {
		if (message.fragmentIndex() > 0) {
			// A fragment keeps its place in its message: a continuation frame, with its FIN bit.
			return new ContinuationWebSocketFrame(message.isFinal(), 0, Unpooled.wrappedBuffer(payload));
		}
		boolean fin = message.isFinal();
		return switch (message.type()) {
			case TEXT -> new TextWebSocketFrame(fin, 0, Unpooled.wrappedBuffer(payload));
			case BINARY -> new BinaryWebSocketFrame(fin, 0, Unpooled.wrappedBuffer(payload));
			case PING -> new PingWebSocketFrame(Unpooled.wrappedBuffer(payload));
			case PONG -> new PongWebSocketFrame(Unpooled.wrappedBuffer(payload));
			case CLOSE -> throw new IllegalStateException("Close frames are forwarded by the session");
		};
	}

	private void suspend(Message message, int next, CompletionStage<?> pending, NamedInterceptor interceptor) {
		this.suspended = true;
		this.suspendedMessage = message;
		this.resumeAt = next;
		this.session.blockReading(this.from, ReadBlock.DEFER);
		pending.whenComplete((result, failure) -> this.session.executor()
			.execute(() -> resume(failure, interceptor)));
	}

	private void resume(Throwable failure, NamedInterceptor interceptor) {
		Message message = this.suspendedMessage;
		this.suspendedMessage = null;
		this.suspended = false;
		if (this.session.isEnded()) {
			this.context.end();
			message.release();
			observed("abandoned", null);
			releaseBacklog();
			return;
		}
		if (failure != null) {
			interceptor.meter().error();
			this.context.end();
			message.release();
			observed("failed", failure);
			this.session.interceptorFailed(interceptor.name(), failure);
		}
		else {
			runChain(message, this.resumeAt);
		}
		ArrayDeque<Message> backlog = this.backlog;
		while (!this.suspended && backlog != null && !backlog.isEmpty()) {
			Message next = backlog.poll();
			this.backlogBytes -= next.size();
			dispatch(next);
		}
		this.target.flush();
		if (!this.suspended) {
			this.session.unblockReading(this.from, ReadBlock.DEFER);
		}
	}

	/** Releases every buffer this relay still holds; called once the session has ended. */
	void releaseAll() {
		abandonPartial();
		if (!this.suspended) {
			releaseBacklog();
		}
		// A suspended message is released when its stage completes, as the stage may still be using it.
	}

	private void releaseBacklog() {
		if (this.backlog != null) {
			Message message;
			while ((message = this.backlog.poll()) != null) {
				message.release();
			}
		}
		this.backlogBytes = 0;
	}

}
