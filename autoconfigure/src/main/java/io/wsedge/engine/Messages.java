package io.wsedge.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.wsedge.api.FrameType;

/**
 * A message in the engine is either one {@link WebSocketFrame} (an unfragmented message or a control frame)
 * or {@link Fragments}; these helpers treat both alike without wrapping the common case. Internal to the
 * engine, but for {@link #type(WebSocketFrame)}.
 */
public final class Messages {

	private Messages() {
	}

	static FrameType type(Object message) {
		return type((message instanceof Fragments fragments) ? fragments.head : (WebSocketFrame) message);
	}

	/**
	 * The API type of a frame that starts a message or is a control frame.
	 * @param frame the frame
	 * @return its type
	 * @throws IllegalArgumentException for a continuation frame
	 */
	public static FrameType type(WebSocketFrame frame) {
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
		throw new IllegalArgumentException("Not a message start: " + frame);
	}

	static long size(Object message) {
		return (message instanceof Fragments fragments) ? fragments.bytes
				: ((WebSocketFrame) message).content().readableBytes();
	}

	static byte[] bytes(Object message) {
		if (message instanceof Fragments fragments) {
			byte[] bytes = new byte[Math.toIntExact(fragments.bytes)];
			int offset = copy(fragments.head.content(), bytes, 0);
			for (WebSocketFrame frame : fragments.tail) {
				offset = copy(frame.content(), bytes, offset);
			}
			return bytes;
		}
		ByteBuf content = ((WebSocketFrame) message).content();
		byte[] bytes = new byte[content.readableBytes()];
		content.getBytes(content.readerIndex(), bytes);
		return bytes;
	}

	static String text(Object message) {
		if (message instanceof Fragments) {
			return new String(bytes(message), StandardCharsets.UTF_8);
		}
		return ((WebSocketFrame) message).content().toString(StandardCharsets.UTF_8);
	}

	static void release(Object message) {
		if (message instanceof Fragments fragments) {
			fragments.release();
		}
		else {
			((WebSocketFrame) message).release();
		}
	}

	private static int copy(ByteBuf content, byte[] target, int offset) {
		int length = content.readableBytes();
		content.getBytes(content.readerIndex(), target, offset, length);
		return offset + length;
	}

	/**
	 * A message that arrived in more than one frame: the first frame and its continuations, kept as they came
	 * so an unchanged message leaves with its original fragmentation.
	 */
	static final class Fragments {

		final WebSocketFrame head;

		final ArrayList<WebSocketFrame> tail = new ArrayList<>(4);

		long bytes;

		Fragments(WebSocketFrame head) {
			this.head = head;
			this.bytes = head.content().readableBytes();
		}

		void add(WebSocketFrame continuation) {
			this.tail.add(continuation);
			this.bytes += continuation.content().readableBytes();
		}

		void release() {
			this.head.release();
			for (WebSocketFrame frame : this.tail) {
				frame.release();
			}
			this.tail.clear();
		}

	}

}
