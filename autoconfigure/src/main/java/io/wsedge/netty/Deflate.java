package io.wsedge.netty;

import java.util.List;
import java.util.Locale;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketClientExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateClientExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import reactor.netty.NettyPipeline;

import io.wsedge.policy.Compression;
import io.wsedge.engine.RouteMetrics;
import io.wsedge.engine.Side;

/**
 * permessage-deflate (RFC 7692) on either leg, with Netty's extension handshakers and codecs. Reactor Netty's
 * own switch offers neither window sizes nor a threshold, so the edge installs the handlers itself.
 * <p>
 * Inflating is bounded per frame by the leg's payload limit ({@code maxAllocation}), so a small frame that
 * inflates to more than the limit is refused before it is inflated whole: a decompression bomb costs no more
 * memory than the limit.
 */
public final class Deflate {

	/** The pipeline name of the extension handler, where Reactor Netty puts its own. */
	static final String HANDLER_NAME = NettyPipeline.WsCompressionHandler;

	private static final int COMPRESSION_LEVEL = 6;

	private static final int MEM_LEVEL = 8;

	private Deflate() {
	}

	/**
	 * Whether a client's upgrade request offers permessage-deflate.
	 * @param offers the request's {@code Sec-WebSocket-Extensions} values
	 * @return whether one of them is permessage-deflate
	 */
	public static boolean offered(List<String> offers) {
		if (offers == null) {
			return false;
		}
		for (String value : offers) {
			for (String offer : value.split(",")) {
				if (offer.trim().toLowerCase(Locale.ROOT).startsWith("permessage-deflate")) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Negotiates the client leg, where the edge is the server: answers the client's offer in the 101 response
	 * and installs the codecs once it is written. Call before the upgrade response is sent.
	 * @param pipeline the client connection's pipeline, still speaking HTTP
	 * @param offers the client's {@code Sec-WebSocket-Extensions} values
	 * @param settings the leg's settings
	 * @param maxInflated the most bytes one frame may inflate to (the client payload limit)
	 */
	public static void acceptOffer(ChannelPipeline pipeline, List<String> offers, Compression settings,
			int maxInflated) {
		String offer = String.join(", ", offers);
		boolean limitsServerWindow = offer.contains("server_max_window_bits");
		// A server may add server_no_context_takeover and client_no_context_takeover to its answer on its own
		// (RFC 7692 §7.1.1); Netty's handshaker only does when they were offered, so they are added to the copy
		// of the offer it reads. server_max_window_bits may only be answered when offered (§7.1.2.1).
		StringBuilder adjusted = new StringBuilder();
		for (String part : offer.split(",")) {
			String extension = part.trim();
			if (extension.toLowerCase(Locale.ROOT).startsWith("permessage-deflate")) {
				if (settings.serverNoContextTakeover() && !extension.contains("server_no_context_takeover")) {
					extension += "; server_no_context_takeover";
				}
				if (settings.clientNoContextTakeover() && !extension.contains("client_no_context_takeover")) {
					extension += "; client_no_context_takeover";
				}
			}
			adjusted.append((adjusted.length() > 0) ? ", " : "").append(extension);
		}
		PerMessageDeflateServerExtensionHandshaker handshaker = new PerMessageDeflateServerExtensionHandshaker(
				COMPRESSION_LEVEL, true, settings.clientMaxWindowBits(), true, settings.clientNoContextTakeover(),
				limitsServerWindow ? settings.serverMaxWindowBits() : 15, MEM_LEVEL, filters(settings.threshold()),
				maxInflated);
		WebSocketServerExtensionHandler handler = new WebSocketServerExtensionHandler(handshaker);
		DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
		request.headers()
			.set(HttpHeaderNames.UPGRADE, "websocket")
			.set(HttpHeaderNames.CONNECTION, "Upgrade")
			.set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, adjusted.toString());
		// HTTP response compression must not touch the 101 response or the frames.
		if (pipeline.get(NettyPipeline.CompressionHandler) != null) {
			pipeline.remove(NettyPipeline.CompressionHandler);
		}
		String codec = (pipeline.get(NettyPipeline.HttpCodec) != null) ? NettyPipeline.HttpCodec
				: pipeline.context(io.netty.handler.codec.http.HttpServerCodec.class).name();
		pipeline.addAfter(codec, HANDLER_NAME, handler);
		// The handler learns the offer from a request read, then answers it when the 101 response passes on its
		// way out. It is fed with the context at the end of the pipeline (as Reactor Netty feeds its own), so the
		// copy goes nowhere after it.
		try {
			handler.channelRead(pipeline.context(NettyPipeline.ReactiveBridge), request);
		}
		catch (Exception ex) {
			throw new IllegalStateException("permessage-deflate negotiation failed", ex);
		}
	}

	/**
	 * The handler that offers permessage-deflate to the upstream, where the edge is the client.
	 * @param settings the leg's settings
	 * @param maxInflated the most bytes one frame may inflate to (the upstream payload limit)
	 * @return the handler, to sit after the HTTP codec
	 */
	static WebSocketClientExtensionHandler offer(Compression settings, int maxInflated) {
		return new WebSocketClientExtensionHandler(new PerMessageDeflateClientExtensionHandshaker(COMPRESSION_LEVEL,
				settings.clientMaxWindowBits() < 15, settings.serverMaxWindowBits(), settings.clientNoContextTakeover(),
				settings.serverNoContextTakeover(), filters(settings.threshold()), maxInflated));
	}

	/**
	 * Counts the bytes on both sides of the permessage-deflate codec of a leg, if it was negotiated there, so
	 * that the saving shows in the metrics. Call once the handshake is complete.
	 * @param pipeline the leg's pipeline
	 * @param metrics the route's metrics
	 * @param leg the leg
	 */
	public static void meter(ChannelPipeline pipeline, RouteMetrics metrics, Side leg) {
		if (pipeline.get(WebSocketExtensionDecoder.class) == null) {
			return;
		}
		// Between the frame codec and the extension's codecs, wherever the handshaker put each of them.
		String firstExtensionCodec = null;
		for (java.util.Map.Entry<String, io.netty.channel.ChannelHandler> entry : pipeline) {
			if (entry.getValue() instanceof WebSocketExtensionDecoder
					|| entry.getValue() instanceof WebSocketExtensionEncoder) {
				firstExtensionCodec = entry.getKey();
				break;
			}
		}
		pipeline.addBefore(firstExtensionCodec, "wsedge.compression.wire", new Meter(metrics, leg, true));
		pipeline.addBefore(UpstreamConnector.UTF8_VALIDATOR_NAME, "wsedge.compression.payload",
				new Meter(metrics, leg, false));
	}

	/** Counts data frames passing one point of the pipeline, both ways. */
	private static final class Meter extends ChannelDuplexHandler {

		private final RouteMetrics metrics;

		private final Side leg;

		private final boolean wire;

		Meter(RouteMetrics metrics, Side leg, boolean wire) {
			this.metrics = metrics;
			this.leg = leg;
			this.wire = wire;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (isData(msg)) {
				this.metrics.compression(this.leg, true, this.wire, ((WebSocketFrame) msg).content().readableBytes());
			}
			ctx.fireChannelRead(msg);
		}

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
			if (isData(msg)) {
				this.metrics.compression(this.leg, false, this.wire, ((WebSocketFrame) msg).content().readableBytes());
			}
			ctx.write(msg, promise);
		}

		private static boolean isData(Object msg) {
			return msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
					|| msg instanceof ContinuationWebSocketFrame;
		}

	}

	/** Compresses only messages of at least {@code threshold} bytes; inflates everything. */
	private static WebSocketExtensionFilterProvider filters(long threshold) {
		WebSocketExtensionFilter small = (WebSocketFrame frame) -> frame.content().readableBytes() < threshold;
		return new WebSocketExtensionFilterProvider() {

			@Override
			public WebSocketExtensionFilter encoderFilter() {
				return small;
			}

			@Override
			public WebSocketExtensionFilter decoderFilter() {
				return WebSocketExtensionFilter.NEVER_SKIP;
			}

		};
	}

}
