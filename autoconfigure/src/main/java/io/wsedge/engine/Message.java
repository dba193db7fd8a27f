package io.wsedge.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.wsedge.api.FrameType;

/**
 * A message as a relay handles it: one frame (an unfragmented message, a control frame, or one fragment of a
 * message that streams through a chain of fragment-wise interceptors), or a fragmented message assembled from
 * its frames.
 */
abstract sealed class Message permits Message.Whole, Message.Assembled {

	/**
	 * The message's type.
	 * @return the type
	 */
	abstract FrameType type();

	/**
	 * The payload's size.
	 * @return bytes
	 */
	abstract long size();

	/**
	 * A copy of the payload.
	 * @return the bytes
	 */
	abstract byte[] bytes();

	/**
	 * The payload as the buffer holds it, without a copy where it is in one piece; valid until the message is
	 * written or released.
	 * @return a view of the payload, writable: the caller makes it read-only
	 */
	abstract ByteBuffer view();

	/**
	 * Whether this is the last frame of its message.
	 * @return false for a fragment that more follow
	 */
	boolean isFinal() {
		return true;
	}

	/**
	 * The index of this frame in its message: 0 but for the continuation frames of a streamed message.
	 * @return the index
	 */
	int fragmentIndex() {
		return 0;
	}

	/**
	 * The payload decoded as UTF-8.
	 * @return the text
	 */
	abstract String text();

	/**
	 * Writes the message to a leg as it arrived (keeping its fragmentation), handing its buffers over.
	 * @param target the leg
	 */
	abstract void writeTo(Leg target);

	/**
	 * Gives the message's buffers back; the message is not used afterwards.
	 */
	abstract void release();

	/**
	 * The API type of a frame that starts a message or is a control frame.
	 * @param frame the frame
	 * @return its type
	 * @throws IllegalArgumentException for a continuation frame
	 */
	static FrameType typeOf(WebSocketFrame frame) {
		if (frame instanceof TextWebSocketFrame) {
			return FrameType.TEXT;
		}
		if (frame instanceof BinaryWebSocketFrame) {
			return FrameType.BINARY;
		}
		if (frame instanceof PingWebSocketFrame) {
			return FrameType.PING;
		}
		if (frame instanceof PongWebSocketFrame) {
			return FrameType.PONG;
		}
		if (frame instanceof CloseWebSocketFrame) {
			return FrameType.CLOSE;
		}
		throw new IllegalArgumentException("Not a message start: " + frame.getClass().getSimpleName());
	}

	/**
	 * One frame. A relay reuses one instance for message after message, so that the common case allocates
	 * nothing; an instance that must outlive the handling of its message (deferred or queued behind a deferred
	 * one) is {@link Relay#detach detached} from the relay first.
	 */
	static final class Whole extends Message {

		private WebSocketFrame frame;

		private FrameType type;

		private int fragmentIndex;

		Whole set(WebSocketFrame frame, FrameType type) {
			return fragment(frame, type, 0);
		}

		/**
		 * Holds one fragment of a message streamed through fragment-wise interceptors.
		 * @param frame the text or binary frame that starts the message, or one of its continuation frames
		 * @param type the message's type
		 * @param index 0 for the first frame, n for the nth continuation frame
		 * @return this holder
		 */
		Whole fragment(WebSocketFrame frame, FrameType type, int index) {
			this.frame = frame;
			this.type = type;
			this.fragmentIndex = index;
			return this;
		}

		@Override
		boolean isFinal() {
			return this.frame.isFinalFragment();
		}

		@Override
		int fragmentIndex() {
			return this.fragmentIndex;
		}

		WebSocketFrame frame() {
			return this.frame;
		}

		@Override
		FrameType type() {
			return this.type;
		}

		@Override
		long size() {
			return this.frame.content().readableBytes();
		}

		@Override
		byte[] bytes() {
			ByteBuf content = this.frame.content();
			byte[] bytes = new byte[content.readableBytes()];
			content.getBytes(content.readerIndex(), bytes);
			return bytes;
		}

		@Override
		ByteBuffer view() {
			return this.frame.content().nioBuffer();
		}

		@Override
		String text() {
			return this.frame.content().toString(StandardCharsets.UTF_8);
		}

		@Override
		void writeTo(Leg target) {
			WebSocketFrame frame = this.frame;
			this.frame = null;
			target.write(frame);
		}

		@Override
		void release() {
			WebSocketFrame frame = this.frame;
			this.frame = null;
			if (frame != null) {
				frame.release();
			}
		}

	}

	/**
	 * A fragmented message, its fragments copied into one buffer as they arrive, with their lengths kept so that
	 * an unchanged message leaves with its original fragmentation. A fragment costs its payload and four bytes,
	 * however small it is: a flood of tiny continuation frames cannot hold more than the payload and fragment
	 * limits allow.
	 */
	static final class Assembled extends Message {

		private final FrameType type;

		private ByteBuf content;

		private int[] lengths = new int[8];

		private int fragments;

		Assembled(WebSocketFrame head, FrameType type, long maxSize) {
			this.type = type;
			ByteBuf first = head.content();
			int initial = Math.max(256, first.readableBytes() * 2);
			this.content = first.alloc().buffer((int) Math.min(initial, maxSize), (int) Math.min(Integer.MAX_VALUE, maxSize));
			append(first);
		}

		/** Copies a fragment's payload in; the caller keeps (and releases) the fragment. */
		void append(ByteBuf fragment) {
			int length = fragment.readableBytes();
			this.content.writeBytes(fragment, fragment.readerIndex(), length);
			if (this.fragments == this.lengths.length) {
				this.lengths = Arrays.copyOf(this.lengths, this.fragments * 2);
			}
			this.lengths[this.fragments++] = length;
		}

		/** Bytes this message holds now, for the edge's memory budget. */
		long held() {
			ByteBuf content = this.content;
			return (content != null) ? content.capacity() + 4L * this.lengths.length : 0;
		}

		@Override
		FrameType type() {
			return this.type;
		}

		@Override
		long size() {
			return this.content.readableBytes();
		}

		@Override
		byte[] bytes() {
			byte[] bytes = new byte[this.content.readableBytes()];
			this.content.getBytes(this.content.readerIndex(), bytes);
			return bytes;
		}

		@Override
		ByteBuffer view() {
			return this.content.nioBuffer();
		}

		@Override
		String text() {
			return this.content.toString(StandardCharsets.UTF_8);
		}

		@Override
		void writeTo(Leg target) {
			ByteBuf content = this.content;
			this.content = null;
			int offset = content.readerIndex();
			int last = this.fragments - 1;
			for (int i = 0; i <= last; i++) {
				int length = this.lengths[i];
				ByteBuf payload = content.retainedSlice(offset, length);
				offset += length;
				boolean fin = i == last;
				if (i > 0) {
					target.write(new ContinuationWebSocketFrame(fin, 0, payload));
				}
				else if (this.type == FrameType.TEXT) {
					target.write(new TextWebSocketFrame(fin, 0, payload));
				}
				else {
					target.write(new BinaryWebSocketFrame(fin, 0, payload));
				}
			}
			content.release();
		}

		@Override
		void release() {
			ByteBuf content = this.content;
			this.content = null;
			if (content != null) {
				content.release();
			}
		}

	}

}
