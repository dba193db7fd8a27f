package io.wsedge.netty;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.util.ReferenceCountUtil;

/**
 * The receiving half of permessage-deflate (RFC 7692 §7.2.2) for one connection, in place of Netty's decoder:
 * each frame of a compressed message is inflated as it arrives, into a frame of the same kind, so fragments
 * keep flowing; a frame whose bytes complete no output yields an empty frame, and the final frame is
 * completed with the {@code 00 00 ff ff} tail.
 * <p>
 * Inflating stops as soon as the message grows past {@code maxInflated}, so a decompression bomb costs no
 * more than the limit; that and invalid data end in a {@link CorruptedWebSocketFrameException} with 1009 or
 * 1002, which the leg answers. After one, frames are dropped. Windows of any size are inflated (a smaller
 * window is a subset of the full one). Runs on the channel's event loop only.
 * <p>
 * Where the other leg takes the compressed frames as they are, the inflater passes them on untouched
 * ({@link PassThrough}). On the upstream leg that is only known once the client's leg is negotiated, after the
 * upstream's handshake, so there the inflater starts out pending: it holds what arrives, compressed, until it
 * is {@link #settle settled}, because frames inflated meanwhile could not be passed on any more (their bytes
 * would be missing from the compression context of the client, RFC 7692 §7.2.3.3).
 */
final class MessageInflater extends WebSocketExtensionDecoder {

	/** What the inflater does with data frames. */
	enum Mode {

		/** Inflates compressed messages. */
		INFLATE,

		/** Passes every frame on as it came. */
		PASS,

		/** Holds every frame, in order, until it is settled to one of the others. */
		PENDING

	}

	private static final byte[] FLUSH_TAIL = { 0, 0, (byte) 0xFF, (byte) 0xFF };

	private final boolean noContext;

	private final long maxInflated;

	private final PassThrough.Parameters negotiated;

	private Mode mode;

	private ChannelHandlerContext context;

	private ArrayDeque<Object> held;

	private Inflater inflater;

	private boolean inflating;

	private long messageSize;

	private boolean failed;

	/**
	 * @param noContext whether the peer starts each message with a fresh context
	 * @param maxInflated the most bytes one message may inflate to
	 * @param mode what to do with data frames to begin with
	 * @param negotiated the parameters in force on this leg, which a pass-through decision compares
	 */
	MessageInflater(boolean noContext, long maxInflated, Mode mode, PassThrough.Parameters negotiated) {
		this.noContext = noContext;
		this.maxInflated = maxInflated;
		this.mode = mode;
		this.negotiated = negotiated;
	}

	PassThrough.Parameters negotiated() {
		return this.negotiated;
	}

	boolean pending() {
		return this.mode == Mode.PENDING;
	}

	/**
	 * Whether frames pass as they came, still compressed.
	 * @return whether the inflater passes them through
	 */
	boolean passing() {
		return this.mode == Mode.PASS;
	}

	/**
	 * Ends the pending mode: the frames held meanwhile go on, inflated or not, in the order they came. Does
	 * nothing once settled. Runs on the channel's event loop.
	 * @param pass whether frames pass through from now on
	 * @return whether they do (false when the inflater was already settled to inflate)
	 */
	boolean settle(boolean pass) {
		if (this.mode != Mode.PENDING) {
			return this.mode == Mode.PASS;
		}
		this.mode = pass ? Mode.PASS : Mode.INFLATE;
		ArrayDeque<Object> held = this.held;
		this.held = null;
		if (held != null) {
			for (Object msg : held) {
				if (msg instanceof Throwable cause) {
					this.context.fireExceptionCaught(cause);
					continue;
				}
				try {
					channelRead(this.context, msg);
				}
				catch (Throwable ex) {
					// As the pipeline would have passed it on, had the frame come now.
					this.context.fireExceptionCaught(ex);
				}
			}
		}
		return pass;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
		this.context = ctx;
		super.handlerAdded(ctx);
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
		if (this.mode == Mode.PENDING && msg instanceof WebSocketFrame) {
			// Control frames wait too, so that nothing overtakes a held message.
			if (this.held == null) {
				this.held = new ArrayDeque<>();
			}
			this.held.add(msg);
			// The session is not there yet either: reading stops, so that what waits stays small.
			ctx.channel().config().setAutoRead(false);
			return;
		}
		super.channelRead(ctx, msg);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
		if (this.mode == Mode.PENDING && this.held != null) {
			// A violation reported after a held message must not overtake it (the message would be lost).
			this.held.add(cause);
			return;
		}
		super.exceptionCaught(ctx, cause);
	}

