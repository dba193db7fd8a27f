package io.wsedge.engine;

import java.net.InetAddress;

import reactor.core.publisher.Mono;

/**
 * What the engine tells a cluster of edges, when one is configured ({@code wsedge.cluster.enabled}): upgrades
 * take a place under the cluster-wide caps after the node's own, and sessions are registered where every
 * instance sees them. Called from any thread.
 */
public interface EdgeCluster {

	/**
	 * Takes a place under the cluster-wide caps for an upgrade the node has admitted. Never waits longer than
	 * the cluster's timeout.
	 * @param route the route
	 * @param client the client's address, or {@code null}
	 * @param principal the principal's name, or {@code null}
	 * @return empty when the place is taken (give it back with {@link #release}), or the refusal
	 */
	Mono<AdmissionResult.Denied> admit(EdgeRoute route, InetAddress client, String principal);

	/**
	 * Gives back a place taken by {@link #admit}, once; never waits.
	 * @param route the route
	 * @param client the client's address, or {@code null}
	 * @param principal the principal's name, or {@code null}
	 */
	void release(EdgeRoute route, InetAddress client, String principal);

	/**
	 * A session opened on this node; never waits.
	 * @param session the session
	 */
	void opened(ProxySession session);

	/**
	 * A session of this node ended; never waits.
	 * @param session the session
	 */
	void ended(ProxySession session);

}
