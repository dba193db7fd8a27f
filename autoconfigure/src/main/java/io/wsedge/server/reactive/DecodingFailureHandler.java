package io.wsedge.server.reactive;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Answers a request the HTTP decoder could not read (headers over the limit: 431, a request line over it: 414,
 * anything else: 400) and closes the connection, logging one DEBUG line. Without it, Reactor Netty answers the
 * same statuses but logs each one at WARN with every header name, which lets any client fill the log. Sits
 * right after the HTTP codec, and leaves the pipeline with the 101 response, so WebSocket frames never pass it.
 */
public final class DecodingFailureHandler extends ChannelDuplexHandler {

	/** The name under which the handler sits in a pipeline. */
	public static final String NAME = "wsedge.decoding-failures";

	private static final Log logger = LogFactory.getLog(DecodingFailureHandler.class);

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof HttpRequest request && request.decoderResult().isFailure()) {
			Throwable cause = request.decoderResult().cause();
			HttpResponseStatus status = (cause instanceof TooLongHttpHeaderException)
					? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
					: (cause instanceof TooLongHttpLineException) ? HttpResponseStatus.REQUEST_URI_TOO_LONG
							: HttpResponseStatus.BAD_REQUEST;
			ReferenceCountUtil.release(msg);
			if (logger.isDebugEnabled()) {
				// Neither the request nor the decoder's message: they would carry what the client sent.
				logger.debug("Refused a request from " + ctx.channel().remoteAddress() + " with " + status.code()
						+ ": the HTTP decoder could not read it (" + cause.getClass().getSimpleName() + ")");
			}
			FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
					Unpooled.EMPTY_BUFFER);
			response.headers()
				.set(HttpHeaderNames.CONTENT_LENGTH, 0)
				.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
			ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
			return;
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof HttpResponse response
				&& response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
			ctx.pipeline().remove(this);
		}
		ctx.write(msg, promise);
	}

}
