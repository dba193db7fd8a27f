package io.wsedge.engine.pool;

import java.net.URI;

/**
 * A target of a pool named by a service id ({@code lb://service-id/path?query}), which stands for every instance
 * that service discovery finds for it. Each instance becomes a {@link PoolTarget} with the path and query kept.
 *
 * @param serviceId the service id
 * @param template the configured {@code lb://} URI, whose path and query every instance's URI keeps
 * @param scheme {@code ws} or {@code wss} for every instance, or {@code null} to take it from the instance
 * @param weight the weight of each instance
 * @param maxConnections the cap of each instance, 0 for none
 * @param property the configuration property that named it, for reports
 */
public record ServiceTarget(String serviceId, URI template, String scheme, int weight, int maxConnections,
		String property) {

	/**
	 * The URI of one instance: the instance's host and port with the template's path and query.
	 * @param secure whether the instance speaks TLS, when the scheme is not set
	 * @param host the instance's host
	 * @param port the instance's port
	 * @return the URI to dial
	 */
	public URI instanceUri(boolean secure, String host, int port) {
		String chosen = (this.scheme != null) ? this.scheme : secure ? "wss" : "ws";
		String path = (this.template.getRawPath() != null) ? this.template.getRawPath() : "";
		String query = (this.template.getRawQuery() != null) ? "?" + this.template.getRawQuery() : "";
		String address = (host.indexOf(':') >= 0 && !host.startsWith("[")) ? "[" + host + "]" : host;
		return URI.create(chosen + "://" + address + ":" + port + path + query);
	}

}
