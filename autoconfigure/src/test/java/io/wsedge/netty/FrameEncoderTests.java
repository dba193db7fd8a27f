package io.wsedge.netty;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge's frame encoder, read back by Netty's decoder as the peer would: every length class, masked and not,
 * heap and direct payloads, payloads masked in place and payloads that must not be touched.
 */
class FrameEncoderTests {

	private static final int[] LENGTHS = { 0, 1, 3, 7, 8, 9, 15, 16, 17, 125, 126, 127, 1023, 1024, 1025, 4096,
			65535, 65536, 70001 };

	@Test
	void peerDecodesEveryLengthMaskedAndNot() {
		Random random = new Random(7);
		for (boolean mask : new boolean[] { true, false }) {
			for (boolean direct : new boolean[] { true, false }) {
				for (int length : LENGTHS) {
					byte[] bytes = new byte[length];
					random.nextBytes(bytes);
					WebSocketFrame decoded = roundTrip(mask,
							new BinaryWebSocketFrame(true, 0, buffer(direct, bytes)));
					assertThat(decoded).as("mask %s direct %s length %d", mask, direct, length)
						.isInstanceOf(BinaryWebSocketFrame.class);
					assertThat(ByteBufUtil.getBytes(decoded.content())).isEqualTo(bytes);
					decoded.release();
				}
			}
		}
	}

	@Test
	void typesFinAndRsvBitsSurvive() {
		assertThat(roundTrip(true, new TextWebSocketFrame(false, 0x4, Unpooled.copiedBuffer(new byte[] { 'a' }))))
			.satisfies((frame) -> {
				assertThat(frame).isInstanceOf(TextWebSocketFrame.class);
				assertThat(frame.isFinalFragment()).isFalse();
				assertThat(frame.rsv()).isEqualTo(0x4);
				frame.release();
			});
		EmbeddedChannel channel = new EmbeddedChannel(FrameEncoder.PLAIN);
		channel.writeOutbound(new ContinuationWebSocketFrame(true, 0, Unpooled.copiedBuffer(new byte[] { 'b' })));
		ByteBuf wire = channel.readOutbound();
		assertThat(wire.getByte(0) & 0xFF).as("FIN and opcode 0").isEqualTo(0x80);
		wire.release();
		channel.finishAndReleaseAll();
		WebSocketFrame close = roundTrip(true, new CloseWebSocketFrame(4000, "bye"));
		assertThat(((CloseWebSocketFrame) close).statusCode()).isEqualTo(4000);
		assertThat(((CloseWebSocketFrame) close).reasonText()).isEqualTo("bye");
		close.release();
		WebSocketFrame ping = roundTrip(true, new PingWebSocketFrame(Unpooled.copiedBuffer(new byte[] { 1, 2 })));
		assertThat(ping).isInstanceOf(PingWebSocketFrame.class);
		ping.release();
		WebSocketFrame pong = roundTrip(false, new PongWebSocketFrame(Unpooled.copiedBuffer(new byte[] { 3 })));
		assertThat(pong).isInstanceOf(PongWebSocketFrame.class);
		pong.release();
	}

	@Test
	void aFreshKeyForEveryFrame() {
		EmbeddedChannel channel = new EmbeddedChannel(FrameEncoder.MASKING);
		Set<Integer> keys = new HashSet<>();
		for (int i = 0; i < 100; i++) {
			channel.writeOutbound(new TextWebSocketFrame("same"));
			ByteBuf wire = channel.readOutbound();
			assertThat(wire.getByte(1) & 0x80).as("mask bit").isEqualTo(0x80);
			keys.add(wire.getInt(2));
			wire.release();
		}
		// RFC 6455 §5.3: unpredictable keys; 100 random ints collide with negligible probability.
		assertThat(keys).hasSizeGreaterThan(95);
		channel.finishAndReleaseAll();
	}

