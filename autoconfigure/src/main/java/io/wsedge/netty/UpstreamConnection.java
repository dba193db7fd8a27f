package io.wsedge.netty;

import reactor.netty.Connection;

import io.netty.util.concurrent.EventExecutor;
import io.wsedge.engine.LegListener;
import io.wsedge.engine.UpstreamDialer;

/**
 * An upstream WebSocket connection whose handshake has completed.
 *
 * @param leg the leg the session drives
 * @param subprotocol the subprotocol the upstream selected, or {@code null}
 * @param connection the underlying Reactor Netty connection
 */
public record UpstreamConnection(NettyLeg leg, String subprotocol, Connection connection)
		implements UpstreamDialer.Upstream {

	@Override
	public void bind(LegListener session, EventExecutor executor) {
		// Frames the upstream sent before the session start wait, still compressed, for the client leg's
		// negotiation to decide whether they pass through; whatever it left undecided is decided now.
		PassThrough.settle(this.connection.channel());
		this.leg.bind(session, executor);
	}

	@Override
	public void abort() {
		this.connection.dispose();
	}

}
