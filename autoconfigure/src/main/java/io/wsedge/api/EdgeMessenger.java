package io.wsedge.api;

import java.util.concurrent.CompletionStage;

/**
 * Sends messages to the clients of open sessions from the application (a backend's push), like AWS API
 * Gateway's connection management API. In cluster mode ({@code wsedge.cluster.enabled}) the sessions may be on
 * any instance of the cluster. Delivery is at most once: a session that is closing, or is half-way through an
 * upstream message's fragments, does not take the message.
 */
public interface EdgeMessenger {

	/**
	 * Sends a message to one session.
	 * @param sessionId the session's id
	 * @param message the message
	 * @return how many sessions took it (0 or 1)
	 */
	CompletionStage<Integer> sendToSession(String sessionId, OutboundMessage message);

	/**
	 * Sends a message to every open session of a principal.
	 * @param principal the principal's name
	 * @param message the message
	 * @return how many sessions took it
	 */
	CompletionStage<Integer> sendToPrincipal(String principal, OutboundMessage message);

	/**
	 * Sends a message to every open session of a route.
	 * @param routeId the route's id
	 * @param message the message
	 * @return how many sessions took it
	 */
	CompletionStage<Integer> sendToRoute(String routeId, OutboundMessage message);

}
