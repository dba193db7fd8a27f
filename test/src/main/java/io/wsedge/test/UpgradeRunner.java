package io.wsedge.test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.http.HttpHeaders;

import io.wsedge.api.UpgradeContext;
import io.wsedge.api.UpgradeInterceptor;
import io.wsedge.engine.InMemorySession;
import io.wsedge.policy.UpstreamPolicy;
import io.wsedge.upgrade.Refusal;
import io.wsedge.upgrade.UpgradeRequest;

/**
 * Runs {@link UpgradeInterceptor}s on upgrade requests without a server, against the edge's own
 * {@link UpgradeContext}, and tells what the edge would do next: refuse the upgrade with an HTTP status, or
 * dial which upstream with which headers and session attributes.
 * <pre class="code">
 * UpgradeRunner runner = UpgradeRunner.builder().interceptors(new ApiKeyCheck("k1")).build();
 * assertThat(runner.request("/ws/private").run().status()).isEqualTo(401);
 * UpgradeRunner.Outcome ok = runner.request("/ws/private").header("X-Api-Key", "k1").run();
 * assertThat(ok.accepted()).isTrue();
 * assertThat(ok.upstreamHeaders().getFirst("X-Api-Key")).isNull();
 * </pre>
 * A runner is a route; each {@link #request} is one upgrade request on it. Interceptors run in the order
 * given, on the test's thread; a deferred stage is waited for (up to the builder's timeout) and the next
 * interceptor runs on the thread that completed it, as on the edge. After the chain, the upstream to dial is
 * checked against the {@linkplain Builder#upstreamPolicy upstream policy}, as the edge does. The handshake
 * itself (method, {@code Upgrade} and {@code Sec-WebSocket-*} headers) is not checked: the edge refuses a bad
 * one before any interceptor runs. Instances are immutable and thread-safe.
 */
public final class UpgradeRunner {

	private static final URI EDGE = URI.create("ws://edge.test/");

	private final List<UpgradeInterceptor> interceptors;

	private final String routeId;

	private final URI upstream;

	private final UpstreamPolicy upstreamPolicy;

	private final Duration timeout;

	private UpgradeRunner(Builder builder) {
		this.interceptors = List.copyOf(builder.interceptors);
		this.routeId = builder.routeId;
		this.upstream = builder.upstream;
		this.upstreamPolicy = builder.upstreamPolicy;
		this.timeout = builder.timeout;
	}

	/**
	 * Starts configuring a runner.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Starts an upgrade request.
	 * @param uri the URI the client asks for: absolute ({@code ws://host/path?query}) or a path with an
	 * optional query, taken relative to {@code ws://edge.test/}
	 * @return the request, to complete and {@linkplain Request#run() run}
	 */
	public Request request(String uri) {
		return new Request(EDGE.resolve(uri));
	}

