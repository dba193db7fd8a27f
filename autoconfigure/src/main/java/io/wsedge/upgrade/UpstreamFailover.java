package io.wsedge.upgrade;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;

import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.UpstreamDialer.Upstream;
import io.wsedge.engine.pool.LoadBalancing;
import io.wsedge.engine.pool.PoolTarget;
import io.wsedge.engine.pool.UpstreamPool;
import io.wsedge.netty.UpstreamException;

/**
 * Dials a route's pool before the client's upgrade: a target the pool chooses, and when that dial fails
 * (unreachable, reset, TLS, a 5xx answer, no answer in time) the next one, up to {@code retries} more, all within
 * the route's connect timeout. A 4xx answer is the client's business and ends the handshake. Each try is one
 * dial of the route's {@link io.wsedge.engine.UpstreamDialer}; the loop lives here, above it.
 * <p>
 * A try gets an equal share of what is left of the budget among the tries left, so that a target that accepts
 * TCP but never answers costs a share, not the whole budget.
 */
final class UpstreamFailover {

	private static final Log logger = LogFactory.getLog(UpstreamFailover.class);

	private final EdgeRoute route;

	private final UpstreamPool pool;

	private final String key;

	private final String clientQuery;

	private final Function<URI, Mono<Upstream>> dial;

	private final long deadline;

	private final List<PoolTarget> tried = new ArrayList<>(3);

	/**
	 * Prepares the tries of one handshake.
	 * @param route the route
	 * @param request the upgrade request, for the hash key and the client's query
	 * @param dial one try: dials a URI on the client's loop
	 */
	UpstreamFailover(EdgeRoute route, UpgradeRequest request, Function<URI, Mono<Upstream>> dial) {
		this.route = route;
		this.pool = route.pool();
		this.key = hashKey(this.pool.balancing(), request);
		this.clientQuery = request.uri().getRawQuery();
		this.dial = dial;
		this.deadline = System.nanoTime() + route.limits().connectTimeout().toNanos();
	}

	/**
	 * Dials until a target connects, or the tries or the budget run out.
	 * @return the connected upstream, counted on its target, or the last try's {@link UpstreamException}
	 */
	Mono<Upstream> dial() {
		return attempt(this.pool.balancing().retries() + 1, null);
	}

	private Mono<Upstream> attempt(int triesLeft, UpstreamException last) {
		return Mono.defer(() -> {
			long remaining = this.deadline - System.nanoTime();
			if (remaining <= 0 && last != null) {
				return Mono.error(last);
			}
			PoolTarget target = this.pool.choose(this.key, this.tried);
			if (target == null) {
				return Mono.error((last != null) ? last : new UpstreamException(503, "No upstream target of "
						+ this.route + " takes sessions now", HttpHeaders.EMPTY, null));
			}
			this.tried.add(target);
			int shares = Math.max(1, Math.min(triesLeft, untried() + 1));
			Duration share = Duration.ofNanos(Math.max(1, remaining / shares));
			URI uri = Handshakes.upstreamUri(target.uri(), this.clientQuery);
			return this.dial.apply(uri)
				.timeout(share)
				// Here, a cancel comes only from the client's side, while this try is under way.
				.doOnCancel(() -> this.pool.refused(target))
				.map(Try::connected)
				.onErrorResume((error) -> Mono.just(Try.failed(error)))
				// Outside the try's own operators, so that a later try's error is not taken for this one's.
				.flatMap((outcome) -> next(target, outcome, triesLeft, last));
		});
	}

	private Mono<Upstream> next(PoolTarget target, Try outcome, int triesLeft, UpstreamException last) {
		if (outcome.upstream() != null) {
			if (target.draining()) {
				// Drained while the dial was under way: the session goes elsewhere, as the drain asked.
				outcome.upstream().abort();
				this.pool.refused(target);
				return attempt(triesLeft, last);
			}
			return Mono.just(this.pool.connected(target, outcome.upstream(), last != null));
		}
		UpstreamException failure = translate(target, outcome.error());
		if (failure.status() < 500) {
			this.pool.refused(target);
			return Mono.error(failure);
		}
		boolean retrying = triesLeft > 1 && this.deadline - System.nanoTime() > 0 && untried() > 0;
		this.pool.failed(target, retrying);
		if (!retrying) {
			return Mono.error(failure);
		}
		// Per handshake, so at DEBUG like every failed dial; the pool logs an ejection once, at WARN.
		if (logger.isDebugEnabled()) {
			logger.debug("Upgrade on " + this.route + " fails over: " + failure.getMessage());
		}
		return attempt(triesLeft - 1, failure);
	}

	/** How one try ended: connected, or failed. */
	private record Try(Upstream upstream, Throwable error) {

		static Try connected(Upstream upstream) {
			return new Try(upstream, null);
		}

		static Try failed(Throwable error) {
			return new Try(null, error);
		}

	}

	/** Targets not tried yet that could be chosen, ejected ones included (they are the last resort). */
	private int untried() {
		int count = 0;
		for (PoolTarget target : this.pool.targets()) {
			if (!this.tried.contains(target) && !target.draining()) {
				count++;
			}
		}
		return count;
	}

	private static UpstreamException translate(PoolTarget target, Throwable error) {
		if (error instanceof UpstreamException upstream) {
			return upstream;
		}
		if (error instanceof TimeoutException) {
			return new UpstreamException(504, "Upstream " + target + " did not answer in time", HttpHeaders.EMPTY,
					error);
		}
		return new UpstreamException(502, "Upstream " + target + " failed: " + error, HttpHeaders.EMPTY, error);
	}

	/**
	 * The request's hash key for a hash route, or {@code null} when the route does not hash or the request lacks
	 * the key (the pool then goes round robin).
	 */
	static String hashKey(LoadBalancing balancing, UpgradeRequest request) {
		if (balancing.strategy() != LoadBalancing.Strategy.HASH) {
			return null;
		}
		String name = balancing.hashKey();
		return switch (balancing.hashOn()) {
			case HEADER -> request.requestHeaders().getFirst(name);
			case QUERY_PARAMETER -> queryParameter(request.uri().getRawQuery(), name);
			case COOKIE -> cookie(request.requestHeaders(), name);
			case PRINCIPAL -> request.principal().map((principal) -> principal.getName()).orElse(null);
			case CLIENT_ADDRESS -> (request.remoteAddress() != null && request.remoteAddress().getAddress() != null)
					? request.remoteAddress().getAddress().getHostAddress() : null;
		};
	}

	private static String queryParameter(String query, String name) {
		if (query == null) {
			return null;
		}
		for (String parameter : query.split("&")) {
			int equals = parameter.indexOf('=');
			String parameterName = decode((equals >= 0) ? parameter.substring(0, equals) : parameter);
			if (parameterName.equals(name)) {
				return (equals >= 0) ? decode(parameter.substring(equals + 1)) : "";
			}
		}
		return null;
	}

	private static String decode(String text) {
		try {
			return URLDecoder.decode(text, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return text;
		}
	}

	private static String cookie(HttpHeaders headers, String name) {
		for (String header : headers.getValuesAsList(HttpHeaders.COOKIE)) {
			for (String pair : header.split(";")) {
				int equals = pair.indexOf('=');
				if (equals > 0 && pair.substring(0, equals).trim().equals(name)) {
					String value = pair.substring(equals + 1).trim();
					// RFC 6265 §4.1.1 allows the value in double quotes.
					return (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\""))
							? value.substring(1, value.length() - 1) : value;
				}
			}
		}
		return null;
	}

}
