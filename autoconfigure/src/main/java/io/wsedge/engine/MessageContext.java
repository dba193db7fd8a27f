package io.wsedge.engine;

import io.wsedge.policy.CloseCodes;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.wsedge.api.EdgeSession;
import io.wsedge.api.FrameContext;
import io.wsedge.api.FrameType;

/**
 * The {@link FrameContext} of one direction of one session. A relay processes one message at a time, so a
 * single instance is reused for every message: interceptors that do no I/O cost no allocation here. Verbs
 * only record decisions; the relay acts on them when the chain ends.
 */
final class MessageContext implements FrameContext {

	static final int FORWARD = 0;

	static final int DROP = 1;

	static final int CLOSE = 2;

	private final Relay relay;

	private Object message;

	private FrameType type;

	private byte[] payloadCopy;

	private String textCache;

	private boolean replaced;

	private byte[] newBytes;

	private String newText;

	private int newCloseStatus = -1;

	int outcome;

	int clientStatus;

	String clientReason;

	int upstreamStatus;

	String upstreamReason;

	private CompletionStage<?> deferred;

	MessageContext(Relay relay) {
		this.relay = relay;
	}

	void begin(Object message, FrameType type) {
		this.message = message;
		this.type = type;
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
		this.outcome = FORWARD;
		this.clientReason = null;
		this.upstreamReason = null;
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

	/** The close status to forward: the interceptor's, or the frame's own (1005 for none). */
	int forwardedCloseStatus() {
		return (this.newCloseStatus != -1) ? this.newCloseStatus : statusOf((CloseWebSocketFrame) this.message);
	}

	String forwardedCloseReason() {
		return this.replaced ? replacementText() : reasonOf((CloseWebSocketFrame) this.message);
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
					? reasonOf((CloseWebSocketFrame) this.message).getBytes(StandardCharsets.UTF_8)
					: Messages.bytes(this.message);
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
			this.textCache = Messages.text(this.message);
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
		this.outcome = DROP;
	}

	@Override
	public void close(int clientStatus, String clientReason, int upstreamStatus, String upstreamReason) {
		CloseCodes.requireSendable(clientStatus);
		CloseCodes.requireSendable(upstreamStatus);
		this.clientReason = CloseCodes.requireValidReason(clientReason);
		this.upstreamReason = CloseCodes.requireValidReason(upstreamReason);
		this.clientStatus = clientStatus;
		this.upstreamStatus = upstreamStatus;
		this.outcome = CLOSE;
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

	static int statusOf(CloseWebSocketFrame frame) {
		int status = frame.statusCode();
		return (status == -1) ? CloseCodes.NO_STATUS : status;
	}

	static String reasonOf(CloseWebSocketFrame frame) {
		String reason = frame.reasonText();
		return (reason != null) ? reason : "";
	}

}