	@Override
	public boolean acceptInboundMessage(Object msg) {
		// Passed frames skip the decoder's list and copies: the frame goes on as it is, RSV1 and all.
		return this.mode == Mode.INFLATE && (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
				|| msg instanceof ContinuationWebSocketFrame);
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
		if (this.failed) {
			// The leg is closing for the failure; the frame is released by the caller.
			return;
		}
		boolean first = !(frame instanceof ContinuationWebSocketFrame);
		if (first) {
			this.inflating = (frame.rsv() & WebSocketExtension.RSV1) != 0;
			this.messageSize = 0;
		}
		if (!this.inflating) {
			out.add(frame.retain());
			return;
		}
		ByteBuf payload;
		try {
			payload = inflate(ctx.alloc(), frame.content(), frame.isFinalFragment());
		}
		catch (CorruptedWebSocketFrameException ex) {
			this.failed = true;
			throw ex;
		}
		// RSV1 belongs to the first frame only; one on a continuation is left for the leg to refuse (§6.1).
		int rsv = first ? (frame.rsv() & ~WebSocketExtension.RSV1) : frame.rsv();
		out.add(Deflate.sameKind(frame, rsv, payload));
	}

	private ByteBuf inflate(ByteBufAllocator alloc, ByteBuf content, boolean last) {
		if (this.inflater == null) {
			this.inflater = new Inflater(true);
		}
		long room = this.maxInflated - this.messageSize;
		// One byte more than the room, so that going past the limit is seen without holding more.
		int maxCapacity = (int) Math.min(Integer.MAX_VALUE, room + 1);
		int initial = (int) Math.min(maxCapacity, Math.max(256, content.readableBytes() * 3L));
		ByteBuf out = alloc.buffer(initial, maxCapacity);
		try {
			if (content.isReadable()) {
				this.inflater.setInput(content.nioBuffer());
				drain(out, room);
			}
			if (last) {
				this.inflater.setInput(FLUSH_TAIL);
				drain(out, room);
			}
		}
		catch (DataFormatException | RuntimeException ex) {
			out.release();
			if (ex instanceof CorruptedWebSocketFrameException corrupted) {
				throw corrupted;
			}
			throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR,
					"invalid compressed data", ex);
		}
		this.messageSize += out.readableBytes();
		if (last) {
			this.messageSize = 0;
			// A sender may end its stream with a final block; the next message then starts a new one.
			if (this.noContext || this.inflater.finished()) {
				this.inflater.reset();
			}
		}
		return out;
	}

	private void drain(ByteBuf out, long room) throws DataFormatException {
		for (;;) {
			out.ensureWritable(1);
			int space = out.writableBytes();
			ByteBuffer target = out.nioBuffer(out.writerIndex(), space);
			int written = this.inflater.inflate(target);
			out.writerIndex(out.writerIndex() + written);
			if (out.readableBytes() > room) {
				throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.MESSAGE_TOO_BIG,
						"message too big when inflated");
			}
			// A full output may leave decoded bytes inside the inflater even when its input is used up.
			if (written < space && (this.inflater.needsInput() || this.inflater.finished())) {
				return;
			}
			if (this.inflater.needsDictionary()) {
				throw new DataFormatException("a preset dictionary is not part of permessage-deflate");
			}
			if (written == 0) {
				throw new DataFormatException("inflater made no progress");
			}
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		// What arrived before the connection closed goes on before the news that it did.
		settle(false);
		end();
		super.channelInactive(ctx);
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
		ArrayDeque<Object> held = this.held;
		this.held = null;
		if (held != null) {
			held.forEach(ReferenceCountUtil::release);
		}
		end();
		super.handlerRemoved(ctx);
	}

	private void end() {
		if (this.inflater != null) {
			this.inflater.end();
			this.inflater = null;
		}
	}

}
