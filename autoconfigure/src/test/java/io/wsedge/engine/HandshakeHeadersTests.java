package io.wsedge.engine;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The compact copy of the upgrade request's headers that a session keeps: what {@code HttpHeaders} readers get
 * from it is what they got from the request's own headers.
 */
class HandshakeHeadersTests {

	private final HttpHeaders request = request();

	private final HttpHeaders copy = HandshakeHeaders.copyOf(this.request);

	private static HttpHeaders request() {
		HttpHeaders headers = new HttpHeaders();
		headers.add("Host", "edge.test");
		headers.add("Upgrade", "websocket");
		headers.add("X-Client", "one");
		headers.add("Cookie", "a=1");
		headers.add("x-client", "two");
		headers.add("Sec-WebSocket-Protocol", "chat, superchat");
		return headers;
	}

	@Test
	void looksUpNamesIgnoringCase() {
		assertThat(this.copy.getFirst("x-client")).isEqualTo("one");
		assertThat(this.copy.getFirst("X-CLIENT")).isEqualTo("one");
		assertThat(this.copy.get("X-Client")).containsExactly("one", "two");
		assertThat(this.copy.get("cookie")).containsExactly("a=1");
		assertThat(this.copy.containsHeader("HOST")).isTrue();
		assertThat(this.copy.getUpgrade()).isEqualTo("websocket");
	}

	@Test
	void missingNameHasNoValue() {
		assertThat(this.copy.getFirst("Authorization")).isNull();
		assertThat(this.copy.get("Authorization")).isNull();
		assertThat(this.copy.containsHeader("Authorization")).isFalse();
	}

	@Test
	void iteratesEveryNameOnceWithAllItsValuesInRequestOrder() {
		List<String> seen = new ArrayList<>();
		this.copy.forEach((name, values) -> seen.add(name.toLowerCase() + "=" + values));
		assertThat(seen).containsExactly("host=[edge.test]", "upgrade=[websocket]", "x-client=[one, two]",
				"cookie=[a=1]", "sec-websocket-protocol=[chat, superchat]");
		assertThat(this.copy.size()).isEqualTo(5);
		assertThat(this.copy.headerNames()).hasSize(5);
	}

	@Test
	void isReadOnly() {
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> this.copy.add("A", "b"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> this.copy.set("Host", "x"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> this.copy.remove("Host"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(this.copy::clear);
	}

	@Test
	void doesNotFollowTheRequestOnceCopied() {
		this.request.clear();
		assertThat(this.copy.getFirst("Host")).isEqualTo("edge.test");
	}

	@Test
	void emptyRequestGivesEmptyHeaders() {
		HttpHeaders empty = HandshakeHeaders.copyOf(new HttpHeaders());
		assertThat(empty.isEmpty()).isTrue();
		assertThat(empty.getFirst("Host")).isNull();
	}

}
