package io.wsedge.netty;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.Deflater;

import com.jcraft.jzlib.GZIPException;
import com.jcraft.jzlib.JZlib;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;

/**
 * The sending half of permessage-deflate (RFC 7692 §7.2.1) for one connection, in place of Netty's encoder:
 * the threshold decides per message from its first frame, and every frame of a compressed message is
 * compressed, whatever its size (an empty one included), so fragments keep their boundaries. Control frames
 * pass untouched, also between the fragments of a compressed message.
 * <p>
 * Each frame is compressed with a sync flush, so it can be sent at once; the final frame drops the flush's
 * {@code 00 00 ff ff} tail, which the receiver appends again. Windows below 15 bits use jzlib (the JDK's
 * deflater has only the full window); {@link Deflate} declines what needs it when jzlib is absent.
 * Runs on the channel's event loop only.
 * <p>
 * Where the other leg's compressed frames pass through ({@link PassThrough}), the deflater compresses nothing,
 * not even a plain message: the peer's decompressor follows the sender's compression context, of which any
 * message the edge compressed would not be part (RFC 7692 §7.2.3.3).
 */
final class MessageDeflater extends WebSocketExtensionEncoder {

	private static final int FLUSH_TAIL = 0x0000FFFF;

	private final int level;

	private final int windowBits;

	private final boolean noContext;

	private final long threshold;

	private Compressor compressor;

	private boolean compressing;

	private boolean passing;

	/**
	 * @param level the compression level, 0-9
	 * @param windowBits the LZ77 window agreed for this side, 8-15
	 * @param noContext whether each message starts with a fresh context (no context takeover)
	 * @param threshold messages whose first frame is smaller than this are sent uncompressed
	 * @param passing whether frames pass as they come, compressed by the other leg's peer or not at all
	 */
	MessageDeflater(int level, int windowBits, boolean noContext, long threshold, boolean passing) {
		this.level = level;
		this.windowBits = windowBits;
		this.noContext = noContext;
		this.threshold = threshold;
		this.passing = passing;
	}

	/** From now on frames pass as they come; set before the first data frame is written. */
	void passThrough() {
		this.passing = true;
	}

	/**
	 * Whether frames pass as they come.
	 * @return whether the deflater passes them through
	 */
	boolean passing() {
		return this.passing;
	}

	@Override
	public boolean acceptOutboundMessage(Object msg) {
		// Passed frames skip the encoder's list: the frame goes out as it is, its RSV1 bit included.
		return !this.passing && (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
				|| msg instanceof ContinuationWebSocketFrame);
	}

