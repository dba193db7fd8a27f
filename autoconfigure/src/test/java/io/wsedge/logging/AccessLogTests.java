package io.wsedge.logging;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import io.wsedge.api.CloseInitiator;
import io.wsedge.api.EdgeSession;
import io.wsedge.api.SessionSummary;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access log's line: keys in a fixed order, {@code -} for what is missing, values quoted when they would
 * break the key=value format, and no line break a principal could use to forge a line.
 */
class AccessLogTests {

	@Test
	void sessionWithoutPrincipalOrSubprotocolHasDashes() {
		assertThat(AccessLog.format(summary(null, null)))
			.isEqualTo("route=chat session=806c8aa9caa0ca7b client=10.0.0.7:51234 principal=- subprotocol=- "
					+ "duration-ms=3606 closed-by=edge client-code=1008 upstream-code=1001 client-messages=2 "
					+ "client-bytes=105 upstream-messages=3 upstream-bytes=40");
	}

	@Test
	void valuesThatWouldBreakTheFormatAreQuotedAndEscaped() {
		String line = AccessLog.format(summary("Ann \"the admin\"\nroute=forged", "chat.v2"));
		assertThat(line).contains(" principal=\"Ann \\\"the admin\\\" route=forged\" subprotocol=chat.v2 ")
			.doesNotContain("\n");
	}

	private static SessionSummary summary(String principal, String subprotocol) {
		EdgeSession session = new EdgeSession() {

			@Override
			public String id() {
				return "806c8aa9caa0ca7b";
			}

			@Override
			public String routeId() {
				return "chat";
			}

			@Override
			public InetSocketAddress remoteAddress() {
				return new InetSocketAddress("10.0.0.7", 51234);
			}

			@Override
			public URI uri() {
				return URI.create("ws://edge/ws/chat");
			}

			@Override
			public HttpHeaders handshakeHeaders() {
				return HttpHeaders.EMPTY;
			}

			@Override
			public Optional<Principal> principal() {
				return Optional.ofNullable(principal).map((name) -> () -> name);
			}

			@Override
			public Optional<String> subprotocol() {
				return Optional.ofNullable(subprotocol);
			}

			@Override
			public Map<String, Object> attributes() {
				return Map.of();
			}

		};
		return new SessionSummary(session, 1008, "rate limit exceeded", 1001, "client rate limit exceeded",
				CloseInitiator.EDGE, Duration.ofMillis(3606), 2, 105, 3, 40);
	}

}
