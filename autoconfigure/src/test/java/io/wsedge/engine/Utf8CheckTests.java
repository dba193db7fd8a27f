package io.wsedge.engine;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-place UTF-8 check of rewritten payloads against the JDK's strict decoder.
 */
class Utf8CheckTests {

	@Test
	void knownSequences() {
		assertThat(MessageContext.isUtf8(new byte[0])).isTrue();
		assertThat(MessageContext.isUtf8("héllo € 𝄞".getBytes(StandardCharsets.UTF_8))).isTrue();
		assertThat(MessageContext.isUtf8(bytes(0xC0, 0xAF))).as("overlong").isFalse();
		assertThat(MessageContext.isUtf8(bytes(0xE0, 0x80, 0xAF))).as("overlong").isFalse();
		assertThat(MessageContext.isUtf8(bytes(0xED, 0xA0, 0x80))).as("surrogate").isFalse();
		assertThat(MessageContext.isUtf8(bytes(0xF4, 0x90, 0x80, 0x80))).as("above U+10FFFF").isFalse();
		assertThat(MessageContext.isUtf8(bytes(0xE2, 0x82))).as("cut short").isFalse();
		assertThat(MessageContext.isUtf8(bytes(0x80))).as("lone continuation").isFalse();
	}

	@Test
	void agreesWithTheJdkDecoderOnRandomBytes() {
		SplittableRandom random = new SplittableRandom(42);
		for (int i = 0; i < 200_000; i++) {
			byte[] data = new byte[random.nextInt(1, 6)];
			for (int j = 0; j < data.length; j++) {
				// Mostly bytes around the interesting leads, some ASCII.
				data[j] = (byte) (random.nextBoolean() ? random.nextInt(0x80, 0x100) : random.nextInt(0, 0x100));
			}
			assertThat(MessageContext.isUtf8(data)).as("%s", java.util.Arrays.toString(data)).isEqualTo(jdk(data));
		}
	}

	private static boolean jdk(byte[] data) {
		try {
			StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(data));
			return true;
		}
		catch (CharacterCodingException ex) {
			return false;
		}
	}

	private static byte[] bytes(int... values) {
		byte[] bytes = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			bytes[i] = (byte) values[i];
		}
		return bytes;
	}

}
