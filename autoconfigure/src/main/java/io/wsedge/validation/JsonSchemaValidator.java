package io.wsedge.validation;

import java.nio.ByteBuffer;
import java.util.List;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.ByteBufferBackedInputStream;

import io.wsedge.api.FrameType;
import io.wsedge.engine.MessageValidator;

/**
 * Validates the messages of one route and direction: text messages must be JSON that the schema accepts, and
 * binary messages pass or are refused.
 * <p>
 * The cost of one message is bounded: by the payload limit, which the engine applies before, and by a nesting
 * depth past which Jackson stops parsing ({@link StreamReadConstraints}), so that a message of deeply nested
 * arrays is refused at its first few hundred bytes rather than parsed and walked. Thread-safe: the schema is
 * compiled once and shared by every session of the route.
 */
public final class JsonSchemaValidator implements MessageValidator {

	private final Schema schema;

	private final JsonMapper mapper;

	private final int maxNestingDepth;

	private final boolean allowBinary;

	private final boolean drops;

	/**
	 * A validator.
	 * @param schema the compiled schema text messages must meet, or {@code null} to check only binary messages
	 * @param maxNestingDepth the deepest nesting of arrays and objects parsed
	 * @param allowBinary whether binary messages pass
	 * @param drops whether invalid messages are dropped rather than closing the session
	 */
	public JsonSchemaValidator(Schema schema, int maxNestingDepth, boolean allowBinary, boolean drops) {
		this.schema = schema;
		this.maxNestingDepth = maxNestingDepth;
		this.allowBinary = allowBinary;
		this.drops = drops;
		JsonFactory factory = JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxNestingDepth).build())
			.build();
		this.mapper = JsonMapper.builder(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
	}

	@Override
	public String check(FrameType type, ByteBuffer payload) {
		if (type == FrameType.BINARY) {
			return this.allowBinary ? null : "binary messages are not accepted";
		}
		if (this.schema == null) {
			return null;
		}
		JsonNode node;
		try {
			node = read(payload);
		}
		catch (StreamConstraintsException ex) {
			return "JSON nested deeper than " + this.maxNestingDepth + " levels";
		}
		catch (JacksonException ex) {
			// Jackson's own message quotes the payload: only the position is told.
			TokenStreamLocation location = ex.getLocation();
			return (location != null && location.getLineNr() > 0)
					? "not JSON (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")"
					: "not JSON";
		}
		if (node == null || node.isMissingNode()) {
			return "not JSON (empty)";
		}
		List<Error> errors = this.schema.validate(node);
		return errors.isEmpty() ? null : describe(errors.get(0));
	}

	@Override
	public boolean drops() {
		return this.drops;
	}

	private JsonNode read(ByteBuffer payload) {
		if (payload.hasArray()) {
			return this.mapper.readTree(payload.array(), payload.arrayOffset() + payload.position(),
					payload.remaining());
		}
		try (JsonParser parser = this.mapper.createParser(new ByteBufferBackedInputStream(payload))) {
			return this.mapper.readTree(parser);
		}
	}

	/**
	 * The failure as a close reason may carry it: printable ASCII, at most {@link #MAX_DETAIL} characters. The
	 * instance location and message may quote property names or values of the payload, so they are cut short.
	 */
	static String describe(Error error) {
		String location = String.valueOf(error.getInstanceLocation());
		String message = error.getMessage();
		String text = (message != null && message.startsWith(location)) ? message : location + ": " + message;
		return sanitise(text, MAX_DETAIL);
	}

	/**
	 * A string cut to {@code max} characters of printable ASCII, other characters replaced by {@code ?}, so that
	 * it fits a close reason whatever the payload held.
	 * @param text the text
	 * @param max the most characters kept
	 * @return the sanitised text
	 */
	static String sanitise(String text, int max) {
		int length = Math.min(text.length(), max);
		StringBuilder safe = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			safe.append((c >= 0x20 && c < 0x7f) ? c : '?');
		}
		if (text.length() > max) {
			safe.setLength(max - 3);
			safe.append("...");
		}
		return safe.toString();
	}

}
