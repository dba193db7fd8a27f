package io.wsedge.netty;

import reactor.netty.Connection;

/**
 * An upstream WebSocket connection whose handshake has completed.
 *
 * @param leg the leg the session drives
 * @param subprotocol the subprotocol the upstream selected, or {@code null}
 * @param connection the underlying Reactor Netty connection
 */
public record UpstreamConnection(NettyLeg leg, String subprotocol, Connection connection) {

	/**
	 * Closes the connection without a handshake, for a session that never started.
	 */
	public void abort() {
		this.connection.dispose();
	}

}
