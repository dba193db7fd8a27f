package io.wsedge.compression;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import io.wsedge.testsupport.RawClient;

/**
 * A permessage-deflate client on a raw socket (RFC 7692 §7.2), written for tests: it compresses with the JDK's
 * deflater and fragments as the Autobahn suite does, either each fragment flushed on its own or the whole
 * message's compressed bytes cut into pieces (so that a fragment may inflate to nothing), and it reads
 * messages with their RSV1 bit. When the server declined the extension it sends and reads plain messages.
 */
final class DeflateClient implements AutoCloseable {

	private static final byte[] TAIL = { 0, 0, (byte) 0xFF, (byte) 0xFF };

	private final RawClient raw;

	private final DataInputStream in;

	private final boolean compressing;

	private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);

	private final Inflater inflater = new Inflater(true);

	private DeflateClient(RawClient raw) throws IOException {
		this.raw = raw;
		this.in = new DataInputStream(raw.socket().getInputStream());
		String answer = raw.header("Sec-WebSocket-Extensions");
		this.compressing = answer != null && answer.startsWith("permessage-deflate");
	}

	static DeflateClient connect(int port, String path, String offer) throws IOException {
		RawClient raw = RawClient.connect(port, path, 0, "Sec-WebSocket-Extensions: " + offer);
		// Tens of thousands of small frames under the leak detector's paranoid level, on a shared machine.
		raw.socket().setSoTimeout(180_000);
		return new DeflateClient(raw);
	}

	RawClient raw() {
		return this.raw;
	}

	boolean compressing() {
		return this.compressing;
	}

	/** Sends a message in fragments of {@code fragment} bytes of the raw message, each deflated and flushed. */
	void sendFlushedFragments(int opcode, byte[] message, int fragment) throws IOException {
		for (int offset = 0, index = 0; offset < message.length || index == 0; offset += fragment, index++) {
			byte[] piece = Arrays.copyOfRange(message, offset, Math.min(message.length, offset + fragment));
			boolean last = offset + fragment >= message.length;
			byte[] payload = this.compressing ? deflate(piece, last) : piece;
			int rsv1 = (this.compressing && index == 0) ? 0x40 : 0;
			this.raw.sendFrame(last, rsv1 | ((index == 0) ? opcode : 0x0), payload, true);
		}
	}

	/** Compresses the whole message, then cuts the compressed bytes into fragments of {@code fragment} bytes. */
	void sendCutCompressed(int opcode, byte[] message, int fragment) throws IOException {
		if (!this.compressing) {
			sendFlushedFragments(opcode, message, fragment);
			return;
		}
		byte[] compressed = deflate(message, true);
		for (int offset = 0, index = 0; offset < compressed.length || index == 0; offset += fragment, index++) {
			byte[] piece = Arrays.copyOfRange(compressed, offset, Math.min(compressed.length, offset + fragment));
			boolean last = offset + fragment >= compressed.length;
			this.raw.sendFrame(last, ((index == 0) ? 0x40 | opcode : 0x0), piece, true);
		}
	}

	/** Deflates with a sync flush; the final piece of a message loses the flush's tail (§7.2.1). */
	private byte[] deflate(byte[] data, boolean last) {
		this.deflater.setInput(data);
		ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
		byte[] buffer = new byte[64 * 1024];
		int length;
		do {
			length = this.deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
			out.write(buffer, 0, length);
		}
		while (length == buffer.length || !this.deflater.needsInput());
		byte[] bytes = out.toByteArray();
		return last ? Arrays.copyOf(bytes, bytes.length - 4) : bytes;
	}

	/** The next data message, its fragments joined and inflated if it was compressed. Pings are skipped. */
	Message readMessage() throws IOException {
		int opcode = -1;
		boolean rsv1 = false;
		int frames = 0;
		ByteArrayOutputStream payload = new ByteArrayOutputStream();
		while (true) {
			int first = this.in.readUnsignedByte();
			int second = this.in.readUnsignedByte();
			long length = second & 0x7F;
			if (length == 126) {
				length = this.in.readUnsignedShort();
			}
			else if (length == 127) {
				length = this.in.readLong();
			}
			byte[] bytes = new byte[(int) length];
			this.in.readFully(bytes);
			int frameOpcode = first & 0x0F;
			if (frameOpcode == 0x9 || frameOpcode == 0xA) {
				continue;
			}
			if (frameOpcode == 0x8) {
				return new Message(0x8, false, 1, bytes);
			}
			if (opcode < 0) {
				opcode = frameOpcode;
				rsv1 = (first & 0x40) != 0;
			}
			frames++;
			payload.writeBytes(bytes);
			if ((first & 0x80) != 0) {
				break;
			}
		}
		byte[] data = payload.toByteArray();
		return new Message(opcode, rsv1, frames, rsv1 ? inflate(this.inflater, data) : data);
	}

	static byte[] inflate(Inflater inflater, byte[] data) throws IOException {
		try {
			ByteArrayOutputStream out = new ByteArrayOutputStream(data.length * 4 + 64);
			byte[] buffer = new byte[64 * 1024];
			for (byte[] input : new byte[][] { data, TAIL }) {
				inflater.setInput(input);
				int length;
				do {
					length = inflater.inflate(buffer);
					out.write(buffer, 0, length);
				}
				while (length > 0);
			}
			return out.toByteArray();
		}
		catch (DataFormatException ex) {
			throw new IOException("invalid compressed data from the edge", ex);
		}
	}

	@Override
	public void close() throws IOException {
		this.deflater.end();
		this.inflater.end();
		this.raw.close();
	}

	/** A data message or a close frame as received. */
	record Message(int opcode, boolean rsv1, int frames, byte[] payload) {
	}

}
