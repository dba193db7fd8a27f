package io.wsedge.api;

/**
 * How an interceptor wants a fragmented data message (RFC 6455 §5.4): whole, or fragment by fragment. An
 * interceptor declares it with {@link ClientFrameInterceptor#messageMode()} /
 * {@link UpstreamFrameInterceptor#messageMode()}; the edge reads it once, when it resolves a route's chain.
 * <p>
 * A message that arrives in one frame is the same in both modes, and so are control frames. The mode decides
 * what the edge holds: where every interceptor of a route and direction takes {@link #FRAGMENTS}, a fragmented
 * message streams through and costs the edge one frame of memory, however long it is; where any takes
 * {@link #WHOLE}, its fragments are assembled first, as Netty's {@code WebSocketFrameAggregator} would.
 */
public enum MessageMode {

	/**
	 * Fragments are assembled into one message before the interceptor runs, so that it sees it whole (up to the
	 * payload limit). The default.
	 */
	WHOLE,

	/**
	 * Each fragment runs the chain as it arrives, as its own {@link FrameContext} with the message's type;
	 * {@link FrameContext#isFinal()} and {@link FrameContext#fragmentIndex()} tell where it stands in its
	 * message. The verbs act on the fragment, with the rules given on {@link FrameContext}.
	 */
	FRAGMENTS

}
