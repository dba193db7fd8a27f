package io.wsedge.upgrade;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.pool.LoadBalancing;
import io.wsedge.engine.pool.LoadBalancing.HashOn;
import io.wsedge.engine.pool.LoadBalancing.Strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The key a hash route reads from each source of an upgrade request.
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

}
