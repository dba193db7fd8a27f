package io.wsedge.server.reactive;

import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.Future;

/**
 * Drops a connection whose first request has not arrived whole (request line and headers) within the
 * handshake timeout, against slowloris clients that trickle their upgrade request. Removes itself once the
 * first request is in, so it costs nothing afterwards.
 */
public final class HandshakeTimeoutHandler extends ChannelDuplexHandler {

	/** The name under which the handler sits in a pipeline. */
	public static final String NAME = "wsedge.handshake-timeout";

	private final long timeoutNanos;

	private Future<?> timer;

	public HandshakeTimeoutHandler(long timeoutNanos) {
		this.timeoutNanos = timeoutNanos;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.timer = ctx.executor().schedule(() -> {
			if (ctx.channel().isActive()) {
				ctx.close();
			}
		}, this.timeoutNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof HttpRequest) {
			cancel();
			ctx.pipeline().remove(this);
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		cancel();
		ctx.fireChannelInactive();
	}

	private void cancel() {
		if (this.timer != null) {
			this.timer.cancel(false);
			this.timer = null;
		}
	}

}
