package io.wsedge.validation;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Compiles the JSON Schemas of {@code wsedge.routes[].validation} once, at startup. The draft is the one the
 * schema names in {@code $schema}, 2020-12 when it names none; the schema is checked against its draft's
 * meta-schema first, so that a file that is JSON but not a schema fails startup rather than every message.
 */
public final class JsonSchemas {

	// Meta-schemas come from the library's class path; a $ref to a network address is never fetched, so that a
	// schema cannot make the edge dial out at startup (the library's default, stated here so that it stays so).
	private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
			(builder) -> builder.schemaLoader((loader) -> loader.fetchRemoteResources(false)));

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private JsonSchemas() {
	}

	/**
	 * Reads and compiles a schema.
	 * @param schema the schema's JSON text
	 * @return the compiled schema
	 * @throws IOException if the schema cannot be read
	 * @throws IllegalArgumentException if it is not JSON or not a JSON Schema, with a message saying why
	 */
	public static Schema compile(InputStream schema) throws IOException {
		JsonNode node;
		try {
			node = MAPPER.readTree(schema);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Not JSON: " + ex.getOriginalMessage());
		}
		if (node == null || !(node.isObject() || node.isBoolean())) {
			throw new IllegalArgumentException("Not a JSON Schema: a schema is a JSON object (or true or false).");
		}
		String dialect = node.isObject() && node.path("$schema").isString() ? node.get("$schema").asString()
				: SpecificationVersion.DRAFT_2020_12.getDialectId();
		if (SpecificationVersion.fromDialectId(dialect).isEmpty()) {
			throw new IllegalArgumentException("Unknown $schema '" + dialect + "': use draft-04, -06, -07, 2019-09 or "
					+ "2020-12 (https://json-schema.org/draft/2020-12/schema, the default).");
		}
		try {
			List<Error> errors = REGISTRY.getSchema(SchemaLocation.of(dialect)).validate(node);
			if (!errors.isEmpty()) {
				throw new IllegalArgumentException("Not a valid JSON Schema (" + dialect + "): " + errors.get(0));
			}
			Schema compiled = REGISTRY.getSchema(node);
			// References are resolved lazily; resolve them now, so that a broken $ref fails startup.
			compiled.initializeValidators();
			return compiled;
		}
		catch (RuntimeException ex) {
			if (ex instanceof IllegalArgumentException) {
				throw ex;
			}
			throw new IllegalArgumentException("Not a valid JSON Schema: " + ex.getMessage(), ex);
		}
	}

}
