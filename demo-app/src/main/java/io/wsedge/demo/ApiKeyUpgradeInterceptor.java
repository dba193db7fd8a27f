package io.wsedge.demo;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;

import io.wsedge.api.UpgradeContext;
import io.wsedge.api.UpgradeInterceptor;

/**
 * A handshake hook: the upgrade needs an API key, in the {@code X-Api-Key} header or, for browsers (which
 * cannot set headers on a WebSocket), the {@code api_key} query parameter. Without it the client gets HTTP 401
 * and no upstream is dialled. The key is not passed on; the upstream learns who called from a header the edge
 * sets.
 */
@Component("apiKeyCheck")
@Order(1)
class ApiKeyUpgradeInterceptor implements UpgradeInterceptor {

	private final String apiKey;

	ApiKeyUpgradeInterceptor(@Value("${demo.api-key}") String apiKey) {
		this.apiKey = apiKey;
	}

	@Override
	public void intercept(UpgradeContext upgrade) {
		String key = upgrade.requestHeaders().getFirst("X-Api-Key");
		if (key == null) {
			key = UriComponentsBuilder.fromUri(upgrade.uri()).build().getQueryParams().getFirst("api_key");
		}
		if (!this.apiKey.equals(key)) {
			upgrade.reject(401, "A valid API key is required (X-Api-Key header or api_key query parameter)");
			return;
		}
		upgrade.upstreamHeaders().remove("X-Api-Key");
		upgrade.upstreamHeaders().set("X-Authenticated-Client", "demo");
		upgrade.attributes().put("client", "demo");
	}

}