	@Test
	void aSharedPayloadIsCopiedNotMaskedInPlace() {
		byte[] bytes = new byte[4096];
		new Random(1).nextBytes(bytes);
		ByteBuf original = UnpooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
		// Another holder: a retained duplicate (refCnt 2), then a slice of it (a derived buffer).
		ByteBuf duplicate = original.retainedDuplicate();
		WebSocketFrame decoded = roundTrip(true, new BinaryWebSocketFrame(duplicate));
		assertThat(ByteBufUtil.getBytes(decoded.content())).isEqualTo(bytes);
		decoded.release();
		assertThat(ByteBufUtil.getBytes(original)).as("the other holder's bytes").isEqualTo(bytes);
		ByteBuf slice = original.retainedSlice(0, 2048);
		original.release();
		decoded = roundTrip(true, new BinaryWebSocketFrame(slice));
		assertThat(ByteBufUtil.getBytes(decoded.content())).isEqualTo(Arrays.copyOf(bytes, 2048));
		decoded.release();
	}

	@Test
	void aLargePayloadTheEdgeAloneHoldsIsWrittenWithoutACopy() {
		EmbeddedChannel channel = new EmbeddedChannel(FrameEncoder.MASKING);
		// Without the leak detector, whose wrappers (all buffers in these tests) take the copying path.
		ByteBuf payload = new UnpooledByteBufAllocator(true, true).directBuffer(4096).writeZero(4096);
		channel.writeOutbound(new BinaryWebSocketFrame(payload));
		ByteBuf header = channel.readOutbound();
		ByteBuf body = channel.readOutbound();
		assertThat(header.readableBytes()).isEqualTo(2 + 2 + 4);
		assertThat(body).as("the payload itself goes out, masked").isSameAs(payload);
		// Zeros XOR the key are the key: the body repeats the header's key.
		assertThat(body.getInt(0)).isEqualTo(header.getInt(4));
		header.release();
		body.release();
		channel.finishAndReleaseAll();
	}

	@Test
	void anOversizedControlFrameFailsItsWrite() {
		EmbeddedChannel channel = new EmbeddedChannel(FrameEncoder.PLAIN);
		ByteBuf payload = Unpooled.buffer(126).writeZero(126);
		ChannelFuture write = channel.writeOneOutbound(new PingWebSocketFrame(payload));
		channel.flushOutbound();
		assertThat(write.cause()).isInstanceOf(TooLongFrameException.class);
		assertThat(payload.refCnt()).isZero();
		assertThat((Object) channel.readOutbound()).isNull();
		channel.finishAndReleaseAll();
	}

	private static WebSocketFrame roundTrip(boolean mask, WebSocketFrame frame) {
		EmbeddedChannel encoder = new EmbeddedChannel(mask ? FrameEncoder.MASKING : FrameEncoder.PLAIN);
		encoder.writeOutbound(frame);
		EmbeddedChannel decoder = new EmbeddedChannel(new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
			.expectMaskedFrames(mask)
			.allowMaskMismatch(false)
			.allowExtensions(true)
			.maxFramePayloadLength(1 << 20)
			.build()));
		Object wire;
		while ((wire = encoder.readOutbound()) != null) {
			decoder.writeInbound(wire);
		}
		WebSocketFrame decoded = decoder.readInbound();
		assertThat(decoded).as("a frame decoded").isNotNull();
		assertThat((Object) decoder.readInbound()).as("exactly one frame").isNull();
		encoder.finishAndReleaseAll();
		decoder.finishAndReleaseAll();
		return decoded;
	}

	private static ByteBuf buffer(boolean direct, byte[] bytes) {
		ByteBuf buffer = direct ? UnpooledByteBufAllocator.DEFAULT.directBuffer(bytes.length + 5)
				: UnpooledByteBufAllocator.DEFAULT.heapBuffer(bytes.length + 5);
		// Start at an odd offset, so that words are not aligned.
		return buffer.writeZero(5).writeBytes(bytes).skipBytes(5);
	}

}
