package io.wsedge.api;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * Interceptor beans for {@link InterceptorIntegrationTests}. Text messages are commands; what the interceptors
 * saw goes to a queue per connection, keyed by the {@code t} query parameter of the client's URI.
 */
@Configuration(proxyBeanMethods = false)
class InterceptorTestConfiguration {

	static final Map<String, BlockingQueue<Object>> SEEN = new ConcurrentHashMap<>();

	static final BlockingQueue<SessionSummary> SUMMARIES = new LinkedBlockingQueue<>();

	static BlockingQueue<Object> seen(String marker) {
		return SEEN.computeIfAbsent(marker, (key) -> new LinkedBlockingQueue<>());
	}

	static String marker(EdgeSession session) {
		String query = session.uri().getQuery();
		if (query == null) {
			return "";
		}
		for (String part : query.split("&")) {
			if (part.startsWith("t=")) {
				return part.substring(2);
			}
		}
		return "";
	}

	/** What the first interceptor saw of a frame. */
	record Seen(FrameType type, byte[] payload, String text, int closeStatus, String closeReason) {
	}

	@Bean
	@Order(0)
	ClientFrameInterceptor recorder() {
		return (frame) -> {
			String text = (frame.type() == FrameType.TEXT) ? frame.text() : null;
			int status = (frame.type() == FrameType.CLOSE) ? frame.closeStatus() : -1;
			String reason = (frame.type() == FrameType.CLOSE) ? frame.closeReason() : null;
			seen(marker(frame.session())).add(new Seen(frame.type(), frame.payload(), text, status, reason));
		};
	}

