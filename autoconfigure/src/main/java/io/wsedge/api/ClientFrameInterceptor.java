package io.wsedge.api;

/**
 * Sees and steers every message and control frame that a client sends toward the upstream, the
 * equivalent of Kong's {@code ws_client_frame} phase.
 * <p>
 * Declare implementations as Spring beans; they run in {@link org.springframework.core.annotation.Order
 * &#64;Order} / {@link org.springframework.core.Ordered Ordered} sequence, lowest first, and a route can
 * include or exclude them by bean name ({@code wsedge.routes[].interceptors}).
 * <p>
 * <b>Threading.</b> {@link #intercept} runs on the network event loop that serves the session, one message
 * at a time per session and direction, in arrival order. It must not block: work that needs I/O hands a
 * {@link java.util.concurrent.CompletionStage} to {@link FrameContext#defer}. One instance serves every
 * session, so per-session state belongs in {@link EdgeSession#attributes()}.
 * <p>
 * <b>Fragments.</b> By default a fragmented message is assembled before the chain runs. An interceptor that
 * can work on fragments returns {@link MessageMode#FRAGMENTS} from {@link #messageMode()}; where all the
 * interceptors of a route's direction do, fragmented messages stream through the edge.
 * <p>
 * <b>Errors.</b> An exception closes only the session it was thrown for, with the {@code interceptor-error}
 * close policy (by default 1011 to the client and 1001 to the upstream); it is logged once and counted.
 */
@FunctionalInterface
public interface ClientFrameInterceptor {

	/**
	 * Inspects, rewrites, drops or closes on one message from the client.
	 * @param frame the message and the verbs that act on it; valid only until this method returns, or
	 * until the stage given to {@link FrameContext#defer} completes
	 * @throws Exception to fail the session with the {@code interceptor-error} close policy
	 */
	void intercept(FrameContext frame) throws Exception;

	/**
	 * Whether this interceptor sees fragmented messages whole or fragment by fragment. Read once, when a
	 * route's chain is resolved. A method rather than an annotation, so that it survives Spring's proxies and
	 * can depend on configuration; an enum rather than a boolean, so that the call site says what it means.
	 * @return {@link MessageMode#WHOLE} unless overridden
	 */
	default MessageMode messageMode() {
		return MessageMode.WHOLE;
	}

}
