package io.wsedge.proxy;

import java.time.Duration;

/**
 * The limits in force for the sessions of one route, resolved from the global and per-route settings.
 *
 * @param maxPayloadSize the largest whole message accepted from the client, in bytes
 * @param upstreamMaxPayloadSize the largest whole message accepted from the upstream, in bytes
 * @param maxFrameSize the largest single frame accepted from the client, in bytes
 * @param maxBufferedBytes the most the edge holds for a peer that does not read, in bytes
 * @param connectTimeout the time allowed to dial and handshake the upstream
 * @param closeTimeout the time a peer has to answer a close frame before its connection is cut
 */
public record Limits(long maxPayloadSize, long upstreamMaxPayloadSize, int maxFrameSize, long maxBufferedBytes,
		Duration connectTimeout, Duration closeTimeout) {

	/** The defaults, as documented in the README. */
	public static final Limits DEFAULTS = new Limits(1024 * 1024, 16 * 1024 * 1024, 1024 * 1024, 4 * 1024 * 1024,
			Duration.ofSeconds(10), Duration.ofSeconds(5));

	/**
	 * The payload limit for messages from one side.
	 * @param from the sender
	 * @return the limit in bytes
	 */
	public long maxPayloadSize(Side from) {
		return (from == Side.CLIENT) ? this.maxPayloadSize : this.upstreamMaxPayloadSize;
	}

}
