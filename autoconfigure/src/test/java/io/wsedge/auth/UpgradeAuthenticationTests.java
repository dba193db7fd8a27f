package io.wsedge.auth;

import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;

import io.wsedge.auth.UpgradeAuthentication.Authenticated;
import io.wsedge.auth.UpgradeAuthentication.QueryToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Where {@link UpgradeAuthentication} finds tokens and how it cleans the request of them, without a server: the
 * end-to-end cases are in AuthIntegrationTests.
 */
class UpgradeAuthenticationTests {

	/** Accepts the token "good" as "alice", refuses every other. */
	private static final TokenAuthenticator AUTHENTICATOR = new TokenAuthenticator() {

		@Override
		public Mono<Principal> authenticate(String token) {
			return token.equals("good") ? Mono.just(() -> "alice") : Mono.error(new IllegalArgumentException("bad"));
		}

		@Override
		public boolean hasAuthority(Principal principal, String authority) {
			return authority.equals("SCOPE_chat");
		}

		@Override
		public Instant expiresAt(Principal principal) {
			return null;
		}

	};

	private static RouteAuth auth(String parameter, String marker) {
		return new RouteAuth(true, List.of(), parameter, marker, AUTHENTICATOR);
	}

	@Test
	void queryParameterIsRemovedWithEverythingElseKeptInOrder() {
		QueryToken token = QueryToken.of(URI.create("ws://edge/ws/chat?room=a%20b&access_token=x%2By&lang=en#top"),
				"access_token");
		assertThat(token.token()).isEqualTo("x+y");
		assertThat(token.uriWithout()).hasToString("ws://edge/ws/chat?room=a%20b&lang=en#top");
		assertThat(QueryToken.of(URI.create("ws://edge/ws?access_token=x"), "access_token").uriWithout())
			.hasToString("ws://edge/ws");
		assertThat(QueryToken.of(URI.create("ws://edge/ws?other=1"), "access_token").token()).isNull();
		assertThat(QueryToken.of(URI.create("ws://edge/ws?access_token=a&access_token=b"), "access_token").count())
			.isEqualTo(2);
	}

	@Test
	void subprotocolTokenIsAuthenticatedAndRemovedAndTheMarkerAnswered() {
		HttpHeaders headers = new HttpHeaders();
		headers.set("Sec-WebSocket-Protocol", "chat.v2, bearer, good");
		Authenticated result = UpgradeAuthentication
			.authenticate(auth(null, "bearer"), URI.create("ws://edge/ws"), headers, null)
			.block();
		assertThat(result.principal().getName()).isEqualTo("alice");
		assertThat(result.subprotocol()).isEqualTo("bearer");
		assertThat(result.headers().get("Sec-WebSocket-Protocol")).containsExactly("chat.v2");
		assertThat(headers.getFirst("Sec-WebSocket-Protocol")).isEqualTo("chat.v2, bearer, good");
	}

	@Test
	void twoTokensAnEmptyOneOrABadOneAre401() {
		HttpHeaders both = new HttpHeaders();
		both.setBearerAuth("good");
		assertRefused(auth("access_token", null), "ws://edge/ws?access_token=good", both, 401);
		assertRefused(auth("access_token", null), "ws://edge/ws?access_token=", new HttpHeaders(), 401);
		assertRefused(auth("access_token", null), "ws://edge/ws?access_token=bad", new HttpHeaders(), 401);
		assertRefused(auth("access_token", null), "ws://edge/ws", new HttpHeaders(), 401);
		HttpHeaders emptyAfterMarker = new HttpHeaders();
		emptyAfterMarker.set("Sec-WebSocket-Protocol", "bearer, ");
		assertRefused(auth(null, "bearer"), "ws://edge/ws", emptyAfterMarker, 401);
	}

	@Test
	void missingAuthorityIs403() {
		RouteAuth scoped = new RouteAuth(false, List.of("SCOPE_admin"), "access_token", null, AUTHENTICATOR);
		assertRefused(scoped, "ws://edge/ws?access_token=good", new HttpHeaders(), 403);
		RouteAuth chat = new RouteAuth(false, List.of("SCOPE_admin", "SCOPE_chat"), "access_token", null,
				AUTHENTICATOR);
		assertThat(UpgradeAuthentication.authenticate(chat, URI.create("ws://edge/ws?access_token=good"),
				new HttpHeaders(), null).block().principal().getName()).isEqualTo("alice");
	}

	@Test
	void routeWithoutAuthKeepsTheRequestAsItIs() {
		HttpHeaders headers = new HttpHeaders();
		headers.setBearerAuth("whatever");
		URI uri = URI.create("ws://edge/ws?access_token=x");
		Principal principal = () -> "bob";
		Authenticated result = UpgradeAuthentication.authenticate(RouteAuth.NONE, uri, headers, principal).block();
		assertThat(result.uri()).isSameAs(uri);
		assertThat(result.headers()).isSameAs(headers);
		assertThat(result.principal()).isSameAs(principal);
	}

	private static void assertRefused(RouteAuth auth, String uri, HttpHeaders headers, int status) {
		assertThatExceptionOfType(AuthRefusedException.class)
			.isThrownBy(() -> UpgradeAuthentication.authenticate(auth, URI.create(uri), headers, null).block())
			.satisfies((refused) -> assertThat(refused.status()).isEqualTo(status));
	}

}
