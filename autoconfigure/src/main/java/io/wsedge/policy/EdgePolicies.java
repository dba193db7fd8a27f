package io.wsedge.policy;

/**
 * The edge-wide policies of the upgrade: which upstreams may be dialled, and how the client's address is told.
 *
 * @param upstreams the upstream allow and deny rules
 * @param clients the resolver of client addresses behind trusted proxies
 */
public record EdgePolicies(UpstreamPolicy upstreams, ClientAddressResolver clients) {

	/** No restrictions, no trusted proxies. */
	public static final EdgePolicies NONE = new EdgePolicies(UpstreamPolicy.ALLOW_ALL, ClientAddressResolver.DIRECT);

}
