package io.wsedge.engine;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The payload of the edge's own pings: a marker and a sequence number, so that the client's pongs to them
 * are told apart from pongs the client means for the upstream (which are relayed).
 */
final class EdgePings {

	private static final byte[] MARKER = "wsedge:".getBytes(StandardCharsets.US_ASCII);

	static final int LENGTH = MARKER.length + Long.BYTES;

	private EdgePings() {
	}

	static ByteBuf payload(long sequence) {
		ByteBuf payload = Unpooled.buffer(LENGTH);
		payload.writeBytes(MARKER);
		payload.writeLong(sequence);
		return payload;
	}

	/**
	 * The sequence number of an answer to an edge ping.
	 * @param payload a pong's payload
	 * @return the sequence, or -1 if the pong does not answer an edge ping
	 */
	static long sequence(ByteBuf payload) {
		if (payload.readableBytes() != LENGTH) {
			return -1;
		}
		int start = payload.readerIndex();
		for (int i = 0; i < MARKER.length; i++) {
			if (payload.getByte(start + i) != MARKER[i]) {
				return -1;
			}
		}
		return payload.getLong(start + MARKER.length);
	}

}
