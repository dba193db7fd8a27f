package io.wsedge.auth;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.api.FrameType;
import io.wsedge.testsupport.EdgeApp;
import io.wsedge.testsupport.EdgeApp.Stack;
import io.wsedge.testsupport.JwtTestSecurity;
import io.wsedge.testsupport.TestClient;
import io.wsedge.testsupport.TestClient.Close;
import io.wsedge.testsupport.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions that end when their token does, on each server stack: the token-expired policy at the JWT's
 * {@code exp}, and a client that renews its token in a message through an interceptor.
 */
@ParameterizedClass
@EnumSource(Stack.class)
class TokenExpiryIntegrationTests {

	@Parameter
	private Stack stack;

	private static TestUpstream upstream;

	private static EdgeApp edge;

	@BeforeParameterizedClassInvocation
	static void start(Stack stack) {
		upstream = TestUpstream.start();
		Map<String, String> p = new LinkedHashMap<>();
		p.put("wsedge.limits.ping-interval", "0s");
		p.put("wsedge.routes[0].id", "expiring");
		p.put("wsedge.routes[0].path", "/ws/expiring");
		p.put("wsedge.routes[0].upstream", upstream.uri("/echo").toString());
		p.put("wsedge.routes[0].auth.required", "true");
		p.put("wsedge.routes[0].auth.query-parameter", "access_token");
		edge = EdgeApp.startSecured(stack, p, JwtTestSecurity.class, Renewal.class);
	}

	@AfterParameterizedClassInvocation
	static void stop() {
		edge.close();
		upstream.close();
	}

	private static Instant inSeconds(long seconds) {
		// A JWT's exp has whole seconds.
		return Instant.now().plusSeconds(seconds).truncatedTo(ChronoUnit.SECONDS);
	}

	@Test
	void sessionIsClosedAtTheTokensExpiry() {
		String marker = "expiry-" + this.stack;
		Instant exp = inSeconds(3);
		String token = JwtTestSecurity.token(JwtTestSecurity.KEY, "ivy", null, exp);
		TestClient client = TestClient.connect(edge.ws("/ws/expiring?t=" + marker + "&access_token=" + token));
		client.send("hi");
		assertThat(client.nextText()).isEqualTo("hi");
		Close close = client.awaitClose(Duration.ofSeconds(10));
		Instant closedAt = Instant.now();
		assertThat(close).isEqualTo(new Close(1008, "token expired"));
		assertThat(Duration.between(exp, closedAt).abs()).isLessThan(Duration.ofSeconds(1));
		WebSocketCloseStatus peer = upstream.session("t=" + marker).awaitClose();
		assertThat(peer.code()).isEqualTo(1001);
		assertThat(peer.reasonText()).isEqualTo("client token expired");
	}

	@Test
	void clientThatRenewsItsTokenInTimeStays() throws Exception {
		String marker = "renewed-" + this.stack;
		String token = JwtTestSecurity.token(JwtTestSecurity.KEY, "jack", null, inSeconds(2));
		TestClient client = TestClient.connect(edge.ws("/ws/expiring?t=" + marker + "&access_token=" + token));
		client.send("renew " + JwtTestSecurity.token("jack", null));
		client.send("hi");
		assertThat(client.nextText()).isEqualTo("hi");
		Thread.sleep(3500);
		assertThat(client.closed).isNotDone();
		client.send("still here");
		assertThat(client.nextText()).isEqualTo("still here");
		client.close(1000, "");
		assertThat(client.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1000);
	}

	@Test
	void renewalWithAnotherSubjectsTokenIsIgnored() {
		String marker = "stolen-" + this.stack;
		Instant exp = inSeconds(2);
		TestClient client = TestClient.connect(edge.ws("/ws/expiring?t=" + marker + "&access_token="
				+ JwtTestSecurity.token(JwtTestSecurity.KEY, "kim", null, exp)));
		client.send("renew " + JwtTestSecurity.token("someone-else", null));
		assertThat(client.awaitClose(Duration.ofSeconds(10))).isEqualTo(new Close(1008, "token expired"));
	}

	/**
	 * The renewal pattern: a message {@code renew <token>} is verified with the edge's token authenticator, off
	 * the chain through a deferred stage, and moves the session's expiry when its subject is the session's.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Renewal {

		@Bean
		ClientFrameInterceptor renewal(TokenAuthenticator authenticator) {
			return (frame) -> {
				if (frame.type() != FrameType.TEXT || !frame.text().startsWith("renew ")) {
					return;
				}
				String token = frame.text().substring("renew ".length());
				frame.drop();
				frame.defer(authenticator.authenticate(token).toFuture().handle((principal, failure) -> {
					String subject = frame.session().principal().map(java.security.Principal::getName).orElse(null);
					if (failure == null && principal.getName().equals(subject)) {
						frame.session().renewCredential(authenticator.expiresAt(principal));
					}
					return null;
				}));
			};
		}

	}

}
