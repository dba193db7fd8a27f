package io.wsedge.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;

import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.Leg;
import io.wsedge.engine.RouteMetrics;
import io.wsedge.engine.Side;

/**
 * permessage-deflate pass-through for one session: where both legs negotiated the extension with parameters
 * that let one peer's compressed messages be inflated by the other peer, and the route needs no plain payload
 * in that direction ({@link EdgeRoute#passesCompressed}), compressed frames are relayed as they came, RSV1
 * included, instead of being inflated and deflated again. Decided per direction when the client's offer is
 * answered: the upstream's parameters are known by then, as the edge dials the upstream first, and the answer
 * to the client is shaped to fit them where the client's offer allows it.
 * <p>
 * A compressed stream stays readable when the receiver's window is at least the sender's and the receiver
 * keeps its context whenever the sender does (RFC 7692 §7.1.1, §7.1.2); for each direction the sender's
 * compressor is the peer's, and the receiver's decompressor is the other peer's, told the parameters of its
 * own leg. In a direction that passes through, the edge compresses nothing (a message it compressed would be
 * missing from the sender's context) and validates no compressed text (its UTF-8 is the receiver's to check).
 * The frames the edge sends itself (close, ping, pong) are control frames, never compressed (§6.1).
 * <p>
 * Confined to the session's event loop: it is only set up when both connections share it.
 */
final class PassThrough {

	private static final int MAX_WINDOW_BITS = 15;

	private final NettyLeg upstream;

	private final MessageInflater upstreamInflater;

	private final boolean fromClientAllowed;

	private final boolean fromUpstreamAllowed;

	private final RouteMetrics metrics;

	private boolean committed;

	private boolean fromClient;

	private boolean fromUpstream;

	private PassThrough(NettyLeg upstream, MessageInflater upstreamInflater, boolean fromClientAllowed,
			boolean fromUpstreamAllowed, RouteMetrics metrics) {
		this.upstream = upstream;
		this.upstreamInflater = upstreamInflater;
		this.fromClientAllowed = fromClientAllowed;
		this.fromUpstreamAllowed = fromUpstreamAllowed;
		this.metrics = metrics;
	}

	/**
	 * The pass-through of a session whose client offer is about to be answered, if any can happen: the route
	 * allows it in a direction, the upstream leg negotiated permessage-deflate and nothing of it was decided
	 * yet, and both connections are on this event loop.
	 * @param route the route
	 * @param upstream the session's upstream leg
	 * @param client the client's connection
	 * @return the pass-through to shape the answer with, or {@code null}
	 */
	static PassThrough of(EdgeRoute route, Leg upstream, Channel client) {
		boolean fromClient = route.passesCompressed(Side.CLIENT);
		boolean fromUpstream = route.passesCompressed(Side.UPSTREAM);
		if (!(fromClient || fromUpstream) || !(upstream instanceof NettyLeg leg)
				|| leg.channel().eventLoop() != client.eventLoop() || !client.eventLoop().inEventLoop()) {
			return null;
		}
		MessageInflater inflater = leg.channel().pipeline().get(MessageInflater.class);
		if (inflater == null || !inflater.pending() || leg.channel().pipeline().get(MessageDeflater.class) == null) {
			return null;
		}
		return new PassThrough(leg, inflater, fromClient, fromUpstream, route.metrics());
	}

	/**
	 * The parameters in force on the upstream leg.
	 * @return the parameters
	 */
	Parameters upstreamLeg() {
		return this.upstreamInflater.negotiated();
	}

	/**
	 * Whether the route lets one side's compressed messages pass through.
	 * @param from the sending side
	 * @return whether it does
	 */
	boolean allows(Side from) {
		return (from == Side.CLIENT) ? this.fromClientAllowed : this.fromUpstreamAllowed;
	}

