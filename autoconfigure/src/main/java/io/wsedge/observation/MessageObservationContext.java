package io.wsedge.observation;

import io.micrometer.observation.Observation;

import io.wsedge.api.FrameType;
import io.wsedge.engine.Side;

/**
 * The context of a {@code wsedge.message} observation: one message (or frame, for a route whose interceptors
 * see fragments) from its arrival at the relay through the interceptor chain to its forwarding, drop or the
 * session's close. Only with {@code wsedge.observations.messages=true}.
 */
public class MessageObservationContext extends Observation.Context {

	private final String routeId;

	private final String sessionId;

	private final Side from;

	private final FrameType type;

	private final long size;

	private String outcome;

	/**
	 * Creates the context of a message.
	 * @param routeId the id of the route
	 * @param sessionId the session's id
	 * @param from the side the message came from
	 * @param type its type
	 * @param size its payload size in bytes
	 */
	public MessageObservationContext(String routeId, String sessionId, Side from, FrameType type, long size) {
		this.routeId = routeId;
		this.sessionId = sessionId;
		this.from = from;
		this.type = type;
		this.size = size;
	}

	/**
	 * The id of the route.
	 * @return the route id
	 */
	public String getRouteId() {
		return this.routeId;
	}

	/**
	 * The session's id.
	 * @return the id
	 */
	public String getSessionId() {
		return this.sessionId;
	}

	/**
	 * The side the message came from.
	 * @return the side
	 */
	public Side getFrom() {
		return this.from;
	}

	/**
	 * The message's type.
	 * @return the type
	 */
	public FrameType getType() {
		return this.type;
	}

	/**
	 * The message's payload size.
	 * @return the size in bytes
	 */
	public long getSize() {
		return this.size;
	}

	/**
	 * What became of the message: {@code forwarded}, {@code dropped}, {@code closed}, {@code failed} or
	 * {@code abandoned}.
	 * @return the outcome, or {@code null} while it is in the chain
	 */
	public String getOutcome() {
		return this.outcome;
	}

	void setOutcome(String outcome) {
		this.outcome = outcome;
	}

}
