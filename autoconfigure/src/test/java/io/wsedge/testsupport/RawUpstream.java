package io.wsedge.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.wsedge.testsupport.RawClient.Frame;

/**
 * An upstream WebSocket server on a raw socket, written for tests only: it shows the frames exactly as the
 * edge put them on the wire (masking included) and can answer with what no correct server sends.
 */
public final class RawUpstream implements AutoCloseable {

	private final ServerSocket server;

	private final BlockingQueue<Connection> connections = new LinkedBlockingQueue<>();

	public RawUpstream() throws IOException {
		this(null);
	}

	/**
	 * A raw upstream that accepts an extension.
	 * @param extensions the {@code Sec-WebSocket-Extensions} it answers a request that offers any, such as
	 * {@code permessage-deflate}, or {@code null} to answer none
	 * @throws IOException when no port can be bound
	 */
	public RawUpstream(String extensions) throws IOException {
		this(extensions, new byte[0]);
	}

	/**
	 * A raw upstream that accepts an extension and greets every connection.
	 * @param extensions the {@code Sec-WebSocket-Extensions} it answers a request that offers any, or
	 * {@code null} to answer none
	 * @param greeting bytes (frames) written in one go with the 101 response, so that they arrive before the edge
	 * has answered its client
	 * @throws IOException when no port can be bound
	 */
	public RawUpstream(String extensions, byte[] greeting) throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(() -> {
			while (!this.server.isClosed()) {
				try {
					Socket socket = this.server.accept();
					socket.setSoTimeout(10_000);
					Connection connection = new Connection(socket);
					connection.answerHandshake(extensions, greeting);
					this.connections.add(connection);
				}
				catch (IOException ex) {
					if (this.server.isClosed()) {
						return;
					}
					// A connection that closed before its handshake (a TCP health probe): keep accepting.
				}
				catch (Exception ex) {
					// A broken handshake: the next connection may be fine.
				}
			}
		}, "raw-upstream");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	public int port() {
		return this.server.getLocalPort();
	}

	/** The next connection; its handshake was answered with 101 as it arrived. */
	public Connection accept() throws Exception {
		Connection connection = this.connections.poll(10, TimeUnit.SECONDS);
		if (connection == null) {
			throw new AssertionError("No connection to the raw upstream within 10s");
		}
		return connection;
	}

	@Override
	public void close() throws IOException {
		this.server.close();
	}

	/** One connection from the edge. */
	public static final class Connection implements AutoCloseable {

		private final Socket socket;

		private final DataInputStream in;

		private final OutputStream out;

		private String offer;

		Connection(Socket socket) throws IOException {
			this.socket = socket;
			this.in = new DataInputStream(socket.getInputStream());
			this.out = socket.getOutputStream();
		}

		/** The {@code Sec-WebSocket-Extensions} the edge offered, or {@code null}. */
		public String offer() {
			return this.offer;
		}

		void answerHandshake(String extensions, byte[] greeting) throws Exception {
			String key = null;
			for (String line = readLine(); !line.isEmpty(); line = readLine()) {
				String value = line.substring(line.indexOf(':') + 1).trim();
				if (line.toLowerCase().startsWith("sec-websocket-key:")) {
					key = value;
				}
				else if (line.toLowerCase().startsWith("sec-websocket-extensions:")) {
					this.offer = value;
				}
			}
			if (key == null) {
				throw new IOException("The connection closed before its handshake");
			}
			byte[] digest = MessageDigest.getInstance("SHA-1")
				.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
			String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Accept: " + Base64.getEncoder().encodeToString(digest) + "\r\n"
					+ ((extensions != null && this.offer != null) ? "Sec-WebSocket-Extensions: " + extensions + "\r\n"
							: "")
					+ "\r\n";
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			bytes.writeBytes(response.getBytes(StandardCharsets.US_ASCII));
			bytes.writeBytes(greeting);
			this.out.write(bytes.toByteArray());
			this.out.flush();
		}

		private String readLine() throws IOException {
			ByteArrayOutputStream line = new ByteArrayOutputStream();
			int b;
			while ((b = this.in.read()) != -1 && b != '\n') {
				if (b != '\r') {
					line.write(b);
				}
			}
			return line.toString(StandardCharsets.ISO_8859_1);
		}

		/** Reads the next frame as the edge sent it. */
		public Frame readFrame() throws IOException {
			return RawClient.readFrame(this.in);
		}

		/** Writes raw bytes, well-formed or not. */
		public void write(byte[] bytes) throws IOException {
			this.out.write(bytes);
			this.out.flush();
		}

		/**
		 * An unmasked frame, as a server sends it.
		 * @param fin the FIN bit
		 * @param opcode the opcode, with the reserved bits above it (0x40 for RSV1)
		 * @param payload the payload, at most 64 KB
		 * @return the frame's bytes
		 */
		public static byte[] frame(boolean fin, int opcode, byte[] payload) {
			ByteArrayOutputStream frame = new ByteArrayOutputStream();
			frame.write((fin ? 0x80 : 0) | opcode);
			if (payload.length < 126) {
				frame.write(payload.length);
			}
			else {
				frame.write(126);
				frame.write(payload.length >>> 8);
				frame.write(payload.length);
			}
			frame.writeBytes(payload);
			return frame.toByteArray();
		}

		/**
		 * Writes an unmasked frame, as a server must.
		 * @param fin the FIN bit
		 * @param opcode the opcode, with the reserved bits above it (0x40 for RSV1)
		 * @param payload the payload, at most 64 KB
		 * @throws IOException on socket errors
		 */
		public void writeFrame(boolean fin, int opcode, byte[] payload) throws IOException {
			write(frame(fin, opcode, payload));
		}

		/** Closes with a reset, as a crashed process would. */
		public void reset() throws IOException {
			this.socket.setSoLinger(true, 0);
			this.socket.close();
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
