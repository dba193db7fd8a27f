package io.wsedge.netty;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.netty.buffer.ByteBuf;
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
import io.netty.handler.codec.http.websocketx.extensions.WebSocketClientExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketClientExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketClientExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandshaker;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.netty.NettyPipeline;

import org.springframework.util.ClassUtils;

import io.wsedge.engine.RouteMetrics;
import io.wsedge.engine.Side;
import io.wsedge.policy.Compression;

import static io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension.RSV1;

/**
 * permessage-deflate (RFC 7692) on either leg. Netty's extension handlers parse the headers and install the
 * codecs; the negotiation ({@code ServerHandshaker}, {@code ClientHandshaker}) and the codecs
 * ({@link MessageDeflater}, {@link MessageInflater}) are the edge's own, because Netty's apply the threshold
 * per frame (which breaks fragmented messages), fail on empty fragments, answer malformed offers with an
 * exception, and need jzlib for windows below 15 bits without checking that it is there.
 * <p>
 * Inflating is bounded per message by the leg's payload limit, so a small frame that inflates to more than the
 * limit is refused before it is inflated whole: a decompression bomb costs no more memory than the limit.
 */
public final class Deflate {

	/** The pipeline name of the extension handler, where Reactor Netty puts its own. */
	static final String HANDLER_NAME = NettyPipeline.WsCompressionHandler;

	private static final Log logger = LogFactory.getLog(Deflate.class);

	private static final String EXTENSION = "permessage-deflate";

	private static final String SERVER_NO_CONTEXT = "server_no_context_takeover";

	private static final String CLIENT_NO_CONTEXT = "client_no_context_takeover";

	private static final String SERVER_MAX_WINDOW = "server_max_window_bits";

	private static final String CLIENT_MAX_WINDOW = "client_max_window_bits";

	private static final int MIN_WINDOW_BITS = 8;

	private static final int MAX_WINDOW_BITS = 15;

	private static final int COMPRESSION_LEVEL = 6;

