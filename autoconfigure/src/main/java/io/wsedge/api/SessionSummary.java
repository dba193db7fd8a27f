package io.wsedge.api;

import java.time.Duration;

/**
 * The account of a finished session given to {@link SessionEndListener}s.
 * <p>
 * A close status is the one exchanged on that leg: the code the peer sent if it closed first, otherwise the
 * code the edge sent it. 1005 stands for a close frame without a code and 1006 for a connection that ended
 * without any close frame (RFC 6455 §7.1.5, §7.4.1).
 *
 * @param session the session
 * @param clientCloseStatus the close status on the client leg
 * @param clientCloseReason the close reason on the client leg, empty if none
 * @param upstreamCloseStatus the close status on the upstream leg
 * @param upstreamCloseReason the close reason on the upstream leg, empty if none
 * @param closedBy which party closed first
 * @param duration how long the session was open
 * @param clientMessages messages received from the client (data messages, not control frames)
 * @param clientBytes payload bytes of the messages received from the client
 * @param upstreamMessages messages received from the upstream (data messages, not control frames)
 * @param upstreamBytes payload bytes of the messages received from the upstream
 */
public record SessionSummary(EdgeSession session, int clientCloseStatus, String clientCloseReason,
		int upstreamCloseStatus, String upstreamCloseReason, CloseInitiator closedBy, Duration duration,
		long clientMessages, long clientBytes, long upstreamMessages, long upstreamBytes) {
}
