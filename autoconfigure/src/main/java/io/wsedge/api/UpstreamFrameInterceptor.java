package io.wsedge.api;

/**
 * Sees and steers every message and control frame that the upstream sends toward the client, the
 * equivalent of Kong's {@code ws_upstream_frame} phase. It mirrors {@link ClientFrameInterceptor}: same
 * ordering, threading, fragment and error rules, with the directions swapped.
 */
@FunctionalInterface
public interface UpstreamFrameInterceptor {

	/**
	 * Inspects, rewrites, drops or closes on one message from the upstream.
	 * @param frame the message and the verbs that act on it; valid only until this method returns, or
	 * until the stage given to {@link FrameContext#defer} completes
	 * @throws Exception to fail the session with the {@code interceptor-error} close policy
	 */
	void intercept(FrameContext frame) throws Exception;

	/**
	 * Whether this interceptor sees fragmented messages whole or fragment by fragment; see
	 * {@link ClientFrameInterceptor#messageMode()}.
	 * @return {@link MessageMode#WHOLE} unless overridden
	 */
	default MessageMode messageMode() {
		return MessageMode.WHOLE;
	}

}
