package io.wsedge.cluster;

import java.time.Instant;

/**
 * A session as the cluster's registry has it.
 *
 * @param id the session id
 * @param route the route id
 * @param client the client's address, or {@code null}
 * @param principal the principal's name, or {@code null}
 * @param instance the instance that holds it
 * @param startedAt when it opened
 */
public record ClusterSession(String id, String route, String client, String principal, String instance,
		Instant startedAt) {
}
