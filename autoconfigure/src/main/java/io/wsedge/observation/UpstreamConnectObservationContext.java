package io.wsedge.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.RequestReplySenderContext;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * The context of a {@code wsedge.upstream.connect} observation: one attempt to dial an upstream and complete its
 * WebSocket handshake. The carrier is the handshake request's headers, so a tracer propagates the trace to the
 * upstream ({@code traceparent} with W3C propagation), replacing any the client sent.
 */
public class UpstreamConnectObservationContext extends RequestReplySenderContext<HttpHeaders, Object> {

	private final String routeId;

	private final String upstreamTarget;

	private String outcome;

	private int status;

	/**
	 * Creates the context of a dial.
	 * @param routeId the id of the route
	 * @param upstreamTarget the upstream dialled, as logs show it (no query)
	 * @param headers the handshake request's headers
	 */
	public UpstreamConnectObservationContext(String routeId, String upstreamTarget, HttpHeaders headers) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.set(key, value);
			}
		}, Kind.CLIENT);
		this.routeId = routeId;
		this.upstreamTarget = upstreamTarget;
		setCarrier(headers);
	}

	/**
	 * The id of the route.
	 * @return the route id
	 */
	public String getRouteId() {
		return this.routeId;
	}

	/**
	 * The upstream dialled (scheme, host, port and path).
	 * @return the target
	 */
	public String getUpstreamTarget() {
		return this.upstreamTarget;
	}

	/**
	 * How the dial ended: {@code success}, {@code refused}, {@code unreachable}, {@code timeout} (as the
	 * {@code wsedge.upstream.connect} timer's {@code outcome}) or {@code cancelled}.
	 * @return the outcome, or {@code null} while dialling
	 */
	public String getOutcome() {
		return this.outcome;
	}

	/**
	 * The status the client is answered with because of this dial: 101 on success, the upstream's refusal, 502
	 * or 504.
	 * @return the status, or 0 while dialling or when cancelled
	 */
	public int getStatus() {
		return this.status;
	}

	synchronized boolean ended(String outcome, int status) {
		if (this.outcome != null) {
			return false;
		}
		this.outcome = outcome;
		this.status = status;
		return true;
	}

}
