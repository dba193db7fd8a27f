package io.wsedge.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What may be sent in a close frame (RFC 6455 §5.5.1, §7.4), at every range boundary.
 */
class CloseCodesTests {

	@ParameterizedTest
	@ValueSource(ints = { 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000,
			4999 })
	void sendable(int code) {
		assertThat(CloseCodes.isSendable(code)).isTrue();
		assertThat(CloseCodes.requireSendable(code)).isEqualTo(code);
	}

	@ParameterizedTest
	@ValueSource(ints = { -1, 0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535, 65536 })
	void notSendable(int code) {
		assertThat(CloseCodes.isSendable(code)).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> CloseCodes.requireSendable(code))
			.withMessageContaining(Integer.toString(code));
	}

	@Test
	void reasonsAreLimitedTo123Utf8Bytes() {
		assertThat(CloseCodes.requireValidReason(null)).isEmpty();
		assertThat(CloseCodes.requireValidReason("")).isEmpty();
		String ascii = "a".repeat(123);
		assertThat(CloseCodes.requireValidReason(ascii)).isEqualTo(ascii);
		assertThatIllegalArgumentException().isThrownBy(() -> CloseCodes.requireValidReason(ascii + "a"))
			.withMessageContaining("123");
	}

	@Test
	void theLimitCountsBytesNotCharacters() {
		// "é" is 2 bytes, "€" 3, "😀" 4 (a surrogate pair, 2 chars).
		String twoByte = "é".repeat(61) + "a";
		assertThat(twoByte).hasSize(62);
		assertThat(CloseCodes.requireValidReason(twoByte)).isEqualTo(twoByte);
		assertThatIllegalArgumentException().isThrownBy(() -> CloseCodes.requireValidReason("é".repeat(62)));
		assertThat(CloseCodes.requireValidReason("€".repeat(41))).hasSize(41);
		assertThatIllegalArgumentException().isThrownBy(() -> CloseCodes.requireValidReason("€".repeat(41) + "a"));
		assertThat(CloseCodes.requireValidReason("😀".repeat(30) + "abc")).isNotEmpty();
		assertThatIllegalArgumentException().isThrownBy(() -> CloseCodes.requireValidReason("😀".repeat(31)));
	}

}
