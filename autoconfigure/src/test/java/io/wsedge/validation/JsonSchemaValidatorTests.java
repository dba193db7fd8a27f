package io.wsedge.validation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import com.networknt.schema.Schema;
import org.junit.jupiter.api.Test;

import io.wsedge.api.FrameType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The JSON Schema check of one direction, without a session: what passes, what fails and with which words, and
 * what a hostile message costs.
 */
class JsonSchemaValidatorTests {

	private final JsonSchemaValidator validator = new JsonSchemaValidator(schema("chat-message.json"), 32, true,
			false);

	@Test
	void messageTheSchemaAcceptsPasses() {
		assertThat(check("{\"type\":\"chat\",\"text\":\"hello\"}")).isNull();
	}

	@Test
	void messageAgainstTheSchemaFailsNamingWhereButFitsACloseReason() {
		String failure = check("{\"type\":\"shout\"}");
		assertThat(failure).contains("/type").hasSizeLessThanOrEqualTo(80);
		assertThat(check("{\"text\":\"no type\"}")).contains("type");
	}

	@Test
	void textThatIsNotJsonFailsWithoutEchoingThePayload() {
		String failure = check("hello secret-token-123");
		assertThat(failure).startsWith("not JSON").doesNotContain("secret");
		assertThat(check("{\"type\":\"chat\"} trailing")).startsWith("not JSON");
		assertThat(check("")).startsWith("not JSON");
	}

	@Test
	void longOrNonAsciiPropertyNamesAreCutAndSanitised() {
		String name = "\u00e9".repeat(50) + "x".repeat(200);
		String failure = check("{\"type\":\"chat\",\"" + name + "\":1}");
		assertThat(failure).hasSizeLessThanOrEqualTo(80).matches("[\\x20-\\x7e]*");
	}

	@Test
	void binaryMessagesPassOrAreRefusedByConfiguration() {
		ByteBuffer binary = ByteBuffer.wrap(new byte[] { 1, 2, 3 });
		assertThat(this.validator.check(FrameType.BINARY, binary)).isNull();
		JsonSchemaValidator strict = new JsonSchemaValidator(null, 32, false, true);
		assertThat(strict.check(FrameType.BINARY, binary)).isEqualTo("binary messages are not accepted");
		assertThat(strict.check(FrameType.TEXT, ByteBuffer.wrap("anything".getBytes()))).isNull();
		assertThat(strict.drops()).isTrue();
	}

	@Test
	void directBuffersAreReadInPlace() {
		byte[] json = "{\"type\":\"typing\"}".getBytes(StandardCharsets.UTF_8);
		ByteBuffer direct = ByteBuffer.allocateDirect(json.length).put(json).flip();
		assertThat(this.validator.check(FrameType.TEXT, direct)).isNull();
	}

	@Test
	void oneMebibyteOfNestedArraysIsRefusedEarlyAndCheaply() {
		byte[] bomb = new byte[1024 * 1024];
		for (int i = 0; i < bomb.length; i++) {
			bomb[i] = (byte) ((i < bomb.length / 2) ? '[' : ']');
		}
		ByteBuffer direct = ByteBuffer.allocateDirect(bomb.length).put(bomb).flip();
		for (int i = 0; i < 200; i++) {
			assertThat(this.validator.check(FrameType.TEXT, direct.duplicate())).contains("nested deeper than 32");
		}
		long best = Long.MAX_VALUE;
		for (int i = 0; i < 20; i++) {
			long started = System.nanoTime();
			this.validator.check(FrameType.TEXT, direct.duplicate());
			best = Math.min(best, System.nanoTime() - started);
		}
		// Parsing stops at depth 33, a few hundred bytes in; "a few ms" is the budget, far above what it takes.
		assertThat(TimeUnit.NANOSECONDS.toMillis(best)).isLessThan(5);
	}

	@Test
	void draftIsReadFromTheSchema() throws IOException {
		JsonSchemaValidator draft7 = new JsonSchemaValidator(schema("draft7-event.json"), 32, true, false);
		assertThat(draft7.check(FrameType.TEXT, utf8("{\"event\":\"x\"}"))).isNull();
		assertThat(draft7.check(FrameType.TEXT, utf8("{\"event\":1}"))).contains("/event");
	}

	@Test
	void fileThatIsNotASchemaOrNotJsonIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> load("not-a-schema.json"))
			.withMessageContaining("Not a valid JSON Schema");
		assertThatIllegalArgumentException().isThrownBy(() -> load("not-json.json")).withMessageStartingWith("Not JSON");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> JsonSchemas.compile(new java.io.ByteArrayInputStream("[1]".getBytes())))
			.withMessageContaining("a schema is a JSON object");
	}

	@Test
	void referenceToANetworkAddressIsNeverFetched() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			String schema = "{\"$ref\": \"http://127.0.0.1:" + server.getLocalPort() + "/chat.json\"}";
			assertThatIllegalArgumentException().isThrownBy(
					() -> JsonSchemas.compile(new ByteArrayInputStream(schema.getBytes(StandardCharsets.UTF_8))));
			server.setSoTimeout(200);
			assertThatExceptionOfType(SocketTimeoutException.class).as("a connection to the referenced address")
				.isThrownBy(server::accept);
		}
	}

	private String check(String text) {
		return this.validator.check(FrameType.TEXT, utf8(text));
	}

	private static ByteBuffer utf8(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

	private static Schema schema(String name) {
		try {
			return load(name);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Schema load(String name) throws IOException {
		try (InputStream in = JsonSchemaValidatorTests.class.getResourceAsStream("/schemas/" + name)) {
			return JsonSchemas.compile(in);
		}
	}

}
