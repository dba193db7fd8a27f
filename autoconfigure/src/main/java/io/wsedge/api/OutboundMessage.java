package io.wsedge.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A data message the application sends to clients through the {@link EdgeMessenger}.
 *
 * @param binary whether it is a binary message rather than a text one
 * @param payload the payload, UTF-8 for text
 */
public record OutboundMessage(boolean binary, byte[] payload) {

	/**
	 * A text message.
	 * @param text the text
	 * @return the message
	 */
	public static OutboundMessage text(String text) {
		return new OutboundMessage(false, text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * A binary message.
	 * @param data the payload, copied
	 * @return the message
	 */
	public static OutboundMessage binary(byte[] data) {
		return new OutboundMessage(true, data.clone());
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof OutboundMessage that && this.binary == that.binary
				&& Arrays.equals(this.payload, that.payload);
	}

	@Override
	public int hashCode() {
		return 31 * Boolean.hashCode(this.binary) + Arrays.hashCode(this.payload);
	}

	@Override
	public String toString() {
		return (this.binary ? "binary" : "text") + " message of " + this.payload.length + " bytes";
	}

}