	private Outcome run(Request request) {
		HttpHeaders headers = new HttpHeaders();
		headers.addAll(request.headers);
		UpgradeRequest upgrade = new UpgradeRequest(
				InMemorySession.upgradeRoute(this.routeId, this.upstream, this.interceptors), request.uri,
				request.remoteAddress, (request.peer != null) ? request.peer : request.remoteAddress, headers,
				request.principal, request.secure);
		try {
			upgrade.runInterceptors().toCompletableFuture().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("The upgrade interceptors did not finish within " + this.timeout
					+ "; does a deferred stage never complete?", ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		Refusal refusal = upgrade.refusal();
		if (refusal == null && !this.upstreamPolicy.allows(upgrade.upstreamUri())) {
			refusal = new Refusal(403, "Forbidden: upstream not allowed");
		}
		Map<String, Object> attributes = upgrade.attributesIfAny();
		return new Outcome(refusal, upgrade.upstreamUri(), HttpHeaders.readOnlyHttpHeaders(copy(upgrade.upstreamHeaders())),
				(attributes != null) ? Map.copyOf(attributes) : Map.of());
	}

	private static HttpHeaders copy(HttpHeaders headers) {
		HttpHeaders copy = new HttpHeaders();
		copy.addAll(headers);
		return copy;
	}

	/**
	 * One upgrade request, built up and then {@linkplain #run() run}.
	 */
	public final class Request {

		private final URI uri;

		private final HttpHeaders headers = new HttpHeaders();

		private InetSocketAddress remoteAddress = InetSocketAddress.createUnresolved("client.test", 50000);

		private InetSocketAddress peer;

		private Principal principal;

		private boolean secure;

		private Request(URI uri) {
			this.uri = uri;
		}

		/**
		 * Adds a request header.
		 * @param name the header name
		 * @param value the header value
		 * @return this request
		 */
		public Request header(String name, String value) {
			this.headers.add(name, value);
			return this;
		}

		/**
		 * Offers subprotocols ({@code Sec-WebSocket-Protocol}), in the client's order of preference.
		 * @param subprotocols the subprotocols
		 * @return this request
		 */
		public Request subprotocols(String... subprotocols) {
			this.headers.set("Sec-WebSocket-Protocol", String.join(", ", subprotocols));
			return this;
		}

		/**
		 * Sets the client's address ({@link UpgradeContext#remoteAddress()}), which is also the connection's
		 * peer unless {@link #peer} says otherwise.
		 * @param remoteAddress the client's address
		 * @return this request
		 */
		public Request remoteAddress(InetSocketAddress remoteAddress) {
			this.remoteAddress = Objects.requireNonNull(remoteAddress, "remoteAddress");
			return this;
		}

		/**
		 * Sets the connection's peer when it is a trusted proxy in front of the client; the edge appends it to
		 * the upstream's {@code X-Forwarded-For}.
		 * @param peer the proxy's address
		 * @return this request
		 */
		public Request peer(InetSocketAddress peer) {
			this.peer = peer;
			return this;
		}

		/**
		 * Sets the authenticated principal ({@link UpgradeContext#principal()}).
		 * @param principal the principal
		 * @return this request
		 */
		public Request principal(Principal principal) {
			this.principal = principal;
			return this;
		}

		/**
		 * Sets whether the request came over TLS ({@code X-Forwarded-Proto: https}).
		 * @param secure whether the request is secure
		 * @return this request
		 */
		public Request secure(boolean secure) {
			this.secure = secure;
			return this;
		}

		/**
		 * Runs the interceptors on this request.
		 * @return what the edge would do
		 * @throws IllegalStateException if a deferred stage does not complete within the runner's timeout
		 */
		public Outcome run() {
			return UpgradeRunner.this.run(this);
		}

	}

	/**
	 * What the edge would do with an upgrade request after its interceptors: refuse it with an HTTP status
	 * ({@link UpgradeContext#reject}, an interceptor that threw or whose deferred stage failed, or an upstream
	 * outside the policy), or dial {@link #upstreamUri()} with {@link #upstreamHeaders()}.
	 */
	public static final class Outcome {

		private final Refusal refusal;

		private final URI upstreamUri;

		private final HttpHeaders upstreamHeaders;

		private final Map<String, Object> attributes;

		Outcome(Refusal refusal, URI upstreamUri, HttpHeaders upstreamHeaders, Map<String, Object> attributes) {
			this.refusal = refusal;
			this.upstreamUri = upstreamUri;
			this.upstreamHeaders = upstreamHeaders;
			this.attributes = attributes;
		}

		/**
		 * Whether the edge goes on to dial the upstream.
		 * @return whether the upgrade was accepted
		 */
		public boolean accepted() {
			return this.refusal == null;
		}

		/**
		 * Whether the edge refuses the upgrade with an HTTP status.
		 * @return whether the upgrade was rejected
		 */
		public boolean rejected() {
			return this.refusal != null;
		}

		/**
		 * The HTTP status the client gets instead of an upgrade: the one given to
		 * {@link UpgradeContext#reject}, 500 when an interceptor threw or its deferred stage failed, 403 when
		 * the upstream is outside the policy.
		 * @return the status
		 * @throws IllegalStateException if the upgrade was accepted
		 */
		public int status() {
			return requireRejected().status();
		}

		/**
		 * The response body the client gets with {@link #status()}: the reason given to
		 * {@link UpgradeContext#reject}, empty if none.
		 * @return the reason
		 * @throws IllegalStateException if the upgrade was accepted
		 */
		public String reason() {
			return requireRejected().message();
		}

		/**
		 * The upstream the edge dials: the route's with the client's query, or the one an interceptor set
		 * with {@link UpgradeContext#setUpstreamUri}.
		 * @return the upstream URI
		 */
		public URI upstreamUri() {
			return this.upstreamUri;
		}

		/**
		 * The headers of the upstream handshake as the interceptors left them (before the edge adds the
		 * WebSocket handshake headers).
		 * @return read-only headers
		 */
		public HttpHeaders upstreamHeaders() {
			return this.upstreamHeaders;
		}

		/**
		 * The session attributes the interceptors seeded; give them to
		 * {@link ChainRunner.Builder#attributes(Map)} to test the frame interceptors of the same session.
		 * @return a read-only copy, empty if none were set
		 */
		public Map<String, Object> attributes() {
			return this.attributes;
		}

		private Refusal requireRejected() {
			if (this.refusal == null) {
				throw new IllegalStateException("The upgrade was accepted: " + this);
			}
			return this.refusal;
		}

		@Override
		public String toString() {
			return (this.refusal != null) ? "rejected with " + this.refusal.status() + " '" + this.refusal.message() + "'"
					: "accepted, dialling " + this.upstreamUri;
		}

	}

	/**
	 * Configures a runner: the interceptors under test and the route they run on.
	 */
	public static final class Builder {

		private final List<UpgradeInterceptor> interceptors = new ArrayList<>();

		private String routeId = "test";

		private URI upstream = URI.create("ws://upstream.test/");

		private UpstreamPolicy upstreamPolicy = UpstreamPolicy.ALLOW_ALL;

		private Duration timeout = Duration.ofSeconds(5);

		private Builder() {
		}

		/**
		 * Adds upgrade interceptors, run in the order they were added, as beans run in their {@code @Order}.
		 * @param interceptors the interceptors
		 * @return this builder
		 */
		public Builder interceptors(UpgradeInterceptor... interceptors) {
			this.interceptors.addAll(List.of(interceptors));
			return this;
		}

		/**
		 * Sets the route's id ({@link UpgradeContext#routeId()}), {@code test} by default.
		 * @param routeId the route id
		 * @return this builder
		 */
		public Builder routeId(String routeId) {
			this.routeId = Objects.requireNonNull(routeId, "routeId");
			return this;
		}

		/**
		 * Sets the route's upstream ({@code wsedge.routes[].upstream}), {@code ws://upstream.test/} by default.
		 * @param upstream a {@code ws://} or {@code wss://} URI
		 * @return this builder
		 */
		public Builder upstream(String upstream) {
			this.upstream = URI.create(upstream);
			return this;
		}

		/**
		 * Sets the upstreams that may be dialled ({@code wsedge.upstream-policy}); any by default.
		 * @param allow the allow rules, empty for any
		 * @param deny the deny rules
		 * @return this builder
		 * @throws IllegalArgumentException naming a rule that cannot be parsed
		 */
		public Builder upstreamPolicy(List<String> allow, List<String> deny) {
			this.upstreamPolicy = UpstreamPolicy.of(allow, deny);
			return this;
		}

		/**
		 * Sets how long a request waits for deferred interceptors, 5 seconds by default.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			this.timeout = Objects.requireNonNull(timeout, "timeout");
			return this;
		}

		/**
		 * Creates the runner.
		 * @return the runner
		 */
		public UpgradeRunner build() {
			return new UpgradeRunner(this);
		}

	}

}
