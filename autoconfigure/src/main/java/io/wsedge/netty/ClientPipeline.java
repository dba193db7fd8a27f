package io.wsedge.netty;

import java.util.List;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import reactor.netty.NettyPipeline;

import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.Leg;
import io.wsedge.engine.Side;
import io.wsedge.policy.Compression;
import io.wsedge.policy.Limits;

/**
 * Sets up the client's connection on the Reactor Netty server, the counterpart of what
 * {@link UpstreamConnector} installs on an upstream connection: permessage-deflate negotiated in the 101
 * response, then the frame decoder that reports violations, the UTF-8 check, the compression meters and the
 * {@link NettyLeg}, in front of Reactor Netty's bridge so that frames reach the leg directly.
 */
public final class ClientPipeline {

	private ClientPipeline() {
	}

	/**
	 * Answers the client's permessage-deflate offer when the route compresses toward the client, shaped so
	 * that compressed messages pass through where the upstream leg's parameters and the route allow it (see
	 * {@link PassThrough}). Call before the 101 response is written, on the client's event loop.
	 * @param pipeline the client connection's pipeline, still speaking HTTP
	 * @param route the route
	 * @param offers the client's {@code Sec-WebSocket-Extensions} values, or {@code null}
	 * @param upstream the session's upstream leg, its handshake complete
	 */
	public static void negotiate(ChannelPipeline pipeline, EdgeRoute route, List<String> offers, Leg upstream) {
		Compression compression = route.compression(Side.CLIENT);
		if (compression.enabled() && Deflate.offered(offers)) {
			Deflate.acceptOffer(pipeline, offers, compression,
					(int) Math.min(Integer.MAX_VALUE, route.limits().maxPayloadSize()),
					PassThrough.of(route, upstream, pipeline.channel()));
		}
	}

	/**
	 * Installs the client leg in a connection that has just been upgraded. Frames stay unread until the leg
	 * is bound to its session.
	 * @param channel the client's connection
	 * @param route the route
	 * @return the leg
	 */
	public static NettyLeg install(Channel channel, EdgeRoute route) {
		Limits limits = route.limits();
		NettyLeg leg = new NettyLeg(Side.CLIENT, channel, limits.closeTimeout().toNanos());
		ChannelPipeline pipeline = channel.pipeline();
		// The edge is the server here: client frames must be masked (RFC 6455 §5.1).
		FrameDecoders.reportViolations(pipeline, true, limits.maxFrameSize());
		FrameEncoder.install(pipeline, true);
		MessageInflater inflater = pipeline.get(MessageInflater.class);
		if (inflater != null && inflater.passing()) {
			leg.passCompressed();
		}
		// Compressed messages that pass through keep RSV1 here, and the check leaves them to the upstream.
		pipeline.addBefore(NettyPipeline.ReactiveBridge, UpstreamConnector.UTF8_VALIDATOR_NAME, new TextValidator())
			.addBefore(NettyPipeline.ReactiveBridge, NettyLeg.HANDLER_NAME, leg);
		Deflate.meter(pipeline, route.metrics(), Side.CLIENT);
		return leg;
	}

}
