package io.wsedge.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.wsedge.api.EdgeSession;
import io.wsedge.api.FrameContext;
import io.wsedge.api.FrameType;
import io.wsedge.policy.CloseCodes;
import io.wsedge.policy.CloseStatus;

/**
 * The {@link FrameContext} of one direction of one session. A relay processes one message at a time, so a
 * single instance is reused for every message: interceptors that do no I/O cost no allocation here, and the
 * copies, views and decoded text that interceptors ask for are made once per message, on first call. Verbs
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

	/** The read-only view shared by the interceptors of this message, with the bounds each call restores. */
	private ByteBuffer view;

	private int viewStart;

	private int viewEnd;

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
		this.view = null;
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
	public ByteBuffer payloadView() {
		ByteBuffer view = this.view;
		if (view == null) {
			ByteBuffer source;
			if (this.replaced) {
				source = ByteBuffer.wrap(replacementBytes());
			}
			else if (this.type == FrameType.CLOSE) {
				source = ByteBuffer.wrap(payload());
			}
			else {
				// The pooled buffer itself: nothing copied unless it is in pieces.
				source = this.message.view();
			}
			this.viewStart = source.position();
			this.viewEnd = source.limit();
			view = source.asReadOnlyBuffer();
			this.view = view;
		}
		else {
			// The interceptor before may have moved it; each one gets it whole.
			view.limit(this.viewEnd).position(this.viewStart);
			view.order(ByteOrder.BIG_ENDIAN);
		}
		return view;
	}

	@Override
	public boolean isFinal() {
		return this.message.isFinal();
	}

	@Override
	public int fragmentIndex() {
		return this.message.fragmentIndex();
	}

	@Override
	public String text() {
		if (this.type != FrameType.TEXT) {
			throw new IllegalStateException("text() is for TEXT messages; this is " + this.type);
		}
		if (isFragment()) {
			throw new IllegalStateException(
					"text() is for whole TEXT messages; a fragment may end inside a character: use payloadView()");
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
			requireWholeCharacters();
			requireUtf8(data);
		}
		this.replaced = true;
		// A copy: the interceptor may reuse its array, and a deferred chain writes the payload later.
		this.newBytes = data.clone();
		this.newText = null;
		this.view = null;
	}

	@Override
	public void setPayload(String text) {
		Objects.requireNonNull(text, "text");
		if (this.type == FrameType.TEXT) {
			requireWholeCharacters();
		}
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		checkPayload(bytes.length);
		this.replaced = true;
		this.newBytes = bytes;
		this.newText = text;
		this.view = null;
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
		if (this.message.fragmentIndex() > 0) {
			// Its first fragments have left: dropping this one would corrupt the message on the wire.
			throw new IllegalStateException("Only the first fragment of a message can be dropped (which drops the "
					+ "whole message); this is fragment " + this.message.fragmentIndex()
					+ ": use setPayload(new byte[0]) or close()");
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

	/**
	 * A text fragment is replaced only where it holds whole characters, so that its neighbours, forwarded as
	 * they came, stay valid UTF-8 (RFC 6455 §8.1: the whole message must be). The sender's message as a whole
	 * is valid (the frame decoder checks it), so a fragment that is valid by itself starts and ends on character
	 * boundaries.
	 */
	private void requireWholeCharacters() {
		if (isFragment() && !ByteBufUtil.isText(((Message.Whole) this.message).frame().content(),
				StandardCharsets.UTF_8)) {
			throw new IllegalStateException("Fragment " + this.message.fragmentIndex()
					+ " of this text message splits a character with its neighbour; it cannot be replaced");
		}
	}

	private static void requireUtf8(byte[] data) {
		if (!isUtf8(data)) {
			throw new IllegalArgumentException("Payload of a text message or close reason must be valid UTF-8");
		}
	}

	/**
	 * Whether {@code data} is well-formed UTF-8 (RFC 3629 §4: no overlong forms, no surrogates, nothing above
	 * U+10FFFF), checked in place: no wrapper, no decoder.
	 */
	static boolean isUtf8(byte[] data) {
		int i = 0;
		int length = data.length;
		while (i < length) {
			int b = data[i];
			if (b >= 0) {
				i++;
				continue;
			}
			b &= 0xFF;
			if (b < 0xC2 || b > 0xF4) {
				// A continuation byte with no lead, an overlong two-byte lead, or beyond U+10FFFF.
				return false;
			}
			int needed = (b < 0xE0) ? 1 : (b < 0xF0) ? 2 : 3;
			if (i + needed >= length) {
				// The sequence is cut short.
				return false;
			}
			int second = data[i + 1] & 0xFF;
			boolean secondOk = switch (b) {
				case 0xE0 -> second >= 0xA0 && second <= 0xBF;
				case 0xED -> second >= 0x80 && second <= 0x9F;
				case 0xF0 -> second >= 0x90 && second <= 0xBF;
				case 0xF4 -> second >= 0x80 && second <= 0x8F;
				default -> (second & 0xC0) == 0x80;
			};
			if (!secondOk) {
				return false;
			}
			for (int k = 2; k <= needed; k++) {
				if ((data[i + k] & 0xC0) != 0x80) {
					return false;
				}
			}
			i += needed + 1;
		}
		return true;
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