	/** Whether windows below 15 bits can be kept to: the JDK's deflater has only the full window. */
	private static final boolean SMALL_WINDOWS = ClassUtils.isPresent("com.jcraft.jzlib.Deflater",
			Deflate.class.getClassLoader());

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
	 * and installs the codecs once it is written. An offer this edge cannot honour, or a malformed one, is
	 * declined: the client gets its 101 without the extension. Call before the upgrade response is sent.
	 * @param pipeline the client connection's pipeline, still speaking HTTP
	 * @param offers the client's {@code Sec-WebSocket-Extensions} values
	 * @param settings the leg's settings
	 * @param maxInflated the most bytes one message may inflate to (the client payload limit)
	 * @param passThrough the session's pass-through, to shape the answer with, or {@code null}
	 */
	static void acceptOffer(ChannelPipeline pipeline, List<String> offers, Compression settings, int maxInflated,
			PassThrough passThrough) {
		WebSocketServerExtensionHandler handler = new WebSocketServerExtensionHandler(
				new ServerHandshaker(settings, maxInflated, passThrough));
		DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
		request.headers()
			.set(HttpHeaderNames.UPGRADE, "websocket")
			.set(HttpHeaderNames.CONNECTION, "Upgrade")
			.set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, String.join(", ", offers));
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
			// A header Netty cannot parse: the upgrade goes on without the extension, as for any declined offer.
			pipeline.remove(handler);
			logger.debug("Declined a permessage-deflate offer Netty could not parse", ex);
		}
	}

	/**
	 * The handler that offers permessage-deflate to the upstream, where the edge is the client.
	 * @param settings the leg's settings
	 * @param maxInflated the most bytes one message may inflate to (the upstream payload limit)
	 * @return the handler, to sit after the HTTP codec
	 */
	static WebSocketClientExtensionHandler offer(Compression settings, int maxInflated) {
		return new WebSocketClientExtensionHandler(new ClientHandshaker(settings, maxInflated));
	}

	/** A frame of the same kind and fin bit as {@code frame}, with other reserved bits and payload. */
	static WebSocketFrame sameKind(WebSocketFrame frame, int rsv, ByteBuf payload) {
		if (frame instanceof TextWebSocketFrame) {
			return new TextWebSocketFrame(frame.isFinalFragment(), rsv, payload);
		}
		if (frame instanceof BinaryWebSocketFrame) {
			return new BinaryWebSocketFrame(frame.isFinalFragment(), rsv, payload);
		}
		return new ContinuationWebSocketFrame(frame.isFinalFragment(), rsv, payload);
	}

	/**
	 * A window size parameter's value: 8-15 (RFC 7692 §7.1.2), digits only.
	 * @return the bits, or -1 when the value is missing or malformed
	 */
	private static int windowBits(String value) {
		if (value == null || value.length() < 1 || value.length() > 2) {
			return -1;
		}
		for (int i = 0; i < value.length(); i++) {
			if (value.charAt(i) < '0' || value.charAt(i) > '9') {
				return -1;
			}
		}
		int bits = Integer.parseInt(value);
		return (bits >= MIN_WINDOW_BITS && bits <= MAX_WINDOW_BITS) ? bits : -1;
	}

	/**
	 * The edge as server (RFC 7692 §7.1): accepts an offer within what the leg's settings and the runtime
	 * allow, declines the rest (a parameter it does not know, a value that is missing or out of range, a window
	 * it cannot keep to). Where the upstream's or the client's compressed messages can pass through
	 * ({@link PassThrough}), the answer describes the upstream's compressor and asks the client for what the
	 * upstream's decompressor was told; the edge could still keep to it itself.
	 */
	private static final class ServerHandshaker implements WebSocketServerExtensionHandshaker {

		private final Compression settings;

		private final int maxInflated;

		private final PassThrough passThrough;

		ServerHandshaker(Compression settings, int maxInflated, PassThrough passThrough) {
			this.settings = settings;
			this.maxInflated = maxInflated;
			this.passThrough = passThrough;
		}

		@Override
		public WebSocketServerExtension handshakeExtension(WebSocketExtensionData offer) {
			if (!EXTENSION.equalsIgnoreCase(offer.name())) {
				return null;
			}
			boolean serverNoContextAsked = false;
			int serverBitsOffered = -1;
			int clientBitsOffered = -1;
			for (Map.Entry<String, String> parameter : offer.parameters().entrySet()) {
				String value = parameter.getValue();
				switch (parameter.getKey().toLowerCase(Locale.ROOT)) {
					case SERVER_NO_CONTEXT -> {
						if (value != null) {
							return null;
						}
						serverNoContextAsked = true;
					}
					case CLIENT_NO_CONTEXT -> {
						if (value != null) {
							return null;
						}
					}
					case SERVER_MAX_WINDOW -> {
						int bits = windowBits(value);
						if (bits < 0) {
							return null;
						}
						serverBitsOffered = (serverBitsOffered < 0) ? bits : Math.min(serverBitsOffered, bits);
					}
					case CLIENT_MAX_WINDOW -> {
						// Without a value the client only says it can limit its window (§7.1.2.2).
						int bits = (value != null) ? windowBits(value) : MAX_WINDOW_BITS;
						if (bits < 0) {
							return null;
						}
						clientBitsOffered = bits;
					}
					default -> {
						return null;
					}
				}
			}
			PassThrough passThrough = this.passThrough;
			PassThrough.Parameters upstream = (passThrough != null) ? passThrough.upstreamLeg() : null;
			boolean fromUpstream = upstream != null && passThrough.allows(Side.UPSTREAM)
					&& PassThrough.upstreamFitsClient(upstream, serverNoContextAsked, serverBitsOffered);
			boolean fromClient = upstream != null && passThrough.allows(Side.CLIENT)
					&& PassThrough.clientFitsUpstream(upstream, clientBitsOffered);
			// A server may use no context takeover, and ask the client for it, unasked (§7.1.1.1, §7.1.1.2).
			boolean serverNoContext = serverNoContextAsked
					|| (fromUpstream ? upstream.serverNoContext() : this.settings.serverNoContextTakeover());
			boolean clientNoContext = fromClient ? upstream.clientNoContext()
					: this.settings.clientNoContextTakeover();
			int serverBits = this.settings.serverMaxWindowBits();
			if (serverBitsOffered >= 0) {
				serverBits = Math.min(serverBits, serverBitsOffered);
				if (fromUpstream) {
					// No less than the upstream compresses with, and no more than offered (checked by the fit).
					serverBits = Math.max(serverBits, upstream.serverBits());
				}
			}
			if (serverBits < MAX_WINDOW_BITS && !SMALL_WINDOWS) {
				if (serverBitsOffered >= 0) {
					// The answer may not exceed the offer (§7.1.2.1), and this runtime has only the full window.
					logger.debug("Declined permessage-deflate with server_max_window_bits=" + serverBits
							+ ": jzlib is not on the class path");
					return null;
				}
				serverBits = MAX_WINDOW_BITS;
			}
			// The edge inflates any window; a smaller one is only asked for to spare the client's memory, or so
			// that the upstream can inflate what passes through.
			int askClientBits = Math.min((clientBitsOffered >= 0) ? clientBitsOffered : MAX_WINDOW_BITS,
					this.settings.clientMaxWindowBits());
			if (fromClient) {
				askClientBits = Math.min(askClientBits, upstream.clientBits());
			}
			Integer clientAnswer = (clientBitsOffered >= 0 && askClientBits < MAX_WINDOW_BITS) ? askClientBits : null;
			return new ServerExtension(serverNoContext, clientNoContext, serverBits, serverBitsOffered >= 0,
					clientAnswer, this.settings.threshold(), this.maxInflated, passThrough, fromClient, fromUpstream);
		}

	}

	/**
	 * The accepted offer. Its codecs are made once the 101 response is out, which is when the pass-through
	 * decisions are put in force on the upstream leg too.
	 */
	private record ServerExtension(boolean serverNoContext, boolean clientNoContext, int serverBits,
			boolean answerServerBits, Integer clientBits, long threshold, int maxInflated, PassThrough passThrough,
			boolean fromClient, boolean fromUpstream) implements WebSocketServerExtension {

		@Override
		public int rsv() {
			return RSV1;
		}

		@Override
		public WebSocketExtensionEncoder newExtensionEncoder() {
			return new MessageDeflater(COMPRESSION_LEVEL, this.serverBits, this.serverNoContext, this.threshold,
					passes(Side.UPSTREAM));
		}

		@Override
		public WebSocketExtensionDecoder newExtensionDecoder() {
			return new MessageInflater(this.clientNoContext, this.maxInflated,
					passes(Side.CLIENT) ? MessageInflater.Mode.PASS : MessageInflater.Mode.INFLATE, null);
		}

		private boolean passes(Side from) {
			if (this.passThrough == null) {
				return false;
			}
			this.passThrough.commit(this.fromClient, this.fromUpstream);
			return this.passThrough.passes(from);
		}

		@Override
		public WebSocketExtensionData newReponseData() {
			Map<String, String> parameters = new LinkedHashMap<>();
			if (this.serverNoContext) {
				parameters.put(SERVER_NO_CONTEXT, null);
			}
			if (this.clientNoContext) {
				parameters.put(CLIENT_NO_CONTEXT, null);
			}
			if (this.answerServerBits) {
				parameters.put(SERVER_MAX_WINDOW, Integer.toString(this.serverBits));
			}
			if (this.clientBits != null) {
				parameters.put(CLIENT_MAX_WINDOW, Integer.toString(this.clientBits));
			}
			return new WebSocketExtensionData(EXTENSION, parameters);
		}

	}

	/**
	 * The edge as client: offers the leg's settings, and accepts an answer that keeps to the offer (RFC 7692
	 * §7.1); any other answer fails the upstream's handshake.
	 */
	private static final class ClientHandshaker implements WebSocketClientExtensionHandshaker {

		private final Compression settings;

		private final int maxInflated;

		/** The window the edge offers to keep to, or 15 when it does not offer one. */
		private final int offeredClientBits;

		ClientHandshaker(Compression settings, int maxInflated) {
			this.settings = settings;
			this.maxInflated = maxInflated;
			this.offeredClientBits = SMALL_WINDOWS ? settings.clientMaxWindowBits() : MAX_WINDOW_BITS;
		}

		@Override
		public WebSocketExtensionData newRequestData() {
			Map<String, String> parameters = new LinkedHashMap<>();
			if (this.settings.serverNoContextTakeover()) {
				parameters.put(SERVER_NO_CONTEXT, null);
			}
			if (this.settings.clientNoContextTakeover()) {
				parameters.put(CLIENT_NO_CONTEXT, null);
			}
			if (this.settings.serverMaxWindowBits() < MAX_WINDOW_BITS) {
				parameters.put(SERVER_MAX_WINDOW, Integer.toString(this.settings.serverMaxWindowBits()));
			}
			// Offered only when the edge can keep to any window the upstream may then ask for (§7.1.2.2).
			if (this.offeredClientBits < MAX_WINDOW_BITS) {
				parameters.put(CLIENT_MAX_WINDOW, Integer.toString(this.offeredClientBits));
			}
			return new WebSocketExtensionData(EXTENSION, parameters);
		}

		@Override
		public WebSocketClientExtension handshakeExtension(WebSocketExtensionData answer) {
			if (!EXTENSION.equalsIgnoreCase(answer.name())) {
				return null;
			}
			boolean serverNoContext = false;
			boolean clientNoContext = this.settings.clientNoContextTakeover();
			int serverBits = MAX_WINDOW_BITS;
			int clientBits = this.offeredClientBits;
			for (Map.Entry<String, String> parameter : answer.parameters().entrySet()) {
				String value = parameter.getValue();
				switch (parameter.getKey().toLowerCase(Locale.ROOT)) {
					case SERVER_NO_CONTEXT -> {
						if (value != null) {
							return null;
						}
						serverNoContext = true;
					}
					case CLIENT_NO_CONTEXT -> {
						if (value != null) {
							return null;
						}
						clientNoContext = true;
					}
					case SERVER_MAX_WINDOW -> {
						int bits = windowBits(value);
						if (bits < 0 || bits > this.settings.serverMaxWindowBits()) {
							return null;
						}
						serverBits = bits;
					}
					case CLIENT_MAX_WINDOW -> {
						int bits = windowBits(value);
						// Only an answer to an offer of client_max_window_bits may carry it (§7.1.2.2).
						if (bits < 0 || this.offeredClientBits == MAX_WINDOW_BITS || bits > this.offeredClientBits) {
							return null;
						}
						clientBits = bits;
					}
					default -> {
						return null;
					}
				}
			}
			// The upstream's decompressor may reset per message when the edge only offered to (a hint, §7.1.1.2),
			// and may keep a window no larger than the edge offered to keep to: both counted as agreed.
			return new ClientExtension(new PassThrough.Parameters(serverNoContext, clientNoContext, serverBits,
					clientBits), this.settings.threshold(), this.maxInflated);
		}

	}

	/**
	 * The upstream's answer. Its inflater starts out pending: whether the upstream's compressed frames pass
	 * through is only known once the client's offer is answered (see {@link PassThrough}).
	 */
	private record ClientExtension(PassThrough.Parameters negotiated, long threshold, int maxInflated)
			implements WebSocketClientExtension {

		@Override
		public int rsv() {
			return RSV1;
		}

		@Override
		public WebSocketExtensionEncoder newExtensionEncoder() {
			return new MessageDeflater(COMPRESSION_LEVEL, this.negotiated.clientBits(),
					this.negotiated.clientNoContext(), this.threshold, false);
		}

		@Override
		public WebSocketExtensionDecoder newExtensionDecoder() {
			return new MessageInflater(this.negotiated.serverNoContext(), this.maxInflated,
					MessageInflater.Mode.PENDING, this.negotiated);
		}

	}

	/**
	 * Counts the bytes on both sides of the permessage-deflate codec of a leg, if it was negotiated there, so
	 * that the saving shows in the metrics; frames that pass through compressed are not counted, as the edge
	 * neither inflates nor deflates them. Call once the handshake is complete.
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
		MessageInflater inflater = pipeline.get(MessageInflater.class);
		MessageDeflater deflater = pipeline.get(MessageDeflater.class);
		pipeline.addBefore(firstExtensionCodec, "wsedge.compression.wire",
				new Meter(metrics, leg, true, inflater, deflater));
		pipeline.addBefore(UpstreamConnector.UTF8_VALIDATOR_NAME, "wsedge.compression.payload",
				new Meter(metrics, leg, false, inflater, deflater));
	}

	/** Counts data frames passing one point of the pipeline, both ways. */
	private static final class Meter extends ChannelDuplexHandler {

		private final RouteMetrics metrics;

		private final Side leg;

		private final boolean wire;

		private final MessageInflater inflater;

		private final MessageDeflater deflater;

		Meter(RouteMetrics metrics, Side leg, boolean wire, MessageInflater inflater, MessageDeflater deflater) {
			this.metrics = metrics;
			this.leg = leg;
			this.wire = wire;
			this.inflater = inflater;
			this.deflater = deflater;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (isData(msg) && (this.inflater == null || !this.inflater.passing())) {
				this.metrics.compression(this.leg, true, this.wire, ((WebSocketFrame) msg).content().readableBytes());
			}
			ctx.fireChannelRead(msg);
		}

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
			if (isData(msg) && (this.deflater == null || !this.deflater.passing())) {
				this.metrics.compression(this.leg, false, this.wire, ((WebSocketFrame) msg).content().readableBytes());
			}
			ctx.write(msg, promise);
		}

		private static boolean isData(Object msg) {
			return msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
					|| msg instanceof ContinuationWebSocketFrame;
		}

	}

}
