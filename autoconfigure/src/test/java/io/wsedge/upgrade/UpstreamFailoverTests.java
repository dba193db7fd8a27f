package io.wsedge.upgrade;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;

import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.Leg;
import io.wsedge.engine.LegListener;
import io.wsedge.engine.UpstreamDialer.Upstream;
import io.wsedge.engine.pool.LoadBalancing;
import io.wsedge.engine.pool.LoadBalancing.HashOn;
import io.wsedge.engine.pool.LoadBalancing.Strategy;
import io.wsedge.engine.pool.PoolMetrics;
import io.wsedge.engine.pool.PoolTarget;
import io.wsedge.engine.pool.UpstreamPool;
import io.wsedge.netty.UpstreamException;
import io.wsedge.policy.Limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The key a hash route reads from each source of an upgrade request, and the tries of a handshake over a pool
 * with a dial the test plays.
 */
class UpstreamFailoverTests {

	private final UpgradeRequest request;

	UpstreamFailoverTests() {
		EdgeRoute route = mock(EdgeRoute.class);
		given(route.upstream()).willReturn(URI.create("ws://10.0.0.1:8080/ws"));
		given(route.upgradeChain()).willReturn(List.of());
		HttpHeaders headers = new HttpHeaders();
		headers.add("X-User", "alice");
		headers.add(HttpHeaders.COOKIE, "theme=dark; SESSION=\"abc 1\"");
		headers.add(HttpHeaders.COOKIE, "other=1");
		Principal principal = () -> "bob";
		this.request = new UpgradeRequest(route, URI.create("/ws?room=lobby%201&x"),
				new InetSocketAddress("192.0.2.7", 50000), new InetSocketAddress("192.0.2.7", 50000), false, headers,
				principal, false);
	}

	@Test
	void eachSourceGivesItsKey() {
		assertThat(key(HashOn.HEADER, "X-User")).isEqualTo("alice");
		assertThat(key(HashOn.HEADER, "x-user")).as("header names ignore case").isEqualTo("alice");
		assertThat(key(HashOn.COOKIE, "SESSION")).isEqualTo("abc 1");
		assertThat(key(HashOn.COOKIE, "other")).isEqualTo("1");
		assertThat(key(HashOn.QUERY_PARAMETER, "room")).isEqualTo("lobby 1");
		assertThat(key(HashOn.QUERY_PARAMETER, "x")).isEmpty();
		assertThat(key(HashOn.PRINCIPAL, null)).isEqualTo("bob");
		assertThat(key(HashOn.CLIENT_ADDRESS, null)).isEqualTo("192.0.2.7");
	}

	@Test
	void aMissingKeyIsNull() {
		assertThat(key(HashOn.HEADER, "X-Tenant")).isNull();
		assertThat(key(HashOn.COOKIE, "missing")).isNull();
		assertThat(key(HashOn.QUERY_PARAMETER, "missing")).isNull();
	}

	@Test
	void onlyAHashRouteHasAKey() {
		LoadBalancing roundRobin = new LoadBalancing(Strategy.ROUND_ROBIN, HashOn.HEADER, "X-User", 2, 3,
				Duration.ofSeconds(10), Duration.ofMinutes(5), 50);
		assertThat(UpstreamFailover.hashKey(roundRobin, this.request)).isNull();
	}

	private String key(HashOn hashOn, String name) {
		LoadBalancing balancing = new LoadBalancing(Strategy.HASH, hashOn, name, 2, 3, Duration.ofSeconds(10),
				Duration.ofMinutes(5), 50);
		return UpstreamFailover.hashKey(balancing, this.request);
	}

	@Test
	void aTargetDrainedWhileItsDialIsUnderWayGivesWayToTheNext() {
		PoolTarget first = PoolTarget.of(URI.create("ws://10.0.0.1:8080/ws"), 1, 0);
		PoolTarget second = PoolTarget.of(URI.create("ws://10.0.0.2:8080/ws"), 1, 0);
		UpstreamPool pool = new UpstreamPool("chat", List.of(first, second), LoadBalancing.DEFAULTS, PoolMetrics.NONE);
		List<FakeUpstream> dialled = new ArrayList<>();
		Upstream upstream = failover(pool, (uri) -> {
			FakeUpstream fake = new FakeUpstream(uri);
			dialled.add(fake);
			if (uri.getHost().equals("10.0.0.1")) {
				pool.drain(first, null);
			}
			return Mono.just(fake);
		}).block(Duration.ofSeconds(5));
		assertThat(dialled).hasSize(2);
		assertThat(dialled.get(0).aborted).isTrue();
		assertThat(dialled.get(1).aborted).isFalse();
		assertThat(upstream.leg()).isNull();
		assertThat(first.sessions()).isZero();
		assertThat(second.sessions()).isOne();
		assertThat(first.failures()).isZero();
	}

	@Test
	void a5xxFailsOverAndA4xxEndsTheHandshake() {
		PoolTarget first = PoolTarget.of(URI.create("ws://10.0.0.1:8080/ws"), 1, 0);
		PoolTarget second = PoolTarget.of(URI.create("ws://10.0.0.2:8080/ws"), 1, 0);
		UpstreamPool pool = new UpstreamPool("chat", List.of(first, second), LoadBalancing.DEFAULTS, PoolMetrics.NONE);
		List<URI> dialled = new ArrayList<>();
		failover(pool, (uri) -> {
			dialled.add(uri);
			return uri.getHost().equals("10.0.0.1")
					? Mono.error(new UpstreamException(503, "busy", HttpHeaders.EMPTY, null))
					: Mono.just(new FakeUpstream(uri));
		}).block(Duration.ofSeconds(5));
		// The client's query goes to every try.
		assertThat(dialled).extracting(URI::toString)
			.containsExactly("ws://10.0.0.1:8080/ws?room=lobby%201&x", "ws://10.0.0.2:8080/ws?room=lobby%201&x");
		assertThat(first.failures()).isOne();
		assertThat(first.sessions()).isZero();
		dialled.clear();
		// Round robin comes to the second target, which refuses with 401: the client's business, not retried.
		assertThatExceptionOfType(UpstreamException.class).isThrownBy(() -> failover(pool, (uri) -> {
			dialled.add(uri);
			return Mono.error(new UpstreamException(401, "who", HttpHeaders.EMPTY, null));
		}).block(Duration.ofSeconds(5))).satisfies((ex) -> assertThat(ex.status()).isEqualTo(401));
		assertThat(dialled).hasSize(1);
	}

	private Mono<Upstream> failover(UpstreamPool pool, Function<URI, Mono<Upstream>> dial) {
		EdgeRoute route = mock(EdgeRoute.class);
		given(route.pool()).willReturn(pool);
		given(route.limits()).willReturn(Limits.DEFAULTS);
		return new UpstreamFailover(route, this.request, dial).dial();
	}

	private static final class FakeUpstream implements Upstream {

		private final URI uri;

		private boolean aborted;

		FakeUpstream(URI uri) {
			this.uri = uri;
		}

		@Override
		public Leg leg() {
			return null;
		}

		@Override
		public String subprotocol() {
			return this.uri.toString();
		}

		@Override
		public void bind(LegListener session, EventExecutor executor) {
		}

		@Override
		public void abort() {
			this.aborted = true;
		}

	}

}
