package io.wsedge.autoconfigure;

import java.io.InputStream;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata that ships in the jar (for IDE completion) describes every property that binds, and
 * its defaults are those that binding gives: the field initialisers are their one source.
 */
class ConfigurationMetadataTests {

	private static final Class<?>[] PROPERTIES = { WsEdgeProperties.class, WsEdgeClosePoliciesProperties.class,
			WsEdgeHealthProperties.class, WsEdgeClusterProperties.class };

	private static Map<String, JsonNode> properties() throws Exception {
		try (InputStream in = ConfigurationMetadataTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			JsonNode root = JsonMapper.builder().build().readTree(in);
			Map<String, JsonNode> properties = new LinkedHashMap<>();
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
	void everyDefaultIsWhatBindingAnEmptyEnvironmentGives() throws Exception {
		// A route binds only when it is there: its defaults are those of an entry with an empty list in it.
		Binder binder = new Binder(new MapConfigurationPropertySource(Map.of("wsedge.routes[0].interceptors.include", "")));
		Map<String, Object> bound = new LinkedHashMap<>();
		for (Class<?> type : PROPERTIES) {
			String prefix = MergedAnnotations.from(type).get(ConfigurationProperties.class).getString("prefix");
			bound.put(prefix, binder.bindOrCreate(prefix, type));
		}
		// A target of a route's upstreams binds as a new one, with its field initialisers.
		((WsEdgeProperties) bound.get("wsedge")).getRoutes().get(0).getUpstreams().add(new WsEdgeProperties.UpstreamTarget());
		int checked = 0;
		for (Map.Entry<String, JsonNode> entry : properties().entrySet()) {
			String name = entry.getKey();
			if (!name.startsWith("wsedge.") || name.equals("wsedge.routes")) {
				continue;
			}
			String prefix = bound.keySet()
				.stream()
				.filter((candidate) -> name.startsWith(candidate + "."))
				.reduce((a, b) -> (a.length() >= b.length()) ? a : b)
				.orElseThrow();
			BeanWrapper wrapper = PropertyAccessorFactory.forBeanPropertyAccess(bound.get(prefix));
			String path = camelCase(name.substring(prefix.length() + 1).replace("[]", "[0]"));
			Object value = wrapper.getPropertyValue(path);
			JsonNode documented = entry.getValue().get("defaultValue");
			if (documented == null || documented.isNull()) {
				assertThat(isUnset(value)).as("%s has no documented default but binds to %s", name, value).isTrue();
			}
			else {
				Object expected = ApplicationConversionService.getSharedInstance()
					.convert(documented.asString(), wrapper.getPropertyType(path));
				assertThat(value).as("default of %s", name).isEqualTo(expected);
			}
			checked++;
		}
		assertThat(checked).isGreaterThan(100);
	}

	@Test
	void everyPropertyThatBindsIsInTheMetadataAndNothingElse() throws Exception {
		Set<String> leaves = WsEdgePropertyNames.get().leaves();
		Map<String, JsonNode> properties = properties();
		assertThat(properties.keySet()).containsAll(leaves);
		properties.keySet()
			.stream()
			.filter((name) -> name.startsWith("wsedge."))
			.forEach((name) -> assertThat(WsEdgePropertyNames.get()
				.problem(ConfigurationPropertyName.of(name.replace("[]", "[0]"))))
				.as(name)
				.isNull());
	}

	@Test
	void newLimitsAreDocumented() throws Exception {
		Map<String, JsonNode> properties = properties();
		assertThat(properties.get("wsedge.limits.max-fragments").get("defaultValue").asInt()).isEqualTo(4096);
		assertThat(properties).containsKey("wsedge.routes[].limits.max-fragments");
		JsonNode budget = properties.get("wsedge.limits.max-total-buffered-bytes");
		assertThat(budget.has("defaultValue")).isFalse();
		assertThat(budget.get("description").asString()).contains("a quarter of the maximum heap");
		assertThat(properties).doesNotContainKeys("wsedge.routes[].limits.max-total-buffered-bytes",
				"wsedge.routes[].limits.max-connections", "wsedge.routes[].limits.handshake-timeout");
		assertThat(properties.get("wsedge.limits.max-payload-size").get("defaultValue").asString()).isEqualTo("1MB");
		assertThat(new WsEdgeProperties().getLimits().getMaxPayloadSize()).isEqualTo(DataSize.ofMegabytes(1));
	}

	private static boolean isUnset(Object value) {
		return value == null || (value instanceof Collection<?> collection && collection.isEmpty())
				|| (value instanceof Map<?, ?> map && map.isEmpty());
	}

	private static String camelCase(String dashed) {
		StringBuilder camel = new StringBuilder();
		boolean upper = false;
		for (char c : dashed.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				camel.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return camel.toString();
	}

}
