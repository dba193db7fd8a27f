package io.wsedge.benchmarks.edge;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.api.FrameContext;
import io.wsedge.api.FrameType;
import io.wsedge.api.UpstreamFrameInterceptor;

/**
 * The demo app's three frame interceptors, with the same logic (io.wsedge.demo's classes are package-private
 * in an application jar): first-message authentication, JSON validation (a full parse of every text message)
 * and card-number redaction, which rewrites every echo the load client gets as its text holds a card number.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "bench.interceptors", havingValue = "true")
class DemoInterceptors {

	@Bean
	FirstMessageAuth firstMessageAuth() {
		return new FirstMessageAuth();
	}

	@Bean
	JsonValidator jsonValidator() {
		return new JsonValidator();
	}

	@Bean
	Redactor redactor() {
		return new Redactor();
	}

	/** As the demo's {@code FirstMessageAuthInterceptor}. */
	@Order(10)
	static final class FirstMessageAuth implements ClientFrameInterceptor {

		private static final String AUTHENTICATED = "demo.authenticated";

		private final JsonMapper json = JsonMapper.builder().build();

		@Override
		public void intercept(FrameContext frame) {
			Map<String, Object> attributes = frame.session().attributes();
			if (attributes.containsKey(AUTHENTICATED)
					|| frame.type() != FrameType.TEXT && frame.type() != FrameType.BINARY) {
				return;
			}
			if (frame.type() == FrameType.TEXT && BenchEdgeApplication.TOKEN.equals(tokenOf(frame.text()))) {
				attributes.put(AUTHENTICATED, Boolean.TRUE);
				frame.drop();
				return;
			}
			frame.close(1008, "authentication failed", 1001, "client failed authentication");
		}

		private String tokenOf(String text) {
			try {
				JsonNode node = this.json.readTree(text);
				JsonNode token = node.get("token");
				return (token != null && token.isString()) ? token.asString() : null;
			}
			catch (RuntimeException ex) {
				return null;
			}
		}

	}

	/** As the demo's {@code JsonValidatingInterceptor}. */
	@Order(20)
	static final class JsonValidator implements ClientFrameInterceptor {

		private final JsonMapper json = JsonMapper.builder().build();

		@Override
		public void intercept(FrameContext frame) {
			if (frame.type() != FrameType.TEXT) {
				return;
			}
			try {
				this.json.readTree(frame.text());
			}
			catch (JacksonException ex) {
				frame.close(1007, "invalid JSON", 1001, "client sent invalid JSON");
			}
		}

	}

	/** As the demo's {@code CardNumberRedactor}. */
	static final class Redactor implements UpstreamFrameInterceptor {

		private static final Pattern CARD = Pattern.compile("\\b(?:\\d{4}[ -]?){3}(\\d{4})\\b");

		@Override
		public void intercept(FrameContext frame) {
			if (frame.type() != FrameType.TEXT) {
				return;
			}
			Matcher matcher = CARD.matcher(frame.text());
			if (matcher.find()) {
				frame.setPayload(matcher.replaceAll("**** **** **** $1"));
			}
		}

	}

}
