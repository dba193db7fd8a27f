package io.wsedge.netty;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.wsedge.engine.RouteMetrics;
import io.wsedge.engine.Side;

/**
 * Makes Netty's client handshaker transparent for a proxy, for the one request it sends:
 * <ul>
 * <li>the client's subprotocol offer travels as a plain header and the upstream's choice is taken off the
 * response before the handshaker checks it, because the handshaker refuses a response that selects no
 * subprotocol when one was offered, which RFC 6455 §4.1 allows (the client decides);</li>
 * <li>the handshaker makes up an {@code Origin} when the request has none; so a request whose client sent
 * none carries {@link #NO_ORIGIN}, which is removed here, and the upstream sees what the client sent;</li>
 * <li>the handshaker's frame decoder is swapped for one that reports violations instead of answering them
 * (see {@link FrameDecoders}), and its encoder for the edge's own (see {@link FrameEncoder});</li>
 * <li>the compression meters go in once the extension's codecs are (see {@link Deflate#meter}), on whichever
 * server stack the client is.</li>
 * </ul>
 */
final class UpstreamHandshakeAdapter extends ChannelDuplexHandler {

	static final String NAME = "wsedge.upstream-handshake";

	/** The {@code Origin} of a request whose client sent none, so that the handshaker makes none up. */
	static final String NO_ORIGIN = "wsedge:none";

	private final int maxFramePayload;

	private final RouteMetrics metrics;

	private String selectedSubprotocol;

	UpstreamHandshakeAdapter(int maxFramePayload, RouteMetrics metrics) {
		this.maxFramePayload = maxFramePayload;
		this.metrics = metrics;
	}

	String selectedSubprotocol() {
		return this.selectedSubprotocol;
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
		if (msg instanceof HttpRequest request
				&& NO_ORIGIN.equals(request.headers().get(HttpHeaderNames.ORIGIN))) {
			request.headers().remove(HttpHeaderNames.ORIGIN);
		}
		super.write(ctx, msg, promise);
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
		if (msg instanceof HttpResponse response) {
			String selected = response.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
			this.selectedSubprotocol = (selected != null && !selected.isBlank()) ? selected.trim() : null;
			response.headers().remove(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
			// The handshaker finishes the handshake while the response passes on, installing its decoder.
			super.channelRead(ctx, msg);
			FrameDecoders.reportViolations(ctx.pipeline(), false, this.maxFramePayload);
			FrameEncoder.install(ctx.pipeline(), false);
			Deflate.meter(ctx.pipeline(), this.metrics, Side.UPSTREAM);
			ctx.pipeline().remove(this);
			return;
		}
		super.channelRead(ctx, msg);
	}

}
