package io.wsedge.test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.wsedge.api.UpgradeInterceptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The test kit on upgrade interceptors: the edge's own upgrade context, and what the edge would do after it.
 */
class UpgradeRunnerTests {

	private static final UpgradeInterceptor API_KEY = (upgrade) -> {
		if (!"k1".equals(upgrade.requestHeaders().getFirst("X-Api-Key"))) {
			upgrade.reject(401, "key required");
			return;
		}
		upgrade.upstreamHeaders().remove("X-Api-Key");
		upgrade.upstreamHeaders().set("X-Client", "known");
		upgrade.attributes().put("client", "known");
	};

	@Test
	void rejectIsReportedWithItsStatusAndReason() {
		UpgradeRunner.Outcome outcome = UpgradeRunner.builder().interceptors(API_KEY).build().request("/ws").run();
		assertThat(outcome.rejected()).isTrue();
		assertThat(outcome.accepted()).isFalse();
		assertThat(outcome.status()).isEqualTo(401);
		assertThat(outcome.reason()).isEqualTo("key required");
	}

	@Test
	void acceptedUpgradeReportsUpstreamHeadersAndAttributes() {
		UpgradeRunner.Outcome outcome = UpgradeRunner.builder()
			.interceptors(API_KEY)
			.build()
			.request("/ws")
			.header("X-Api-Key", "k1")
			.header("Authorization", "Bearer t")
			.header("Host", "edge.test")
			.remoteAddress(new InetSocketAddress("192.0.2.7", 40000))
			.secure(true)
			.run();
		assertThat(outcome.accepted()).isTrue();
		assertThat(outcome.upstreamHeaders().getFirst("X-Api-Key")).isNull();
		assertThat(outcome.upstreamHeaders().getFirst("X-Client")).isEqualTo("known");
		// What the edge itself does to the upstream request, computed by the edge's own code.
		assertThat(outcome.upstreamHeaders().getFirst("Authorization")).isEqualTo("Bearer t");
		assertThat(outcome.upstreamHeaders().getFirst("X-Forwarded-For")).isEqualTo("192.0.2.7");
		assertThat(outcome.upstreamHeaders().getFirst("X-Forwarded-Proto")).isEqualTo("https");
		assertThat(outcome.attributes()).containsEntry("client", "known");
		assertThatIllegalStateException().isThrownBy(outcome::status).withMessageContaining("accepted");
	}

	@Test
	void upstreamUriIsTheRoutesWithTheClientsQueryOrTheOneAnInterceptorSet() {
		UpgradeRunner plain = UpgradeRunner.builder().upstream("ws://chat.internal/ws?v=2").build();
		assertThat(plain.request("/ws/chat?room=lobby").run().upstreamUri())
			.isEqualTo(URI.create("ws://chat.internal/ws?v=2&room=lobby"));
		UpgradeInterceptor shard = (upgrade) -> upgrade.setUpstreamUri(URI.create("ws://shard-2.internal/ws"));
		UpgradeRunner sharded = UpgradeRunner.builder().interceptors(shard).build();
		assertThat(sharded.request("/ws/chat").run().upstreamUri()).isEqualTo(URI.create("ws://shard-2.internal/ws"));
	}

	@Test
	void upstreamOutsideThePolicyIsRefusedWith403() {
		UpgradeInterceptor elsewhere = (upgrade) -> upgrade.setUpstreamUri(URI.create("ws://169.254.169.254/"));
		UpgradeRunner runner = UpgradeRunner.builder()
			.interceptors(elsewhere)
			.upstreamPolicy(List.of("*.internal"), List.of("169.254.0.0/16"))
			.build();
		assertThat(runner.request("/ws").run().status()).isEqualTo(403);
	}

	@Test
	void throwingInterceptorRefusesWith500AndLaterOnesDoNotRun() {
		UpgradeInterceptor broken = (upgrade) -> {
			throw new IllegalStateException("broken on purpose");
		};
		UpgradeInterceptor later = (upgrade) -> upgrade.attributes().put("later", true);
		UpgradeRunner.Outcome outcome = UpgradeRunner.builder().interceptors(broken, later).build().request("/").run();
		assertThat(outcome.status()).isEqualTo(500);
		assertThat(outcome.attributes()).doesNotContainKey("later");
	}

	@Test
	void deferredInterceptorIsWaitedForBeforeTheNextRuns() {
		UpgradeInterceptor lookup = (upgrade) -> upgrade.defer(CompletableFuture.runAsync(
				() -> upgrade.attributes().put("user", "alice"),
				CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS)));
		UpgradeInterceptor next = (upgrade) -> upgrade.upstreamHeaders()
			.set("X-User", String.valueOf(upgrade.attributes().get("user")));
		UpgradeRunner.Outcome outcome = UpgradeRunner.builder().interceptors(lookup, next).build().request("/").run();
		assertThat(outcome.upstreamHeaders().getFirst("X-User")).isEqualTo("alice");
	}

	@Test
	void failedDeferredStageRefusesWith500() {
		UpgradeInterceptor failing = (upgrade) -> upgrade
			.defer(CompletableFuture.failedFuture(new IllegalStateException("lookup failed on purpose")));
		assertThat(UpgradeRunner.builder().interceptors(failing).build().request("/").run().status()).isEqualTo(500);
	}

	@Test
	void deferredStageThatNeverCompletesFailsWithinTheTimeout() {
		UpgradeInterceptor stuck = (upgrade) -> upgrade.defer(new CompletableFuture<>());
		UpgradeRunner runner = UpgradeRunner.builder().interceptors(stuck).timeout(Duration.ofMillis(200)).build();
		assertThatIllegalStateException().isThrownBy(() -> runner.request("/").run())
			.withMessageContaining("deferred stage");
	}

	@Test
	void requestDetailsReachTheInterceptor() {
		UpgradeInterceptor echo = (upgrade) -> upgrade.attributes()
			.put("seen", upgrade.routeId() + " " + upgrade.uri() + " " + upgrade.subprotocols()
					+ " " + upgrade.principal().map((principal) -> principal.getName()).orElse("-"));
		UpgradeRunner.Outcome outcome = UpgradeRunner.builder()
			.routeId("chat")
			.interceptors(echo)
			.build()
			.request("/ws/chat?room=1")
			.subprotocols("chat.v2", "chat.v1")
			.principal(() -> "alice")
			.run();
		assertThat(outcome.attributes().get("seen")).isEqualTo("chat ws://edge.test/ws/chat?room=1 [chat.v2, chat.v1] alice");
	}

}
