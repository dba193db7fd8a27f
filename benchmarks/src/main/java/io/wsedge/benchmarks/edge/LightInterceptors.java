package io.wsedge.benchmarks.edge;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.api.FrameContext;
import io.wsedge.api.FrameType;
import io.wsedge.api.UpstreamFrameInterceptor;

/**
 * The three light interceptors of issue 14, each as cheap as today's {@link FrameContext} allows: one inspects
 * the text of every client message, one updates a session attribute per client message, and one rewrites every
 * upstream text message with a text of the same size. The demo's heavy interceptors (a Jackson parse and a
 * regex per message) are {@link DemoInterceptors}, a pass of their own.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "bench.light-interceptors", havingValue = "true")
class LightInterceptors {

	/** The bean names, for the route's {@code interceptors.include}. */
	static final String NAMES = "textInspector,messageCounter,upstreamRewriter";

	@Bean
	TextInspector textInspector() {
		return new TextInspector();
	}

	@Bean
	MessageCounter messageCounter() {
		return new MessageCounter();
	}

	@Bean
	UpstreamRewriter upstreamRewriter() {
		return new UpstreamRewriter();
	}

	/**
	 * Refuses client text that is not a JSON object. {@code payloadView()} reads the edge's own buffer: no copy,
	 * where {@code payload()} copies the bytes and {@code text()} decodes them into a new {@code String}.
	 */
	@Order(10)
	static final class TextInspector implements ClientFrameInterceptor {

		@Override
		public void intercept(FrameContext frame) {
			if (frame.type() != FrameType.TEXT) {
				return;
			}
			ByteBuffer payload = frame.payloadView();
			if (!payload.hasRemaining() || payload.get(payload.position()) != '{') {
				frame.close(1007, "a JSON object is expected", 1001, "client sent something else");
			}
		}

	}

	/**
	 * Counts the session's client messages in a session attribute. The counter is created on the first message
	 * and updated in place after that, so that the map is read, not written, per message.
	 */
	@Order(20)
	static final class MessageCounter implements ClientFrameInterceptor {

		static final String ATTRIBUTE = "bench.client-messages";

		@Override
		public void intercept(FrameContext frame) {
			if (frame.type() != FrameType.TEXT && frame.type() != FrameType.BINARY) {
				return;
			}
			Map<String, Object> attributes = frame.session().attributes();
			Object counter = attributes.get(ATTRIBUTE);
			if (counter == null) {
				counter = new AtomicLong();
				attributes.put(ATTRIBUTE, counter);
			}
			((AtomicLong) counter).incrementAndGet();
		}

	}

	/**
	 * Rewrites every upstream text message: the card number the load client's JSON holds is masked
	 * ({@code 4111 1111 1111 1234} becomes {@code **** **** **** 1234}), a same-size text, and set whether or not
	 * it changed, so that every message takes the rewrite path. A literal replacement, not a regex.
	 */
	static final class UpstreamRewriter implements UpstreamFrameInterceptor {

		@Override
		public void intercept(FrameContext frame) {
			if (frame.type() != FrameType.TEXT) {
				return;
			}
			frame.setPayload(frame.text().replace("4111 1111 1111", "**** **** ****"));
		}

	}

}
