package io.wsedge.demo;

import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.api.FrameContext;
import io.wsedge.api.FrameType;

/**
 * First-message authentication: the client's first message must be {@code {"token": "..."}}. A valid token
 * marks the session authenticated and the message is dropped (the upstream never sees credentials); anything
 * else closes the client with 1008 (policy violation) and the upstream with 1001. Browsers cannot send headers
 * on a WebSocket upgrade, so this is how they authenticate, and most gateways cannot do it.
 */
@Component("firstMessageAuth")
@Order(10)
class FirstMessageAuthInterceptor implements ClientFrameInterceptor {

	private static final String AUTHENTICATED = "demo.authenticated";

	private final JsonMapper json = JsonMapper.builder().build();

	private final String token;

	FirstMessageAuthInterceptor(@Value("${demo.token}") String token) {
		this.token = token;
	}

	@Override
	public void intercept(FrameContext frame) {
		Map<String, Object> attributes = frame.session().attributes();
		if (attributes.containsKey(AUTHENTICATED) || frame.type() != FrameType.TEXT && frame.type() != FrameType.BINARY) {
			return;
		}
		if (frame.type() == FrameType.TEXT && this.token.equals(tokenOf(frame.text()))) {
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
