package io.wsedge.cluster;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import reactor.core.publisher.Mono;

import io.wsedge.engine.LocalSessions.Selector;
import io.wsedge.policy.CloseStatus;

/**
 * The sessions of the whole cluster, for the {@code wsedgesessions} endpoint: listed from the registry, closed
 * by the instance that holds them.
 */
public interface ClusterSessions {

	/**
	 * This instance's name in the cluster.
	 * @return the instance id
	 */
	String instanceId();

	/**
	 * Every session of the cluster's live instances, as the registry has them.
	 * @return the sessions, in no particular order; an error when Redis is out of reach
	 */
	Mono<List<ClusterSession>> sessions();

	/**
	 * Closes sessions wherever they are.
	 * @param selector which sessions
	 * @param status the close status
	 * @return how many sessions are closing
	 */
	CompletableFuture<Integer> close(Selector selector, CloseStatus status);

}