	/**
	 * Whether the upstream's compressed messages can reach the client as they are, given the client's offer:
	 * the client's decompressor resets its context per message only if the edge answers
	 * {@code server_no_context_takeover}, which it must when the client asked for it; and it may keep a window
	 * no larger than the {@code server_max_window_bits} the client offered (RFC 7692 §7.1.1.1, §7.1.2.1).
	 * @param upstream the upstream leg's parameters
	 * @param noContextAsked whether the client's offer has {@code server_no_context_takeover}
	 * @param windowBitsOffered the client's {@code server_max_window_bits}, or -1 when it offered none
	 * @return whether they fit
	 */
	static boolean upstreamFitsClient(Parameters upstream, boolean noContextAsked, int windowBitsOffered) {
		return (!noContextAsked || upstream.serverNoContext())
				&& (windowBitsOffered < 0 || upstream.serverBits() <= windowBitsOffered);
	}

	/**
	 * Whether the client's compressed messages can reach the upstream as they are, given the client's offer:
	 * the edge can always ask the client for {@code client_no_context_takeover} (§7.1.1.2), but it can only
	 * limit the client's window when the client offered {@code client_max_window_bits} (§7.1.2.2); otherwise
	 * the client may use the full window, which the upstream's decompressor must then accept.
	 * @param upstream the upstream leg's parameters
	 * @param windowBitsOffered the client's {@code client_max_window_bits} (15 when offered without a value),
	 * or -1 when it offered none
	 * @return whether they fit
	 */
	static boolean clientFitsUpstream(Parameters upstream, int windowBitsOffered) {
		return upstream.clientBits() == MAX_WINDOW_BITS || windowBitsOffered > 0;
	}

	/**
	 * Puts the decisions in force once the client's 101 response is out, on the upstream leg: its deflater
	 * stops compressing for what passes from the client, and its pending inflater lets the upstream's frames
	 * through still compressed, or inflates them. Only the first call acts. The upstream's frames pass only if
	 * its inflater was still pending (a connection that closed meanwhile had them inflated).
	 * @param fromClient whether the client's compressed messages pass through
	 * @param fromUpstream whether the upstream's compressed messages pass through
	 */
	void commit(boolean fromClient, boolean fromUpstream) {
		if (this.committed) {
			return;
		}
		this.committed = true;
		ChannelPipeline pipeline = this.upstream.channel().pipeline();
		MessageDeflater deflater = pipeline.get(MessageDeflater.class);
		this.fromClient = fromClient && deflater != null;
		if (this.fromClient) {
			deflater.passThrough();
			this.metrics.compressionPassThrough(Side.CLIENT);
		}
		this.fromUpstream = fromUpstream && this.upstreamInflater.pending()
				&& pipeline.get(UpstreamConnector.UTF8_VALIDATOR_NAME) != null;
		if (this.fromUpstream) {
			// The UTF-8 check leaves messages that still have RSV1 to the client (see TextValidator).
			this.upstream.passCompressed();
			this.metrics.compressionPassThrough(Side.UPSTREAM);
		}
		this.upstreamInflater.settle(this.fromUpstream);
	}

	/**
	 * Whether one side's compressed messages pass through; valid once {@link #commit committed}.
	 * @param from the sending side
	 * @return whether they do
	 */
	boolean passes(Side from) {
		return (from == Side.CLIENT) ? this.fromClient : this.fromUpstream;
	}

	/**
	 * Settles what the client's negotiation left undecided on an upstream connection whose session starts:
	 * nothing passes through (the servlet stack, a client without permessage-deflate, or a declined offer).
	 * Runs before anything the session starts on the connection's event loop.
	 * @param upstream the upstream connection
	 */
	static void settle(Channel upstream) {
		Runnable settle = () -> {
			MessageInflater inflater = upstream.pipeline().get(MessageInflater.class);
			if (inflater != null) {
				inflater.settle(false);
			}
		};
		if (upstream.eventLoop().inEventLoop()) {
			settle.run();
		}
		else {
			upstream.eventLoop().execute(settle);
		}
	}

	/**
	 * The permessage-deflate parameters in force on one leg (RFC 7692 §7.1), as each side's decompressor may
	 * rely on them.
	 *
	 * @param serverNoContext whether the leg's server resets its compression context per message
	 * @param clientNoContext whether the leg's client resets its compression context per message
	 * @param serverBits the largest window the leg's server compresses with, 8-15
	 * @param clientBits the largest window the leg's client compresses with, 8-15
	 */
	record Parameters(boolean serverNoContext, boolean clientNoContext, int serverBits, int clientBits) {
	}

}
