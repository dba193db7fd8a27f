package io.wsedge.policy;

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
 * @param idleTimeout the time without data messages before the session is closed, zero for none
 * @param pingInterval how often the edge pings the client, zero for never
 * @param pongTimeout the time the client has to answer an edge ping
 * @param maxConnectionsPerClient the most sessions per client address, 0 for no cap
 * @param messagesPerSecond the sustained client message rate, 0 for no limit
 * @param messageBurst the client messages allowed in a burst
 * @param dropOverRate whether messages over the rate are dropped (rather than the session closed)
 * @param maxFragments the most frames one message may arrive in, from either side
 * @param maxSessionDuration the longest a session lives before the edge closes it (plus up to 10% jitter),
 * zero for no limit
 * @param maxConnectionsPerPrincipal the most sessions per authenticated principal, 0 for no cap
 * @param messagesPerSecondPerPrincipal the sustained client message rate shared by a principal's sessions, 0
 * for no limit
 */
public record Limits(long maxPayloadSize, long upstreamMaxPayloadSize, int maxFrameSize, long maxBufferedBytes,
		Duration connectTimeout, Duration closeTimeout, Duration idleTimeout, Duration pingInterval,
		Duration pongTimeout, int maxConnectionsPerClient, double messagesPerSecond, int messageBurst,
		boolean dropOverRate, int maxFragments, Duration maxSessionDuration, int maxConnectionsPerPrincipal,
		double messagesPerSecondPerPrincipal) {

	/**
	 * The defaults of {@code wsedge.limits}, for running the engine without Spring (the test kit, the benchmarks).
	 * Their source is the field initialisers of {@code WsEdgeProperties.Limits}; WsEdgeAutoConfigurationTests
	 * keeps the two equal.
	 */
	public static final Limits DEFAULTS = new Limits(1024 * 1024, 16 * 1024 * 1024, 1024 * 1024, 4 * 1024 * 1024,
			Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ZERO, Duration.ofSeconds(30),
			Duration.ofSeconds(10), 0, 0, 0, false, 4096, Duration.ZERO, 0, 0);


	/**
	 * Limits with only the size and time settings, the rest off; for tests and tools.
	 * @param maxPayloadSize the client payload limit
	 * @param upstreamMaxPayloadSize the upstream payload limit
	 * @return the limits
	 */
	public static Limits ofPayloadSizes(long maxPayloadSize, long upstreamMaxPayloadSize) {
		return new Limits(maxPayloadSize, upstreamMaxPayloadSize, (int) Math.min(Integer.MAX_VALUE, maxPayloadSize),
				Long.MAX_VALUE, Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ZERO, Duration.ZERO,
				Duration.ofSeconds(10), 0, 0, 0, false, 4096, Duration.ZERO, 0, 0);
	}

}
