package io.wsedge.observation;

import java.net.InetSocketAddress;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.RequestReplyReceiverContext;

import org.springframework.http.HttpHeaders;

/**
 * The context of a {@code wsedge.upgrade} observation: one upgrade request, from its arrival to the 101 or the
 * refusal. The carrier is the request's headers, so a tracer continues the trace the client sent
 * ({@code traceparent}); the observation is the server side of the upgrade.
 */
public class UpgradeObservationContext extends RequestReplyReceiverContext<HttpHeaders, Object> {

	private final String routeId;

	private final InetSocketAddress clientAddress;

	private String upstreamTarget;

	private int status;

	private String refusedBy;

	private boolean cancelled;

	/**
	 * Creates the context of an upgrade request.
	 * @param routeId the id of the route that matched
	 * @param headers the request's headers
	 * @param clientAddress the client's address, or {@code null}
	 */
	public UpgradeObservationContext(String routeId, HttpHeaders headers, InetSocketAddress clientAddress) {
		super((carrier, key) -> carrier.getFirst(key), Kind.SERVER);
		this.routeId = routeId;
		this.clientAddress = clientAddress;
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
	 * The client's address, after trusted proxies.
	 * @return the address, or {@code null}
	 */
	public InetSocketAddress getClientAddress() {
		return this.clientAddress;
	}

	/**
	 * The upstream the edge dials, as logs show it (no query), once the upgrade interceptors have run.
	 * @return the target, or {@code null} before the dial
	 */
	public String getUpstreamTarget() {
		return this.upstreamTarget;
	}

	void setUpstreamTarget(String upstreamTarget) {
		this.upstreamTarget = upstreamTarget;
	}

	/**
	 * The HTTP status of the answer: 101 when accepted.
	 * @return the status, or 0 if the upgrade was given up before an answer
	 */
	public int getStatus() {
		return this.status;
	}

	/**
	 * The step that refused the upgrade, as {@code io.wsedge.upgrade.Refusal.Step#tagValue()} names it
	 * ({@code origin}, {@code upstream}, ...).
	 * @return the step, or {@code null} if the upgrade was not refused
	 */
	public String getRefusedBy() {
		return this.refusedBy;
	}

	/**
	 * Whether the upgrade was given up before an answer: the client left, or the server stack gave up waiting.
	 * @return whether it was given up
	 */
	public boolean isCancelled() {
		return this.cancelled;
	}

	// An answer and a cancellation may race (the servlet stack's wait times out as the dial completes): one wins.
	synchronized boolean answered(int status, String refusedBy) {
		if (this.status != 0 || this.cancelled) {
			return false;
		}
		this.status = status;
		this.refusedBy = refusedBy;
		return true;
	}

	synchronized boolean cancel() {
		if (this.status != 0 || this.cancelled) {
			return false;
		}
		this.cancelled = true;
		return true;
	}

}