	@Override
	protected void encode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
		boolean first = !(frame instanceof ContinuationWebSocketFrame);
		if (first) {
			// The first frame decides for the whole message: RSV1 marks the message, not a frame (§6).
			this.compressing = (frame.rsv() & WebSocketExtension.RSV1) == 0
					&& frame.content().readableBytes() >= this.threshold;
		}
		if (!this.compressing) {
			out.add(frame.retain());
			return;
		}
		ByteBuf payload = deflate(ctx.alloc(), frame.content(), frame.isFinalFragment());
		int rsv = first ? (frame.rsv() | WebSocketExtension.RSV1) : frame.rsv();
		out.add(Deflate.sameKind(frame, rsv, payload));
	}

	private ByteBuf deflate(ByteBufAllocator alloc, ByteBuf content, boolean last) {
		ByteBuf payload;
		if (content.isReadable()) {
			if (this.compressor == null) {
				this.compressor = newCompressor();
			}
			payload = this.compressor.deflate(alloc, content);
			if (last) {
				if (payload.readableBytes() < 4 || payload.getInt(payload.writerIndex() - 4) != FLUSH_TAIL) {
					payload.release();
					throw new IllegalStateException("deflater output does not end with a sync flush");
				}
				payload.writerIndex(payload.writerIndex() - 4);
			}
		}
		else if (last) {
			// The previous frame's flush is on the wire, tail included, so the final frame holds one empty
			// stored block that the receiver completes with the tail (§7.2.3.6).
			payload = alloc.buffer(1).writeByte(0);
		}
		else {
			payload = Unpooled.EMPTY_BUFFER;
		}
		if (last && this.noContext && this.compressor != null) {
			this.compressor.reset();
		}
		return payload;
	}

	private Compressor newCompressor() {
		if (this.windowBits < 15) {
			// Only reached when Deflate found jzlib: the class is not even loaded otherwise.
			return new JZlibCompressor(this.level, this.windowBits);
		}
		return new JdkCompressor(this.level);
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
		if (this.compressor != null) {
			this.compressor.end();
			this.compressor = null;
		}
		super.handlerRemoved(ctx);
	}

	/** A raw deflate stream (no zlib header) flushed at every call. */
	private interface Compressor {

		ByteBuf deflate(ByteBufAllocator alloc, ByteBuf input);

		void reset();

		void end();

	}

	/** The JDK's zlib: native and fast, with the full 15-bit window only. */
	private static final class JdkCompressor implements Compressor {

		private final Deflater deflater;

		JdkCompressor(int level) {
			this.deflater = new Deflater(level, true);
		}

		@Override
		public ByteBuf deflate(ByteBufAllocator alloc, ByteBuf input) {
			ByteBuf out = alloc.buffer(input.readableBytes() / 2 + 64);
			try {
				this.deflater.setInput(input.nioBuffer());
				for (;;) {
					out.ensureWritable(64);
					int room = out.writableBytes();
					ByteBuffer target = out.nioBuffer(out.writerIndex(), room);
					int written = this.deflater.deflate(target, Deflater.SYNC_FLUSH);
					out.writerIndex(out.writerIndex() + written);
					// A sync flush is complete once it leaves room in the output (Deflater#deflate).
					if (written < room) {
						return out;
					}
				}
			}
			catch (RuntimeException ex) {
				out.release();
				throw ex;
			}
		}

		@Override
		public void reset() {
			this.deflater.reset();
		}

		@Override
		public void end() {
			this.deflater.end();
		}

	}

	/** jzlib, for windows below 15 bits. */
	private static final class JZlibCompressor implements Compressor {

		private final int level;

		private final int windowBits;

		private com.jcraft.jzlib.Deflater deflater;

		JZlibCompressor(int level, int windowBits) {
			this.level = level;
			// zlib refuses an 8-bit window. With 9 bits its matches reach at most 2^9 - 262 = 250 bytes back,
			// within the 256 bytes that 8 bits allow, which is how zlib itself honours 8 since 1.2.9.
			this.windowBits = Math.max(9, windowBits);
			this.deflater = newDeflater();
		}

		private com.jcraft.jzlib.Deflater newDeflater() {
			try {
				return new com.jcraft.jzlib.Deflater(this.level, this.windowBits, true);
			}
			catch (GZIPException ex) {
				throw new IllegalStateException("jzlib refused window bits " + this.windowBits, ex);
			}
		}

		@Override
		public ByteBuf deflate(ByteBufAllocator alloc, ByteBuf input) {
			int length = input.readableBytes();
			byte[] bytes;
			int offset;
			if (input.hasArray()) {
				bytes = input.array();
				offset = input.arrayOffset() + input.readerIndex();
			}
			else {
				bytes = new byte[length];
				input.getBytes(input.readerIndex(), bytes);
				offset = 0;
			}
			ByteBuf out = alloc.heapBuffer(length / 2 + 64);
			try {
				this.deflater.setInput(bytes, offset, length, false);
				for (;;) {
					out.ensureWritable(64);
					int start = out.arrayOffset() + out.writerIndex();
					this.deflater.setOutput(out.array(), start, out.writableBytes());
					int status = this.deflater.deflate(JZlib.Z_SYNC_FLUSH);
					if (status != JZlib.Z_OK && status != JZlib.Z_BUF_ERROR) {
						throw new IllegalStateException("jzlib deflate failed with " + status);
					}
					out.writerIndex(out.writerIndex() + (this.deflater.next_out_index - start));
					// As with zlib, the flush is complete once it leaves output space unused.
					if (this.deflater.avail_out > 0) {
						return out;
					}
				}
			}
			catch (RuntimeException ex) {
				out.release();
				throw ex;
			}
		}

		@Override
		public void reset() {
			this.deflater.end();
			this.deflater = newDeflater();
		}

		@Override
		public void end() {
			this.deflater.end();
		}

	}

}
