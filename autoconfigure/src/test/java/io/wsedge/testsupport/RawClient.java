package io.wsedge.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a raw socket, written for tests only, so that tests can behave as no well-behaved
 * client would: never read, never answer pings, vanish without a close frame, or send malformed frames.
 */
public final class RawClient implements AutoCloseable {

	private final Socket socket;

	private final DataInputStream in;

	private final OutputStream out;

	private final int status;

	private final Map<String, String> headers;

	private RawClient(Socket socket, int status, Map<String, String> headers) throws IOException {
		this.socket = socket;
		this.in = new DataInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
		this.status = status;
		this.headers = headers;
	}

	/**
	 * Opens a socket and sends a valid upgrade request.
	 * @param port the edge's port
	 * @param pathAndQuery the request target
	 * @param receiveBuffer the socket's receive buffer size, or 0 for the default
	 * @param extraHeaders header lines to add, such as {@code "Origin: https://a.example"}
	 * @return the client, upgraded or not (see {@link #status()})
	 * @throws IOException on socket errors
	 */
	public static RawClient connect(int port, String pathAndQuery, int receiveBuffer, String... extraHeaders)
			throws IOException {
		byte[] nonce = new byte[16];
		ThreadLocalRandom.current().nextBytes(nonce);
		StringBuilder request = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\n")
			.append("Host: 127.0.0.1:").append(port).append("\r\n")
			.append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
			.append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(nonce)).append("\r\n")
			.append("Sec-WebSocket-Version: 13\r\n");
		for (String header : extraHeaders) {
			request.append(header).append("\r\n");
		}
		request.append("\r\n");
		return request(port, request.toString().getBytes(StandardCharsets.US_ASCII), receiveBuffer);
	}

	/**
	 * Opens a socket and sends the given bytes as the request.
	 * @param port the edge's port
	 * @param request the raw request
	 * @param receiveBuffer the socket's receive buffer size, or 0 for the default
	 * @return the client with the response's status and headers
	 * @throws IOException on socket errors
	 */
	public static RawClient request(int port, byte[] request, int receiveBuffer) throws IOException {
		Socket socket = new Socket();
		if (receiveBuffer > 0) {
			socket.setReceiveBufferSize(receiveBuffer);
		}
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		socket.setSoTimeout(10_000);
		socket.getOutputStream().write(request);
		socket.getOutputStream().flush();
		InputStream in = socket.getInputStream();
		String statusLine = readLine(in);
		int status = Integer.parseInt(statusLine.split(" ")[1]);
		Map<String, String> headers = new LinkedHashMap<>();
		for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
			int colon = line.indexOf(':');
			headers.put(line.substring(0, colon).trim().toLowerCase(), line.substring(colon + 1).trim());
		}
		return new RawClient(socket, status, headers);
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != -1) {
			if (b == '\n') {
				break;
			}
			if (b != '\r') {
				line.write(b);
			}
		}
		if (b == -1 && line.size() == 0) {
			throw new EOFException("Connection closed before a response");
		}
		return line.toString(StandardCharsets.ISO_8859_1);
	}

	public int status() {
		return this.status;
	}

	public String header(String name) {
		return this.headers.get(name.toLowerCase());
	}

	public Socket socket() {
		return this.socket;
	}

	/** Sends a masked text frame, as a client must. */
	public void sendText(String text) throws IOException {
		sendFrame(true, 0x1, text.getBytes(StandardCharsets.UTF_8), true);
	}

	/**
	 * Sends one frame.
	 * @param fin the FIN bit
	 * @param opcode the opcode, possibly with RSV bits in the high nibble ({@code 0x40 | 0x1} sets RSV1)
	 * @param payload the payload
	 * @param masked whether to mask it (clients must)
	 * @throws IOException on socket errors
	 */
	public void sendFrame(boolean fin, int opcode, byte[] payload, boolean masked) throws IOException {
		sendRaw(frame(fin, opcode, payload, masked));
	}

	/**
	 * Writes bytes as they are, for example several frames made with {@link #frame} at once, so that the edge reads
	 * them in one burst.
	 * @param bytes the bytes
	 * @throws IOException on socket errors
	 */
	public void sendRaw(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	/**
	 * Encodes one frame.
	 * @param fin the FIN bit
	 * @param opcode the opcode, possibly with RSV bits in the high nibble ({@code 0x40 | 0x1} sets RSV1)
	 * @param payload the payload
	 * @param masked whether to mask it (clients must)
	 * @return the frame's bytes
	 */
	public static byte[] frame(boolean fin, int opcode, byte[] payload, boolean masked) {
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write((fin ? 0x80 : 0) | (opcode & 0x7F));
		int maskBit = masked ? 0x80 : 0;
		if (payload.length < 126) {
			frame.write(maskBit | payload.length);
		}
		else if (payload.length < 65536) {
			frame.write(maskBit | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length);
		}
		else {
			frame.write(maskBit | 127);
			for (int shift = 56; shift >= 0; shift -= 8) {
				frame.write((int) ((long) payload.length >>> shift));
			}
		}
		byte[] body = payload.clone();
		if (masked) {
			byte[] mask = new byte[4];
			ThreadLocalRandom.current().nextBytes(mask);
			frame.write(mask, 0, 4);
			for (int i = 0; i < body.length; i++) {
				body[i] ^= mask[i % 4];
			}
		}
		frame.write(body, 0, body.length);
		return frame.toByteArray();
	}

	/** Sends a close frame with a code and reason. */
	public void sendClose(int code, String reason) throws IOException {
		byte[] text = reason.getBytes(StandardCharsets.UTF_8);
		byte[] payload = new byte[2 + text.length];
		payload[0] = (byte) (code >>> 8);
		payload[1] = (byte) code;
		System.arraycopy(text, 0, payload, 2, text.length);
		sendFrame(true, 0x8, payload, true);
	}

	/**
	 * Reads the next frame, failing after the socket's timeout.
	 * @return the frame
	 * @throws IOException on socket errors or end of stream
	 */
	public Frame readFrame() throws IOException {
		return readFrame(this.in);
	}

	/**
	 * Reads one frame from a stream, unmasking it if it is masked.
	 * @param in the stream
	 * @return the frame
	 * @throws IOException on socket errors or end of stream
	 */
	static Frame readFrame(DataInputStream in) throws IOException {
		int first = in.readUnsignedByte();
		int second = in.readUnsignedByte();
		long length = second & 0x7F;
		if (length == 126) {
			length = in.readUnsignedShort();
		}
		else if (length == 127) {
			length = in.readLong();
		}
		byte[] mask = null;
		if ((second & 0x80) != 0) {
			mask = new byte[4];
			in.readFully(mask);
		}
		byte[] payload = new byte[(int) length];
		in.readFully(payload);
		if (mask != null) {
			for (int i = 0; i < payload.length; i++) {
				payload[i] ^= mask[i % 4];
			}
		}
		return new Frame((first & 0x80) != 0, first & 0x0F, mask != null, payload, (first >> 4) & 0x7);
	}

	/**
	 * Reads the next data message, joining its fragments (the servlet edge sends text over 8 KB in fragments).
	 * @return the message as one frame: the first fragment's opcode, the whole payload
	 * @throws IOException on socket errors or end of stream
	 */
	public Frame readMessage() throws IOException {
		Frame first = readFrame();
		if (first.fin() || (first.opcode() != 0x1 && first.opcode() != 0x2)) {
			return first;
		}
		ByteArrayOutputStream payload = new ByteArrayOutputStream();
		payload.writeBytes(first.payload());
		Frame next;
		do {
			next = readFrame();
			if (next.opcode() != 0x0) {
				throw new IOException("Expected a continuation frame, got opcode " + next.opcode());
			}
			payload.writeBytes(next.payload());
		}
		while (!next.fin());
		return new Frame(true, first.opcode(), first.masked(), payload.toByteArray());
	}

	/**
	 * Reads frames until a close frame, skipping data and pings.
	 * @return the close frame
	 * @throws IOException on socket errors or end of stream before a close frame
	 */
	public Frame readUntilClose() throws IOException {
		while (true) {
			Frame frame = readFrame();
			if (frame.opcode() == 0x8) {
				return frame;
			}
		}
	}

	/**
	 * Whether the edge closed the connection (end of stream) within the socket's timeout, reading and
	 * discarding whatever came before.
	 * @return true on end of stream, false on timeout
	 * @throws IOException on other socket errors
	 */
	public boolean awaitEndOfStream() throws IOException {
		try {
			byte[] sink = new byte[8192];
			while (this.socket.getInputStream().read(sink) != -1) {
				// discard
			}
			return true;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (java.net.SocketException ex) {
			// A reset is the edge closing too.
			return true;
		}
	}

	/** Closes the socket abruptly: with linger 0 the kernel sends a reset, not a close frame. */
	public void vanish() throws IOException {
		this.socket.setSoLinger(true, 0);
		this.socket.close();
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	/**
	 * A frame as read from the wire.
	 *
	 * @param fin the FIN bit
	 * @param opcode the opcode
	 * @param masked whether the sender masked it
	 * @param payload the (unmasked) payload
	 * @param rsv the reserved bits RSV1-RSV3, as the bits 4 (RSV1), 2 and 1
	 */
	public record Frame(boolean fin, int opcode, boolean masked, byte[] payload, int rsv) {

		public Frame(boolean fin, int opcode, boolean masked, byte[] payload) {
			this(fin, opcode, masked, payload, 0);
		}

		/** Whether RSV1 is set, which marks a compressed message under permessage-deflate (RFC 7692 §6). */
		public boolean rsv1() {
			return (this.rsv & 4) != 0;
		}

		public int closeCode() {
			return (this.payload.length >= 2) ? ((this.payload[0] & 0xFF) << 8) | (this.payload[1] & 0xFF) : 1005;
		}

		public String closeReason() {
			return (this.payload.length > 2) ? new String(this.payload, 2, this.payload.length - 2,
					StandardCharsets.UTF_8) : "";
		}

		public String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

	}

}
