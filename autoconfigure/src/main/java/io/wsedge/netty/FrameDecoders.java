package io.wsedge.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;

/**
 * Puts the engine in charge of answering protocol violations. Netty's handshakers install frame decoders
 * that send their own close frame on a violation; the edge must answer with its close policies instead (the
 * configured code and reason for an oversized message, and a close toward the other side too), so the
 * decoder is swapped for one that only reports. Netty still enforces every framing rule of RFC 6455 §5.
 */
final class FrameDecoders {

	private FrameDecoders() {
	}

	/**
	 * Replaces the WebSocket frame decoder of a pipeline that has just completed its handshake. Bytes the old
	 * decoder had buffered flow into the new one.
	 * @param pipeline the pipeline
	 * @param server whether this side is the server (it then expects masked frames, RFC 6455 §5.1)
	 * @param maxFramePayload the largest frame accepted
	 */
	static void reportViolations(ChannelPipeline pipeline, boolean server, int maxFramePayload) {
		ChannelHandlerContext current = pipeline.context(WebSocketFrameDecoder.class);
		if (current == null) {
			return;
		}
		WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder()
			.expectMaskedFrames(server)
			.allowMaskMismatch(false)
			.allowExtensions(true)
			.maxFramePayloadLength(maxFramePayload)
			.closeOnProtocolViolation(false)
			.build();
		pipeline.replace(current.name(), current.name(), new WebSocket13FrameDecoder(config));
	}

}
