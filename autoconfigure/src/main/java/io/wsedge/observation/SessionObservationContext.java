package io.wsedge.observation;

import io.micrometer.observation.Observation;

import io.wsedge.api.SessionSummary;

/**
 * The context of a {@code wsedge.session} observation: a session's life, from the client's 101 to the end of
 * both legs.
 */
public class SessionObservationContext extends Observation.Context {

	private final String routeId;

	private final String sessionId;

	private SessionSummary summary;

	/**
	 * Creates the context of a session.
	 * @param routeId the id of the route
	 * @param sessionId the session's id
	 */
	public SessionObservationContext(String routeId, String sessionId) {
		this.routeId = routeId;
		this.sessionId = sessionId;
	}

	/**
	 * The id of the route.
	 * @return the route id
	 */
	public String getRouteId() {
		return this.routeId;
	}

	/**
	 * The session's id, as the sessions endpoint lists it.
	 * @return the id
	 */
	public String getSessionId() {
		return this.sessionId;
	}

	/**
	 * How the session ended: close codes, who closed, message counts.
	 * @return the summary, or {@code null} while the session is open
	 */
	public SessionSummary getSummary() {
		return this.summary;
	}

	void setSummary(SessionSummary summary) {
		this.summary = summary;
	}

}
