package io.wsedge.netty;

import java.util.concurrent.ThreadLocalRandom;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.util.internal.PlatformDependent;

/**
 * Writes WebSocket frames (RFC 6455 §5.2) in place of the encoder Netty's handshakers install, because encoding
 * was the edge's largest cost per small message: Netty's encoder goes through a {@code MessageToMessageEncoder}
 * and masks with a bounds-checked buffer call per word. This one writes the header and the masked payload with
 * one bounds check per frame and, on the upstream leg, masks a large payload where it lies when the edge holds
 * the only reference to it, instead of copying it.
 * <p>
 * The edge masks on the upstream leg, where it is the client, with a fresh key per frame (RFC 6455 §5.3), and
 * never on the client leg.
 */
@ChannelHandler.Sharable
final class FrameEncoder extends ChannelOutboundHandlerAdapter implements WebSocketFrameEncoder {

	static final FrameEncoder MASKING = new FrameEncoder(true);

	static final FrameEncoder PLAIN = new FrameEncoder(false);

	/** Payloads up to this size are copied behind their header: one buffer, one write. */
	static final int COPY_THRESHOLD = 1024;

	private static final boolean UNSAFE = PlatformDependent.hasUnsafe();

	private final boolean mask;

	private FrameEncoder(boolean mask) {
		this.mask = mask;
	}

	/**
	 * Replaces the frame encoder of a pipeline that has just completed its handshake.
	 * @param pipeline the pipeline
	 * @param server whether this side is the server (it then sends unmasked frames, RFC 6455 §5.1)
	 */
	static void install(ChannelPipeline pipeline, boolean server) {
		ChannelHandlerContext current = pipeline.context(WebSocketFrameEncoder.class);
		if (current != null && !(current.handler() instanceof FrameEncoder)) {
			pipeline.replace(current.name(), current.name(), server ? PLAIN : MASKING);
		}
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (!(msg instanceof WebSocketFrame frame)) {
			ctx.write(msg, promise);
			return;
		}
		ByteBuf payload = frame.content();
		int length = payload.readableBytes();
		int opcode = opcode(frame);
		if (opcode >= 0x8 && length > 125) {
			frame.release();
			// RFC 6455 §5.5: control frames carry at most 125 bytes.
			promise.setFailure(new TooLongFrameException("control frame payload of " + length + " bytes"));
			return;
		}
		int first = (frame.isFinalFragment() ? 0x80 : 0) | (frame.rsv() & 0x7) << 4 | opcode;
		int headerLength = 2 + ((length <= 125) ? 0 : (length <= 0xFFFF) ? 2 : 8) + (this.mask ? 4 : 0);
		boolean copy = length <= COPY_THRESHOLD;
		boolean inPlace = this.mask && !copy && exclusive(payload);
		ByteBuf out = ctx.alloc().buffer(headerLength + (copy || (this.mask && !inPlace) ? length : 0));
		try {
			out.writeByte(first);
			int maskBit = this.mask ? 0x80 : 0;
			if (length <= 125) {
				out.writeByte(maskBit | length);
			}
			else if (length <= 0xFFFF) {
				out.writeByte(maskBit | 126);
				out.writeShort(length);
			}
			else {
				out.writeByte(maskBit | 127);
				out.writeLong(length);
			}
			if (!this.mask) {
				if (copy) {
					out.writeBytes(payload, payload.readerIndex(), length);
					frame.release();
					ctx.write(out, promise);
				}
				else {
					// Large payloads go out behind their header in one gathering write, uncopied.
					ctx.write(out, ctx.voidPromise());
					ctx.write(payload, promise);
				}
				return;
			}
			int key = ThreadLocalRandom.current().nextInt();
			out.writeInt(key);
			if (inPlace) {
				xor(payload, payload.readerIndex(), payload, payload.readerIndex(), length, key);
				ctx.write(out, ctx.voidPromise());
				ctx.write(payload, promise);
			}
			else {
				out.ensureWritable(length);
				xor(payload, payload.readerIndex(), out, out.writerIndex(), length, key);
				out.writerIndex(out.writerIndex() + length);
				frame.release();
				ctx.write(out, promise);
			}
		}
		catch (RuntimeException ex) {
			out.release();
			throw ex;
		}
	}

	/**
	 * Whether the edge holds the only reference to this buffer and nothing else can see its bytes: no slice,
	 * duplicate or wrapper of another buffer, one reference, writable.
	 */
	private static boolean exclusive(ByteBuf payload) {
		return payload.unwrap() == null && payload.refCnt() == 1 && !payload.isReadOnly();
	}

	/** Writes {@code length} bytes of {@code source} XOR the repeated 4-byte key to {@code target}. */
	static void xor(ByteBuf source, int from, ByteBuf target, int to, int length, int key) {
		int i = 0;
		if (UNSAFE && source.hasMemoryAddress() && target.hasMemoryAddress()) {
			long in = source.memoryAddress() + from;
			long out = target.memoryAddress() + to;
			long wide = wide(key, !PlatformDependent.BIG_ENDIAN_NATIVE_ORDER);
			for (; i + 8 <= length; i += 8) {
				PlatformDependent.putLong(out + i, PlatformDependent.getLong(in + i) ^ wide);
			}
		}
		else {
			long wide = wide(key, false);
			for (; i + 8 <= length; i += 8) {
				target.setLong(to + i, source.getLong(from + i) ^ wide);
			}
		}
		// The key restarts every 4 bytes and i is a multiple of 8 here, so byte i takes key byte i % 4.
		for (; i < length; i++) {
			target.setByte(to + i, source.getByte(from + i) ^ (key >>> (24 - 8 * (i & 3))));
		}
	}

	/** The key twice in a long, in the byte order of the reads it is XORed with. */
	private static long wide(int key, boolean littleEndian) {
		long wide = (key & 0xFFFFFFFFL) | ((long) key << 32);
		return littleEndian ? Long.reverseBytes(wide) : wide;
	}

	private static int opcode(WebSocketFrame frame) {
		if (frame instanceof TextWebSocketFrame) {
			return 0x1;
		}
		if (frame instanceof BinaryWebSocketFrame) {
			return 0x2;
		}
		if (frame instanceof ContinuationWebSocketFrame) {
			return 0x0;
		}
		if (frame instanceof CloseWebSocketFrame) {
			return 0x8;
		}
		if (frame instanceof PingWebSocketFrame) {
			return 0x9;
		}
		if (frame instanceof PongWebSocketFrame) {
			return 0xA;
		}
		throw new UnsupportedOperationException("Cannot encode a " + frame.getClass().getName());
	}

}
