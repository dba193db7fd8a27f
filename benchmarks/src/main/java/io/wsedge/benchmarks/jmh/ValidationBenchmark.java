package io.wsedge.benchmarks.jmh;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.wsedge.api.FrameType;
import io.wsedge.validation.JsonSchemaValidator;
import io.wsedge.validation.JsonSchemas;

/**
 * What the JSON Schema validation of a route ({@code wsedge.routes[].validation}) costs per message: a small
 * chat message the schema accepts, one it refuses, and a 1 MiB message of nested arrays, which the nesting depth
 * limit must refuse early (issue 19 allows a few milliseconds). The payload is a direct buffer, as the edge's are.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ValidationBenchmark {

	private static final String SCHEMA = """
			{"type":"object","properties":{"type":{"enum":["chat","typing"]},"text":{"type":"string","maxLength":500}},
			 "required":["type"],"additionalProperties":false}""";

	/** One kind of message and the validator of its route. */
	@State(Scope.Thread)
	public static class Checking {

		@Param({ "valid", "invalid", "nested-bomb" })
		String message;

		JsonSchemaValidator validator;

		ByteBuffer payload;

		@Setup(Level.Trial)
		public void setUp() throws IOException {
			this.validator = new JsonSchemaValidator(
					JsonSchemas.compile(new ByteArrayInputStream(SCHEMA.getBytes(StandardCharsets.UTF_8))), 64, true,
					false);
			String text = switch (this.message) {
				case "valid" -> "{\"type\":\"chat\",\"text\":\"hello, how are you today?\"}";
				case "invalid" -> "{\"type\":\"shout\",\"text\":\"HELLO\"}";
				default -> "[".repeat(512 * 1024) + "]".repeat(512 * 1024);
			};
			byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
			this.payload = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
		}

	}

	@Benchmark
	public String check(Checking checking) {
		return checking.validator.check(FrameType.TEXT, checking.payload.duplicate());
	}

}
