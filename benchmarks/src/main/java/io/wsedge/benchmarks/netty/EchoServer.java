package io.wsedge.benchmarks.netty;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * The upstream of every benchmark: a WebSocket server on plain Netty that sends each data frame back as it
 * came (so a fragmented message stays fragmented), on any path, with permessage-deflate when the peer offers
 * it. It is the cheapest WebSocket peer Netty makes, so that the edge, not the upstream, is what a run measures.
 * Pings are answered by Netty's protocol handler; close frames end the connection after the closing handshake.
 */
public final class EchoServer implements AutoCloseable {

	/** Largest frame accepted, well above anything the scenarios send. */
	static final int MAX_FRAME = 64 * 1024 * 1024;

	private final EventLoopGroup group;

	private final Channel server;

	private EchoServer(EventLoopGroup group, Channel server) {
		this.group = group;
		this.server = server;
	}

	/**
	 * Starts an echo server.
	 * @param host the address to bind, on loopback
	 * @param port the port, 0 for any free one
	 * @param threads the event loops
	 * @return the running server
	 * @throws InterruptedException if interrupted while binding
	 */
	public static EchoServer start(String host, int port, int threads) throws InterruptedException {
		EventLoopGroup group = Transport.group(threads);
		WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
			.websocketPath("/")
			.checkStartsWith(true)
			.handleCloseFrames(true)
			.dropPongFrames(true)
			.handshakeTimeoutMillis(10_000)
			.decoderConfig(WebSocketDecoderConfig.newBuilder()
				.maxFramePayloadLength(MAX_FRAME)
				.allowExtensions(true)
				.build())
			.build();
		ServerBootstrap bootstrap = new ServerBootstrap().group(group)
			.channel(Transport.serverChannel())
			.option(ChannelOption.SO_BACKLOG, 4096)
			.option(ChannelOption.SO_REUSEADDR, true)
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childHandler(new ChannelInitializer<Channel>() {
				@Override
				protected void initChannel(Channel channel) {
					ChannelPipeline pipeline = channel.pipeline();
					pipeline.addLast(new HttpServerCodec());
					pipeline.addLast(new HttpObjectAggregator(65536));
					// Accepts permessage-deflate when offered; without an offer it steps aside.
					pipeline.addLast(new WebSocketServerCompressionHandler(0));
					pipeline.addLast(new WebSocketServerProtocolHandler(config));
					pipeline.addLast(new Echo());
				}
			});
		try {
			Channel server = bootstrap.bind(new InetSocketAddress(host, port)).sync().channel();
			return new EchoServer(group, server);
		}
		catch (InterruptedException | RuntimeException ex) {
			group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
			throw ex;
		}
	}

	public int port() {
		return ((InetSocketAddress) this.server.localAddress()).getPort();
	}

	@Override
	public void close() {
		this.server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
		this.group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
	}

	/**
	 * Writes every data frame back; flushes once per batch of reads. A peer that does not read stops this
	 * connection's reading, so the echo never queues without bound.
	 */
	private static final class Echo extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
					|| msg instanceof ContinuationWebSocketFrame) {
				// The frame's buffer goes back out as it is: the encoder releases it once written.
				ctx.write(msg, ctx.voidPromise());
				if (!ctx.channel().isWritable()) {
					ctx.channel().config().setAutoRead(false);
				}
			}
			else {
				ReferenceCountUtil.release(msg);
			}
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) {
			ctx.flush();
		}

		@Override
		public void channelWritabilityChanged(ChannelHandlerContext ctx) {
			if (ctx.channel().isWritable()) {
				ctx.channel().config().setAutoRead(true);
			}
			ctx.fireChannelWritabilityChanged();
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			ctx.close();
		}

	}

}
