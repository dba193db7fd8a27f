package io.wsedge.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.internal.PlatformDependent;

/**
 * Checks that every text message is UTF-8 (RFC 6455 §8.1), failing at the first invalid byte even in the middle
 * of a fragmented message, as Netty's {@code Utf8FrameValidator} does. It replaces that validator because
 * checking text was the edge's largest cost per message under load: Netty's walks each byte through a
 * {@code ByteProcessor}; this one skips ASCII eight bytes at a time and runs the same DFA (Björn Hoehrmann's)
 * only over the rest.
 * <p>
 * A message whose first frame still has RSV1 set at this point is compressed and is not being inflated by the
 * edge (it is passed through); its bytes are not text yet and are left to the receiving endpoint.
 */
final class TextValidator extends ChannelInboundHandlerAdapter {

	private static final int ACCEPT = 0;

	private static final int REJECT = 12;

	private static final long NON_ASCII = 0x8080808080808080L;

	private static final boolean UNSAFE = PlatformDependent.hasUnsafe();

	// Byte classes and transitions of the DFA at https://bjoern.hoehrmann.de/utf-8/decoder/dfa/ (MIT licence),
	// the same tables as Netty's Utf8Validator.
	private static final byte[] TYPES = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1,
			1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 7, 7, 7, 7, 7, 7, 7, 7,
			7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 8, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
			2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 10, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 3, 3,
			11, 6, 6, 6, 5, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8 };

	private static final byte[] STATES = { 0, 12, 24, 36, 60, 96, 84, 12, 12, 12, 48, 72, 12, 12, 12, 12, 12, 12,
			12, 12, 12, 12, 12, 12, 12, 0, 12, 12, 12, 12, 12, 0, 12, 0, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12,
			24, 12, 12, 12, 12, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 12, 12, 24, 12, 12,
			12, 12, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12, 12, 36, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12, 12, 36, 12,
			12, 12, 12, 12, 12, 12, 12, 12, 12 };

	/** Whether the message in progress is text being checked. */
	private boolean checking;

	/** Whether a fragmented message is in progress (text or not). */
	private boolean fragmented;

	/** The DFA's state between the frames of a message. */
	private int state = ACCEPT;

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
		if (msg instanceof WebSocketFrame frame && !isControl(frame)) {
			try {
				check(frame);
			}
			catch (CorruptedWebSocketFrameException ex) {
				frame.release();
				throw ex;
			}
		}
		ctx.fireChannelRead(msg);
	}

	private void check(WebSocketFrame frame) {
		if (!this.fragmented || !(frame instanceof ContinuationWebSocketFrame)) {
			// A new message; a data frame that is not a continuation in the middle of one is the decoder's to refuse.
			this.checking = frame instanceof TextWebSocketFrame && (frame.rsv() & 0x4) == 0;
			this.state = ACCEPT;
		}
		boolean last = frame.isFinalFragment();
		this.fragmented = !last;
		if (!this.checking) {
			return;
		}
		int state = scan(frame.content(), this.state);
		if (state == REJECT || (last && state != ACCEPT)) {
			this.checking = false;
			this.fragmented = false;
			this.state = ACCEPT;
			throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.INVALID_PAYLOAD_DATA,
					"bytes are not UTF-8");
		}
		this.state = last ? ACCEPT : state;
	}

	/**
	 * Runs the bytes through the DFA from {@code state}.
	 * @return the state after the last byte, or {@link #REJECT} at the first invalid byte
	 */
	static int scan(ByteBuf buffer, int state) {
		int index = buffer.readerIndex();
		int end = buffer.writerIndex();
		long address = (UNSAFE && buffer.hasMemoryAddress()) ? buffer.memoryAddress() : 0;
		while (index < end) {
			if (state == ACCEPT) {
				// Between characters: skip whole words of ASCII. The test reads no byte order.
				if (address != 0) {
					while (index + 8 <= end && (PlatformDependent.getLong(address + index) & NON_ASCII) == 0) {
						index += 8;
					}
				}
				else {
					while (index + 8 <= end && (buffer.getLong(index) & NON_ASCII) == 0) {
						index += 8;
					}
				}
				if (index == end) {
					break;
				}
			}
			state = STATES[state + TYPES[buffer.getByte(index++) & 0xFF]];
			if (state == REJECT) {
				return REJECT;
			}
		}
		return state;
	}

	private static boolean isControl(WebSocketFrame frame) {
		return frame instanceof CloseWebSocketFrame || frame instanceof PingWebSocketFrame
				|| frame instanceof PongWebSocketFrame;
	}

}
