package io.wsedge.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.wsedge.testsupport.TestEdgeApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Every invalid setting stops the application with Spring Boot's failure report, naming the property, the
 * bad value and what is allowed.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupValidationTests {

	private static final String ROUTE = "wsedge.routes[0].";

	private static String report(CapturedOutput output, String... properties) {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("server.port", "0");
		settings.put("spring.main.banner-mode", "off");
		settings.put(ROUTE + "id", "echo");
		settings.put(ROUTE + "path", "/ws/echo");
		settings.put(ROUTE + "upstream", "ws://127.0.0.1:9/x");
		for (String property : properties) {
			int equals = property.indexOf('=');
			String value = property.substring(equals + 1);
			if (value.isEmpty()) {
				settings.remove(property.substring(0, equals));
			}
			else {
				settings.put(property.substring(0, equals), value);
			}
		}
		List<String> args = new ArrayList<>();
		settings.forEach((key, value) -> args.add("--" + key + "=" + value));
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(TestEdgeApplication.class)
			.web(WebApplicationType.REACTIVE)
			.run(args.toArray(String[]::new))
			.close());
		assertThat(output).contains("APPLICATION FAILED TO START");
		return output.getOut() + output.getErr();
	}

	@Test
	void missingSchemaNamesTheProperty(CapturedOutput output) {
		assertThat(report(output, ROUTE + "validation.client.schema=classpath:schemas/no-such.json"))
			.contains("wsedge.routes[0].validation.client.schema")
			.contains("No schema at this location");
	}

	@Test
	void fileThatIsNotASchemaNamesTheProperty(CapturedOutput output) {
		assertThat(report(output, ROUTE + "validation.upstream.schema=classpath:schemas/not-a-schema.json"))
			.contains("wsedge.routes[0].validation.upstream.schema")
			.contains("Not a valid JSON Schema");
	}

	@Test
	void schemaThatIsNotJsonNamesTheProperty(CapturedOutput output) {
		assertThat(report(output, ROUTE + "validation.client.schema=classpath:schemas/not-json.json"))
			.contains("wsedge.routes[0].validation.client.schema")
			.contains("Not JSON");
	}

	@Test
	void negativeSessionDurationNamesTheProperty(CapturedOutput output) {
		assertThat(report(output, ROUTE + "limits.max-session-duration=-1s"))
			.contains("wsedge.routes[0].limits.max-session-duration");
	}

	@Test
	void tokenSourceWithoutAJwtDecoderNamesTheProperty(CapturedOutput output) {
		assertThat(report(output, ROUTE + "auth.query-parameter=access_token"))
			.contains("wsedge.routes[0].auth.query-parameter")
			.contains("JWT decoder");
	}

	@Test
	void subprotocolMarkerThatIsNotATokenNamesTheProperty(CapturedOutput output) {
		assertThat(report(output, ROUTE + "auth.subprotocol-marker=a b"))
			.contains("wsedge.routes[0].auth.subprotocol-marker")
			.contains("HTTP token");
	}

	@Test
	void nonPositiveSize(CapturedOutput output) {
		assertThat(report(output, "wsedge.limits.max-payload-size=0")).contains("wsedge.limits.max-payload-size")
			.contains("'0B'")
			.contains("Must be a positive size");
	}

	@Test
	void globalSettingsAreCheckedWithoutAnyRoute(CapturedOutput output) {
		assertThat(report(output, ROUTE + "id=", ROUTE + "path=", ROUTE + "upstream=", "wsedge.routes=",
				"wsedge.limits.pong-timeout=0s"))
			.contains("wsedge.limits.pong-timeout");
	}

	@Test
	void nonPositiveRouteSizeNamesTheRouteProperty(CapturedOutput output) {
		assertThat(report(output, ROUTE + "limits.upstream-max-payload-size=-1KB"))
			.contains("wsedge.routes[0].limits.upstream-max-payload-size")
			.contains("Must be a positive size");
	}

	@Test
	void closeCodeThatMayNotBeSent(CapturedOutput output) {
		assertThat(report(output, "wsedge.close-policies.shutdown.code=1006"))
			.contains("wsedge.close-policies.shutdown.code")
			.contains("'1006'")
			.contains("1000-1003, 1007-1014 or 3000-4999");
	}

	@Test
	void closeReasonTooLong(CapturedOutput output) {
		assertThat(report(output, "wsedge.close-policies.rate-limit.reason=" + "x".repeat(124)))
			.contains("wsedge.close-policies.rate-limit.reason")
			.contains("longer than 123 UTF-8 bytes");
	}

	@Test
	void misspelledClosePolicyCase(CapturedOutput output) {
		assertThat(report(output, "wsedge.close-policies.payload-to-big.code=4000"))
			.contains("wsedge.close-policies.payload-to-big.code");
	}

	@Test
	void malformedUpstream(CapturedOutput output) {
		assertThat(report(output, ROUTE + "upstream=http://example.com/ws")).contains("wsedge.routes[0].upstream")
			.contains("'http://example.com/ws'")
			.contains("absolute ws:// or wss:// URI");
	}

	@Test
	void duplicateRouteId(CapturedOutput output) {
		assertThat(report(output, "wsedge.routes[1].id=echo", "wsedge.routes[1].path=/ws/other",
				"wsedge.routes[1].upstream=ws://127.0.0.1:9/y"))
			.contains("wsedge.routes[0].id")
			.contains("wsedge.routes[1].id")
			.contains("'echo'")
			.contains("Route ids must be unique");
	}

	@Test
	void twoRoutesWithTheSamePath(CapturedOutput output) {
		assertThat(report(output, "wsedge.routes[1].id=other", "wsedge.routes[1].path=/ws/echo",
				"wsedge.routes[1].upstream=ws://127.0.0.1:9/y"))
			.contains("wsedge.routes[0].path")
			.contains("wsedge.routes[1].path")
			.contains("Two routes may not serve the same path");
	}

	@Test
	void upstreamOutsideTheUpstreamPolicy(CapturedOutput output) {
		assertThat(report(output, "wsedge.upstream-policy.deny=127.0.0.0/8")).contains("wsedge.routes[0].upstream")
			.contains("outside wsedge.upstream-policy");
	}

	@Test
	void invalidUpstreamPolicyRule(CapturedOutput output) {
		assertThat(report(output, "wsedge.upstream-policy.allow=http://bad rule"))
			.contains("wsedge.upstream-policy.allow[0]");
	}

	@Test
	void invalidTrustedProxy(CapturedOutput output) {
		assertThat(report(output, "wsedge.trusted-proxies=10.0.0.0/33")).contains("wsedge.trusted-proxies[0]")
			.contains("IP address or CIDR block");
	}

	@Test
	void invalidOrigin(CapturedOutput output) {
		assertThat(report(output, "wsedge.allowed-origins=app.example.com")).contains("wsedge.allowed-origins[0]")
			.contains("scheme://host[:port]");
	}

	@Test
	void edgeWideLimitSetOnARoute(CapturedOutput output) {
		assertThat(report(output, ROUTE + "limits.max-connections=5"))
			.contains("wsedge.routes[0].limits.max-connections")
			.contains("wsedge.routes[0].max-connections");
	}

	@Test
	void misspelledGlobalLimit(CapturedOutput output) {
		assertThat(report(output, "wsedge.limits.max-payload-sise=2MB")).contains("wsedge.limits.max-payload-sise")
			.contains("Did you mean wsedge.limits.max-payload-size?");
	}

	@Test
	void handshakeTimeoutSetOnARoute(CapturedOutput output) {
		assertThat(report(output, ROUTE + "limits.handshake-timeout=5s"))
			.contains("wsedge.routes[0].limits.handshake-timeout")
			.contains("set under wsedge.limits only");
	}

	@Test
	void routeWithoutFragments(CapturedOutput output) {
		assertThat(report(output, ROUTE + "limits.max-fragments=0")).contains("wsedge.routes[0].limits.max-fragments")
			.contains("Must be at least 1");
	}

	@Test
	void negativeRate(CapturedOutput output) {
		assertThat(report(output, "wsedge.limits.messages-per-second=-1"))
			.contains("wsedge.limits.messages-per-second")
			.contains("Must be 0 (no limit) or a positive rate");
	}

	@Test
	void unknownInterceptorName(CapturedOutput output) {
		assertThat(report(output, ROUTE + "interceptors.include=nosuchbean"))
			.contains("wsedge.routes[0].interceptors.include[0]")
			.contains("'nosuchbean'");
	}

	@Test
	void unknownSslBundle(CapturedOutput output) {
		assertThat(report(output, ROUTE + "ssl-bundle=missing")).contains("wsedge.routes[0].ssl-bundle")
			.contains("No SSL bundle of that name");
	}

}
