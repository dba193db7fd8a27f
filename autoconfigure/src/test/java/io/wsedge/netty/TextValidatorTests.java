package io.wsedge.netty;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The UTF-8 check against the JDK's strict decoder as the oracle, on heap and direct buffers, whole and split
 * into fragments at every position.
 */
class TextValidatorTests {

	private static final byte[][] SAMPLES = { bytes("plain ascii, long enough to take the word-wise path"),
			bytes("κόσμε"), bytes("a€b€c€d€e€f€g€h€i"), bytes("emoji 😀 after eight ascii"), hex("ceba e1bd b9cf 83ce bcce b5"),
			hex("f4 8f bf bf"), hex("ed 9f bf"), hex("ee 80 80"),
			// Invalid: lone continuation, overlong, surrogate, beyond U+10FFFF, truncated, 0xFF.
			hex("41 42 43 44 45 46 47 80"), hex("c0 af"), hex("e0 80 af"), hex("ed a0 80"), hex("f4 90 80 80"),
			hex("41 42 43 44 45 46 47 48 e2 82"), hex("61 ff"), hex("f8 88 80 80 80"),
			hex("41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50 ce") };

	@Test
	void agreesWithTheJdkOnWholeMessages() {
		for (byte[] sample : SAMPLES) {
			for (boolean direct : new boolean[] { false, true }) {
				assertThat(accepts(direct, sample, sample.length)).as(hexOf(sample)).isEqualTo(valid(sample));
			}
		}
	}

	@Test
	void agreesWithTheJdkAtEverySplitIntoTwoFragments() {
		for (byte[] sample : SAMPLES) {
			for (int split = 0; split <= sample.length; split++) {
				assertThat(accepts(true, sample, split)).as(hexOf(sample) + " split at " + split)
					.isEqualTo(valid(sample));
			}
		}
	}

	@Test
	void agreesWithTheJdkOnRandomText() {
		Random random = new Random(42);
		for (int n = 0; n < 5_000; n++) {
			byte[] sample = new byte[random.nextInt(40)];
			for (int i = 0; i < sample.length; i++) {
				// Mostly ASCII with some high bytes, so that both paths and the boundaries between them run.
				sample[i] = (byte) (random.nextInt(8) == 0 ? 0x80 + random.nextInt(128) : random.nextInt(128));
			}
			int split = random.nextInt(sample.length + 1);
			assertThat(accepts(random.nextBoolean(), sample, split)).as(hexOf(sample)).isEqualTo(valid(sample));
		}
	}

	@Test
	void failsAtTheFirstInvalidFragmentWithoutWaitingForTheEnd() {
		EmbeddedChannel channel = new EmbeddedChannel(new TextValidator());
		channel.writeInbound(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(bytes("fine so far"))));
		ByteBuf bad = Unpooled.wrappedBuffer(hex("61 ff"));
		assertThatExceptionOfType(CorruptedWebSocketFrameException.class)
			.isThrownBy(() -> channel.writeInbound(new ContinuationWebSocketFrame(false, 0, bad)))
			.satisfies((ex) -> assertThat(ex.closeStatus().code()).isEqualTo(1007));
		assertThat(bad.refCnt()).as("the refused frame is released").isZero();
		release(channel);
	}

	@Test
	void controlFramesBetweenFragmentsDoNotInterrupt() {
		EmbeddedChannel channel = new EmbeddedChannel(new TextValidator());
		byte[] euro = bytes("€");
		channel.writeInbound(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] { 'a', euro[0] })));
		channel.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(hex("ff fe"))));
		channel.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[] { euro[1], euro[2] })));
		assertThat(channel.inboundMessages()).hasSize(3);
		release(channel);
	}

	@Test
	void binaryMessagesAndCompressedOnesPassedThroughAreNotText() {
		EmbeddedChannel channel = new EmbeddedChannel(new TextValidator());
		channel.writeInbound(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(hex("ff fe"))));
		channel.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(hex("c0 af"))));
		// RSV1: permessage-deflate data the edge does not inflate (RFC 7692 §6); only the receiver can check it.
		channel.writeInbound(new TextWebSocketFrame(false, 0x4, Unpooled.wrappedBuffer(hex("f2 48 cd"))));
		channel.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(hex("c9 c9 07 00"))));
		// The next text message is checked again.
		assertThatExceptionOfType(CorruptedWebSocketFrameException.class)
			.isThrownBy(() -> channel.writeInbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(hex("c0 af")))));
		assertThat(channel.inboundMessages()).hasSize(4);
		release(channel);
	}

	private static boolean accepts(boolean direct, byte[] sample, int split) {
		EmbeddedChannel channel = new EmbeddedChannel(new TextValidator());
		try {
			if (split == sample.length) {
				channel.writeInbound(new TextWebSocketFrame(true, 0, buffer(direct, sample, 0, sample.length)));
			}
			else {
				channel.writeInbound(new TextWebSocketFrame(false, 0, buffer(direct, sample, 0, split)));
				channel.writeInbound(new ContinuationWebSocketFrame(true, 0,
						buffer(direct, sample, split, sample.length - split)));
			}
			return true;
		}
		catch (CorruptedWebSocketFrameException ex) {
			return false;
		}
		finally {
			release(channel);
		}
	}

	private static ByteBuf buffer(boolean direct, byte[] bytes, int offset, int length) {
		// An offset inside a larger buffer, so that addresses and indexes are not both zero.
		ByteBuf buffer = direct ? UnpooledByteBufAllocator.DEFAULT.directBuffer(length + 3)
				: UnpooledByteBufAllocator.DEFAULT.heapBuffer(length + 3);
		buffer.writeBytes(new byte[] { 1, 2, 3 }).writeBytes(bytes, offset, length).skipBytes(3);
		return buffer;
	}

	private static void release(EmbeddedChannel channel) {
		Object message;
		while ((message = channel.readInbound()) != null) {
			((WebSocketFrame) message).release();
		}
		channel.finishAndReleaseAll();
	}

	private static boolean valid(byte[] bytes) {
		try {
			StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes));
			return true;
		}
		catch (CharacterCodingException ex) {
			return false;
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] hex(String hex) {
		String digits = hex.replace(" ", "");
		byte[] bytes = new byte[digits.length() / 2];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
		}
		return bytes;
	}

	private static String hexOf(byte[] bytes) {
		StringBuilder text = new StringBuilder();
		for (byte b : bytes) {
			text.append(String.format("%02x ", b));
		}
		return text.toString();
	}

}
