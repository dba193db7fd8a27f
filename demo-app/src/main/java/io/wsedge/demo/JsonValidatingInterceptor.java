package io.wsedge.demo;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.ByteBufferBackedInputStream;

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
			// Jackson reads the UTF-8 in place: no String is decoded for a message only checked.
			this.json.readTree(new ByteBufferBackedInputStream(frame.payloadView()));
		}
		catch (JacksonException ex) {
			frame.close(1007, "invalid JSON", 1001, "client sent invalid JSON");
		}
	}

}