	@Bean
	@Order(10)
	ClientFrameInterceptor actions() {
		Executor later = CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS);
		return (frame) -> {
			switch (frame.type()) {
				case TEXT -> onText(frame, later);
				case BINARY -> {
					if (frame.payload().length > 0 && frame.payload()[0] == 'P') {
						Map<String, String> results = new LinkedHashMap<>();
						results.put("text", attempt(frame::text));
						seen(marker(frame.session())).add(results);
					}
				}
				case PING -> {
					Map<String, String> results = new LinkedHashMap<>();
					results.put("setPayload(126 bytes)", attempt(() -> frame.setPayload(new byte[126])));
					results.put("closeStatus", attempt(frame::closeStatus));
					frame.setPayload("edge-ping");
					seen(marker(frame.session())).add(results);
				}
				case CLOSE -> {
					Map<String, String> results = new LinkedHashMap<>();
					results.put("drop", attempt(frame::drop));
					results.put("setPayload(124 bytes)", attempt(() -> frame.setPayload(new byte[124])));
					results.put("setCloseStatus(1005)", attempt(() -> frame.setCloseStatus(1005)));
					results.put("setCloseStatus(999)", attempt(() -> frame.setCloseStatus(999)));
					results.put("text", attempt(frame::text));
					if (frame.closeStatus() == 4100) {
						frame.setCloseStatus(4101);
						frame.setPayload("changed by interceptor");
					}
					seen(marker(frame.session())).add(results);
				}
				default -> {
				}
			}
		};
	}

	private static void onText(FrameContext frame, Executor later) throws Exception {
		String text = frame.text();
		String marker = marker(frame.session());
		if (text.equals("drop")) {
			frame.drop();
		}
		else if (text.startsWith("rewrite:")) {
			frame.setPayload(text.substring("rewrite:".length()));
		}
		else if (text.startsWith("rewrite-bytes:")) {
			frame.setPayload(text.substring("rewrite-bytes:".length()).getBytes(StandardCharsets.UTF_8));
		}
		else if (text.equals("close-each")) {
			frame.close(4000, "to client", 4001, "to upstream");
		}
		else if (text.equals("close-both")) {
			frame.close(4002, "both");
		}
		else if (text.startsWith("max:")) {
			frame.setMaxPayloadSize(Long.parseLong(text.substring(4)));
		}
		else if (text.startsWith("defer:")) {
			CompletableFuture<Void> pending = new CompletableFuture<>();
			later.execute(() -> {
				frame.setPayload(text + ":resumed");
				pending.complete(null);
			});
			frame.defer(pending);
		}
		else if (text.equals("defer-fail")) {
			frame.defer(CompletableFuture.failedFuture(new IllegalStateException("lookup failed")));
		}
		else if (text.equals("fail")) {
			throw new IllegalStateException("interceptor failure on purpose");
		}
		else if (text.startsWith("attr:")) {
			frame.session().attributes().put("note", text.substring(5));
		}
		else if (text.equals("read-attr")) {
			frame.setPayload("note=" + frame.session().attributes().get("note") + ",user="
					+ frame.session().attributes().get("user"));
		}
		else if (text.equals("session")) {
			EdgeSession session = frame.session();
			frame.setPayload(session.routeId() + "|" + session.remoteAddress().getAddress().getHostAddress() + "|"
					+ session.uri().getPath() + "|" + session.handshakeHeaders().getFirst("X-Client") + "|"
					+ session.subprotocol().orElse("none") + "|" + session.principal().isPresent() + "|"
					+ (session.id().length() > 8));
		}
		else if (text.equals("probe")) {
			Map<String, String> results = new LinkedHashMap<>();
			results.put("closeStatus", attempt(frame::closeStatus));
			results.put("closeReason", attempt(frame::closeReason));
			results.put("setCloseStatus", attempt(() -> frame.setCloseStatus(1000)));
			results.put("close(1006)", attempt(() -> frame.close(1006, "x")));
			results.put("close(1005 to upstream)", attempt(() -> frame.close(1000, "x", 1005, "y")));
			results.put("close(long reason)", attempt(() -> frame.close(1000, "r".repeat(124))));
			results.put("setMaxPayloadSize(-1)", attempt(() -> frame.setMaxPayloadSize(-1)));
			results.put("setPayload(invalid utf-8)", attempt(() -> frame.setPayload(new byte[] { (byte) 0xC3 })));
			results.put("defer twice", attempt(() -> {
				frame.defer(CompletableFuture.completedFuture(null));
				frame.defer(CompletableFuture.completedFuture(null));
			}));
			seen(marker).add(results);
		}
	}

	private static String attempt(ThrowingRunnable action) {
		try {
			action.run();
			return "ok";
		}
		catch (Exception ex) {
			return ex.getClass().getSimpleName();
		}
	}

	@FunctionalInterface
	interface ThrowingRunnable {

		void run() throws Exception;

	}

	@Bean
	UpstreamFrameInterceptor redactor() {
		return (frame) -> {
			if (frame.type() == FrameType.TEXT && frame.text().contains("secret")) {
				frame.setPayload(frame.text().replace("secret", "******"));
			}
		};
	}

	// Three interceptors declared out of order: @Order decides.

	@Bean
	@Order(300)
	ClientFrameInterceptor orderA() {
		return (frame) -> append(frame, "A");
	}

	@Bean
	@Order(100)
	ClientFrameInterceptor orderB() {
		return (frame) -> append(frame, "B");
	}

	@Bean
	@Order(200)
	ClientFrameInterceptor orderC() {
		return (frame) -> append(frame, "C");
	}

	private static void append(FrameContext frame, String letter) {
		if (frame.type() == FrameType.TEXT) {
			frame.setPayload(frame.text() + letter);
		}
	}

	@Bean
	UpgradeInterceptor apiKey() {
		return (upgrade) -> {
			if (!upgrade.routeId().equals("upgrade")) {
				return;
			}
			String key = upgrade.requestHeaders().getFirst("X-Api-Key");
			if (key == null) {
				upgrade.reject(401, "API key required");
				return;
			}
			upgrade.upstreamHeaders().set("X-User", "user-of-" + key);
			upgrade.upstreamHeaders().remove("X-Remove-Me");
			upgrade.attributes().put("user", "user-of-" + key);
			String query = upgrade.uri().getQuery();
			if (query != null && query.contains("reroute")) {
				URI current = upgrade.upstreamUri();
				upgrade.setUpstreamUri(URI.create(current.toString().replace("/echo", "/commands")));
			}
			if (query != null && query.contains("slow")) {
				upgrade.defer(CompletableFuture.runAsync(() -> {
				}, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)));
			}
		};
	}

	@Bean
	SessionEndListener summaries() {
		return SUMMARIES::add;
	}

}
