package io.wsedge.demo;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import io.wsedge.api.FrameContext;
import io.wsedge.api.FrameType;
import io.wsedge.api.UpstreamFrameInterceptor;

/**
 * Redacts anything that looks like a payment card number in what the upstream sends, keeping the last four
 * digits: {@code 4111 1111 1111 1234} becomes {@code **** **** **** 1234}.
 */
@Component("redactor")
class CardNumberRedactor implements UpstreamFrameInterceptor {

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
