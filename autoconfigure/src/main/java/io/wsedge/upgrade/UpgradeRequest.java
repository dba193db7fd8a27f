package io.wsedge.upgrade;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.http.HttpHeaders;

import io.wsedge.api.UpgradeContext;
import io.wsedge.api.UpgradeInterceptor;
import io.wsedge.engine.EdgeRoute;

/**
 * An upgrade request between its arrival and the upstream dial: the {@link UpgradeContext} the route's
 * {@link UpgradeInterceptor}s see, and the runner of that chain.
 */
public final class UpgradeRequest implements UpgradeContext {

	private static final Log logger = LogFactory.getLog(UpgradeRequest.class);

	private final EdgeRoute route;

	private final URI uri;

	private final InetSocketAddress remoteAddress;

	private final HttpHeaders requestHeaders;

	private final Principal principal;

	private String clientSubprotocol;

	private final List<String> subprotocols;

	private final String subprotocolOffer;

	private final HttpHeaders upstreamHeaders;

	private URI upstreamUri;

	private boolean upstreamUriSet;

	private Map<String, Object> attributes;

	private volatile Refusal refusal;

	private CompletionStage<?> deferred;

	/**
	 * Creates an upgrade request.
	 * @param route the route that matched
	 * @param uri the client's request URI
	 * @param remoteAddress the client's address (behind trusted proxies, the forwarded one)
	 * @param peer the connection's peer
	 * @param trustedPeer whether the peer is a trusted proxy, whose forwarding headers are believed
	 * @param requestHeaders the client's request headers
	 * @param principal the authenticated principal, or {@code null}
	 * @param secure whether the request came over TLS
	 */
	public UpgradeRequest(EdgeRoute route, URI uri, InetSocketAddress remoteAddress, InetSocketAddress peer,
			boolean trustedPeer, HttpHeaders requestHeaders, Principal principal, boolean secure) {
		this.route = route;
		this.uri = uri;
		this.remoteAddress = remoteAddress;
		this.requestHeaders = HttpHeaders.readOnlyHttpHeaders(requestHeaders);
		this.principal = principal;
		this.subprotocols = Handshakes.subprotocols(requestHeaders);
		List<String> offer = requestHeaders.get("Sec-WebSocket-Protocol");
		this.subprotocolOffer = (offer == null || offer.isEmpty()) ? null : String.join(", ", offer);
		// X-Forwarded-For gets the connection's peer appended: a trusted proxy in front is a hop too.
		this.upstreamHeaders = Handshakes.upstreamHeaders(requestHeaders, peer, trustedPeer, secure);
		this.upstreamUri = Handshakes.upstreamUri(route.upstream(), uri.getRawQuery());
	}

	/**
	 * Runs the route's upgrade interceptors in order.
	 * @return completes when the chain has run; {@link #refusal()} then tells whether the upgrade goes on
	 */
	public CompletionStage<Void> runInterceptors() {
		return run(0);
	}

	private CompletionStage<Void> run(int start) {
		List<UpgradeInterceptor> chain = this.route.upgradeChain();
		for (int i = start; i < chain.size() && this.refusal == null; i++) {
			UpgradeInterceptor interceptor = chain.get(i);
			try {
				interceptor.intercept(this);
			}
			catch (Throwable ex) {
				return fail(interceptor, ex);
			}
			CompletionStage<?> pending = this.deferred;
			this.deferred = null;
			if (pending != null) {
				int next = i + 1;
				return pending.handle((result, failure) -> failure)
					.thenCompose((failure) -> (failure != null) ? fail(interceptor, failure) : run(next));
			}
		}
		return CompletableFuture.completedFuture(null);
	}

	private CompletionStage<Void> fail(UpgradeInterceptor interceptor, Throwable failure) {
		logger.error("Upgrade interceptor " + interceptor.getClass().getName() + " failed on " + this.route
				+ "; refusing the upgrade", failure);
		this.refusal = new Refusal(500, "Internal Server Error").by(Refusal.Step.INTERCEPTOR,
				interceptor.getClass().getName() + " failed: " + failure);
		return CompletableFuture.completedFuture(null);
	}

	/**
	 * Why the upgrade was refused, if it was.
	 * @return the refusal, or {@code null}
	 */
	public Refusal refusal() {
		return this.refusal;
	}

	/**
	 * Sets the subprotocol the client is answered with whatever the upstream selects (the route's subprotocol
	 * marker).
	 * @param subprotocol the subprotocol, or {@code null} to answer with the upstream's choice
	 */
	public void clientSubprotocol(String subprotocol) {
		this.clientSubprotocol = subprotocol;
	}

	/**
	 * The subprotocol the client is answered with whatever the upstream selects.
	 * @return the subprotocol, or {@code null} when the upstream's choice is answered
	 */
	public String clientSubprotocol() {
		return this.clientSubprotocol;
	}

	/**
	 * The subprotocol offer for the upstream, as the client sent it.
	 * @return the offer, comma separated, or {@code null} for none
	 */
	public String subprotocolOffer() {
		return this.subprotocolOffer;
	}

	/**
	 * The attributes set so far, for the session.
	 * @return the attributes, or {@code null} if none were set
	 */
	public Map<String, Object> attributesIfAny() {
		return this.attributes;
	}

	public EdgeRoute route() {
		return this.route;
	}

	// UpgradeContext

	@Override
	public String routeId() {
		return this.route.id();
	}

	@Override
	public URI uri() {
		return this.uri;
	}

	@Override
	public InetSocketAddress remoteAddress() {
		return this.remoteAddress;
	}

	@Override
	public HttpHeaders requestHeaders() {
		return this.requestHeaders;
	}

	@Override
	public Optional<Principal> principal() {
		return Optional.ofNullable(this.principal);
	}

	@Override
	public List<String> subprotocols() {
		return this.subprotocols;
	}

	@Override
	public HttpHeaders upstreamHeaders() {
		return this.upstreamHeaders;
	}

	@Override
	public URI upstreamUri() {
		return this.upstreamUri;
	}

	@Override
	public void setUpstreamUri(URI uri) {
		Objects.requireNonNull(uri, "uri");
		String scheme = uri.getScheme();
		if (!uri.isAbsolute() || uri.getHost() == null || !("ws".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme))) {
			throw new IllegalArgumentException("Upstream must be an absolute ws:// or wss:// URI: " + uri);
		}
		this.upstreamUri = uri;
		this.upstreamUriSet = true;
	}

	/**
	 * Whether an interceptor chose the upstream URI; on a route with several targets, that URI is dialled
	 * rather than a target of the pool.
	 * @return whether {@link #setUpstreamUri} was called
	 */
	public boolean upstreamUriSet() {
		return this.upstreamUriSet;
	}

	@Override
	public Map<String, Object> attributes() {
		if (this.attributes == null) {
			this.attributes = new HashMap<>();
		}
		return this.attributes;
	}

	@Override
	public void reject(int status, String reason) {
		if (status < 400 || status > 599) {
			throw new IllegalArgumentException("Reject with a 4xx or 5xx status, not " + status);
		}
		this.refusal = new Refusal(status, (reason != null) ? reason : "").by(Refusal.Step.INTERCEPTOR, null);
	}

	@Override
	public void defer(CompletionStage<?> pending) {
		Objects.requireNonNull(pending, "pending");
		if (this.deferred != null) {
			throw new IllegalStateException("defer() may be called once per interceptor invocation");
		}
		this.deferred = pending;
	}

}
