package io.wsedge.server.reactive;

import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;

/**
 * Drops a connection that has not sent the head (request line and headers) of its next request within the
 * handshake timeout: the first request's from when the connection opens, each later one's from when the
 * previous response was written. It holds against slowloris clients that trickle a request, on the first
 * request as on every later one, and ends keep-alive connections left idle. Reactor Netty's idle timeout
 * would not do: it restarts on every byte read.
 * <p>
 * Leaves the pipeline when the connection is upgraded (101), so it costs a WebSocket session nothing; the
 * session's own limits apply from then on.
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
		arm(ctx);
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		cancel();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof HttpRequest) {
			cancel();
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
			if (response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
				ctx.pipeline().remove(this);
			}
			// Other interim responses (100 Continue) leave the request in progress.
		}
		else if (msg instanceof LastHttpContent) {
			// The response is complete: the connection waits for its next request.
			arm(ctx);
		}
		ctx.write(msg, promise);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		cancel();
		ctx.fireChannelInactive();
	}

	private void arm(ChannelHandlerContext ctx) {
		cancel();
		this.timer = ctx.executor().schedule(() -> {
			if (ctx.channel().isActive()) {
				ctx.close();
			}
		}, this.timeoutNanos, TimeUnit.NANOSECONDS);
	}

	private void cancel() {
		if (this.timer != null) {
			this.timer.cancel(false);
			this.timer = null;
		}
	}

}
