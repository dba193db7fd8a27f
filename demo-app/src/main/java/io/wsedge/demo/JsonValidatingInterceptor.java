package io.wsedge.demo;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.api.FrameContext;
import io.wsedge.api.FrameType;

/**
 * Lets only well-formed JSON text through; anything else closes the client with 1007 (invalid frame payload
 * data) and the upstream with 1001. Runs after authentication, so it sees only the conversation.
 */
@Component("jsonValidator")
@Order(20)
class JsonValidatingInterceptor implements ClientFrameInterceptor {

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
