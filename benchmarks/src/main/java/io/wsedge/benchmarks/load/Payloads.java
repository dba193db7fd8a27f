package io.wsedge.benchmarks.load;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Message payloads of a given size. Text messages are JSON holding a card number, so that the demo-like
 * interceptors parse them and the redactor rewrites every echo (keeping the length: {@code 4111 1111 1111 1234}
 * becomes {@code **** **** **** 1234}).
 */
public final class Payloads {

	private static final String HEAD = "{\"card\":\"4111 1111 1111 1234\",\"pad\":\"";

	private static final String TAIL = "\"}";

	private Payloads() {
	}

	/**
	 * A JSON text of exactly {@code size} bytes (at least 42).
	 * @param size the size
	 * @return the UTF-8 bytes
	 */
	public static byte[] text(int size) {
		int pad = size - HEAD.length() - TAIL.length();
		if (pad < 0) {
			throw new IllegalArgumentException("Text payloads are at least " + (HEAD.length() + TAIL.length())
					+ " bytes");
		}
		if (size >= 1024) {
			return records(size);
		}
		char[] padding = new char[pad];
		Arrays.fill(padding, 'x');
		return (HEAD + new String(padding) + TAIL).getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * A JSON stream message of exactly {@code size} bytes that compresses like real data: records with varying
	 * numbers and names rather than one repeated character (which deflate shrinks a hundredfold).
	 */
	private static byte[] records(int size) {
		String open = "{\"card\":\"4111 1111 1111 1234\",\"items\":[";
		String close = "],\"pad\":\"\"}";
		StringBuilder json = new StringBuilder(size).append(open);
		for (int i = 0;; i++) {
			String record = ((i > 0) ? "," : "") + "{\"id\":" + (1000 + i * 37) + ",\"sku\":\"SKU-" + (i * 7919 % 10007)
					+ "\",\"price\":" + (i * 13 % 997) + "." + (i * 17 % 100) + ",\"qty\":" + (i % 9 + 1)
					+ ",\"inStock\":" + (i % 3 != 0) + "}";
			if (json.length() + record.length() + close.length() > size) {
				break;
			}
			json.append(record);
		}
		int pad = size - json.length() - close.length();
		json.append("],\"pad\":\"");
		for (int i = 0; i < pad; i++) {
			json.append((char) ('a' + i % 26));
		}
		return json.append("\"}").toString().getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * A binary payload of {@code size} bytes.
	 * @param size the size
	 * @return the bytes
	 */
	public static byte[] binary(int size) {
		byte[] bytes = new byte[size];
		for (int i = 0; i < size; i++) {
			bytes[i] = (byte) (i * 31 + 7);
		}
		return bytes;
	}

}
