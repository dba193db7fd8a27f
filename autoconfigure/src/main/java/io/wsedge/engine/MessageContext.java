package io.wsedge.engine;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.wsedge.api.EdgeSession;
import io.wsedge.api.FrameContext;
import io.wsedge.api.FrameType;
import io.wsedge.policy.CloseCodes;
import io.wsedge.policy.CloseStatus;

/**
 * The {@link FrameContext} of one direction of one session. A relay processes one message at a time, so a
 * single instance is reused for every message: interceptors that do no I/O cost no allocation here. Verbs
 * only record decisions; the relay acts on them when the chain ends.
 */
final class MessageContext implements FrameContext {

	/** What the relay does with the message once the chain has run. */
	enum Outcome {

		FORWARD, DROP, CLOSE

	}

	private final Relay relay;

	private Message message;

	private FrameType type;

	private byte[] payloadCopy;

	private String textCache;

	private boolean replaced;

	private byte[] newBytes;

	private String newText;

	private int newCloseStatus = -1;

	private Outcome outcome = Outcome.FORWARD;

	private CloseStatus clientClose;

	private CloseStatus upstreamClose;

	private CompletionStage<?> deferred;

	MessageContext(Relay relay) {
		this.relay = relay;
	}

	void begin(Message message) {
		this.message = message;
		this.type = message.type();
	}

	Outcome outcome() {
		return this.outcome;
	}

	CloseStatus clientClose() {
		return this.clientClose;
	}

	CloseStatus upstreamClose() {
		return this.upstreamClose;
	}

	void end() {
		this.message = null;
		this.type = null;
		this.payloadCopy = null;
		this.textCache = null;
		this.replaced = false;
		this.newBytes = null;
		this.newText = null;
		this.newCloseStatus = -1;
		this.outcome = Outcome.FORWARD;
		this.clientClose = null;
		this.upstreamClose = null;
		this.deferred = null;
	}

	CompletionStage<?> takeDeferred() {
		CompletionStage<?> pending = this.deferred;
		this.deferred = null;
		return pending;
	}

	boolean replaced() {
		return this.replaced;
	}

	/** The replaced payload as bytes, encoding a text replacement once. */
	byte[] replacementBytes() {
		if (this.newBytes == null) {
			this.newBytes = this.newText.getBytes(StandardCharsets.UTF_8);
		}
		return this.newBytes;
	}

	/** The close status to forward: the interceptor's code and reason where set, else the frame's own. */
	CloseStatus forwardedClose() {
		return new CloseStatus(forwardedCloseStatus(), forwardedCloseReason());
	}

	private int forwardedCloseStatus() {
		return (this.newCloseStatus != -1) ? this.newCloseStatus : statusOf(closeFrame()).code();
	}

	private String forwardedCloseReason() {
		if (this.replaced) {
			return replacementText();
		}
		String reason = closeFrame().reasonText();
		return (reason != null) ? reason : "";
	}

	private CloseWebSocketFrame closeFrame() {
		return (CloseWebSocketFrame) ((Message.Whole) this.message).frame();
	}

	@Override
	public FrameType type() {
		return this.type;
	}

	@Override
	public byte[] payload() {
		if (this.replaced) {
			return replacementBytes();
		}
		if (this.payloadCopy == null) {
			this.payloadCopy = (this.type == FrameType.CLOSE)
					? forwardedCloseReason().getBytes(StandardCharsets.UTF_8) : this.message.bytes();
		}
		return this.payloadCopy;
	}

	@Override
	public String text() {
		if (this.type != FrameType.TEXT) {
			throw new IllegalStateException("text() is for TEXT messages; this is " + this.type);
		}
		if (this.replaced) {
			return replacementText();
		}
		// Decoded once per message, however many interceptors read it.
		if (this.textCache == null) {
			this.textCache = this.message.text();
		}
		return this.textCache;
	}

	@Override
	public int closeStatus() {
		requireClose("closeStatus()");
		return forwardedCloseStatus();
	}

	@Override
	public String closeReason() {
		requireClose("closeReason()");
		return forwardedCloseReason();
	}

	@Override
	public void setPayload(byte[] data) {
		Objects.requireNonNull(data, "data");
		checkPayload(data.length);
		if (this.type == FrameType.TEXT || this.type == FrameType.CLOSE) {
			requireUtf8(data);
		}
		this.replaced = true;
		this.newBytes = data.clone();
		this.newText = null;
	}

	@Override
	public void setPayload(String text) {
		Objects.requireNonNull(text, "text");
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		checkPayload(bytes.length);
		this.replaced = true;
		this.newBytes = bytes;
		this.newText = text;
	}

	@Override
	public void setCloseStatus(int status) {
		requireClose("setCloseStatus()");
		this.newCloseStatus = CloseCodes.requireSendable(status);
	}

	@Override
	public void drop() {
		if (this.type == FrameType.CLOSE) {
			throw new IllegalStateException("A close frame cannot be dropped; use setCloseStatus() or close()");
		}
		this.outcome = Outcome.DROP;
	}

	@Override
	public void close(int clientStatus, String clientReason, int upstreamStatus, String upstreamReason) {
		CloseStatus toClient = CloseStatus.sendable(clientStatus, clientReason);
		CloseStatus toUpstream = CloseStatus.sendable(upstreamStatus, upstreamReason);
		this.clientClose = toClient;
		this.upstreamClose = toUpstream;
		this.outcome = Outcome.CLOSE;
	}

	@Override
	public void close(int status, String reason) {
		close(status, reason, status, reason);
	}

	@Override
	public void setMaxPayloadSize(long bytes) {
		if (bytes < 0) {
			throw new IllegalArgumentException("Max payload size must not be negative: " + bytes);
		}
		this.relay.setMaxPayloadSize(bytes);
	}

	@Override
	public EdgeSession session() {
		return this.relay.session();
	}

	@Override
	public void defer(CompletionStage<?> pending) {
		Objects.requireNonNull(pending, "pending");
		if (this.deferred != null) {
			throw new IllegalStateException("defer() may be called once per interceptor invocation");
		}
		this.deferred = pending;
	}

	private String replacementText() {
		if (this.newText == null) {
			this.newText = new String(this.newBytes, StandardCharsets.UTF_8);
		}
		return this.newText;
	}

	private void requireClose(String method) {
		if (this.type != FrameType.CLOSE) {
			throw new IllegalStateException(method + " is for CLOSE frames; this is " + this.type);
		}
	}

	private void checkPayload(int length) {
		if (this.type == FrameType.CLOSE && length > CloseCodes.MAX_REASON_BYTES) {
			throw new IllegalArgumentException(
					"A close reason holds at most " + CloseCodes.MAX_REASON_BYTES + " bytes, not " + length);
		}
		if ((this.type == FrameType.PING || this.type == FrameType.PONG) && length > 125) {
			throw new IllegalArgumentException("A " + this.type + " payload holds at most 125 bytes, not " + length);
		}
	}

	private static void requireUtf8(byte[] data) {
		// Netty's check allocates no decoder (RFC 3629: no overlong forms, no surrogates).
		if (!ByteBufUtil.isText(Unpooled.wrappedBuffer(data), StandardCharsets.UTF_8)) {
			throw new IllegalArgumentException("Payload of a text message or close reason must be valid UTF-8");
		}
	}

	/** A received close frame's status: 1005 where it has no code (RFC 6455 §7.1.5). */
	static CloseStatus statusOf(CloseWebSocketFrame frame) {
		int code = frame.statusCode();
		if (code == -1) {
			return CloseStatus.NO_STATUS;
		}
		return new CloseStatus(code, frame.reasonText());
	}

}
