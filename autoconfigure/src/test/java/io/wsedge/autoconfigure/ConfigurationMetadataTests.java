package io.wsedge.autoconfigure;

import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata that ships in the jar (for IDE completion) describes every property, with the
 * defaults documented in the README.
 */
class ConfigurationMetadataTests {

	private static Map<String, JsonNode> properties() throws Exception {
		try (InputStream in = ConfigurationMetadataTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			JsonNode root = JsonMapper.builder().build().readTree(in);
			Map<String, JsonNode> properties = new HashMap<>();
			for (JsonNode property : root.get("properties")) {
				properties.put(property.get("name").asString(), property);
			}
			return properties;
		}
	}

	@Test
	void everyPropertyHasADescription() throws Exception {
		properties().forEach((name, property) -> assertThat(property.path("description").asString(""))
			.as(name)
			.isNotBlank());
	}

	@Test
	void everyDocumentedPropertyIsThere() throws Exception {
		List<String> limits = List.of("max-payload-size", "upstream-max-payload-size", "max-frame-size",
				"idle-timeout", "ping-interval", "pong-timeout", "connect-timeout", "max-connections-per-client",
				"messages-per-second", "message-burst", "rate-limit-action", "max-buffered-bytes", "close-timeout");
		Map<String, JsonNode> properties = properties();
		for (String limit : limits) {
			assertThat(properties).containsKey("wsedge.limits." + limit);
			assertThat(properties).containsKey("wsedge.routes[].limits." + limit);
		}
		assertThat(properties).containsKeys("wsedge.enabled", "wsedge.limits.handshake-timeout",
				"wsedge.limits.max-connections", "wsedge.routes[].id", "wsedge.routes[].path", "wsedge.routes[].upstream",
				"wsedge.routes[].max-connections", "wsedge.routes[].allowed-origins", "wsedge.routes[].ssl-bundle",
				"wsedge.routes[].interceptors.include", "wsedge.routes[].interceptors.exclude", "wsedge.allowed-origins",
				"wsedge.require-origin", "wsedge.trusted-proxies", "wsedge.upstream-policy.allow",
				"wsedge.upstream-policy.deny", "wsedge.shutdown.drain-timeout", "wsedge.ssl-bundle");
		for (String policy : List.of("payload-too-big", "idle-timeout", "ping-timeout", "rate-limit", "buffer-overflow",
				"client-gone", "upstream-failure", "interceptor-error", "shutdown")) {
			for (String field : List.of("code", "reason", "peer-code", "peer-reason")) {
				assertThat(properties).containsKey("wsedge.close-policies." + policy + "." + field);
			}
		}
	}

	@Test
	void defaultsMatchTheDocumentedOnes() throws Exception {
		Map<String, JsonNode> properties = properties();
		assertThat(properties.get("wsedge.limits.max-payload-size").get("defaultValue").asString()).isEqualTo("1MB");
		assertThat(properties.get("wsedge.limits.upstream-max-payload-size").get("defaultValue").asString())
			.isEqualTo("16MB");
		assertThat(properties.get("wsedge.close-policies.upstream-failure.code").get("defaultValue").asInt())
			.isEqualTo(1014);
		assertThat(properties.get("wsedge.close-policies.interceptor-error.code").get("defaultValue").asInt())
			.isEqualTo(1011);
	}

}
