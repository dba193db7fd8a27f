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
 * A route's upstreams and load balancer set wrong stop the application with a report naming the property.
 */
@ExtendWith(OutputCaptureExtension.class)
class PoolStartupValidationTests {

	private static final String ROUTE = "wsedge.routes[0].";

	private static String report(CapturedOutput output, String... properties) {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("server.port", "0");
		settings.put("spring.main.banner-mode", "off");
		settings.put(ROUTE + "id", "echo");
		settings.put(ROUTE + "path", "/ws/echo");
		settings.put(ROUTE + "upstreams[0].uri", "ws://127.0.0.1:9/x");
		settings.put(ROUTE + "upstreams[1].uri", "ws://127.0.0.1:10/x");
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
	void upstreamAndUpstreamsTogether(CapturedOutput output) {
		assertThat(report(output, ROUTE + "upstream=ws://127.0.0.1:11/x")).contains("wsedge.routes[0].upstreams")
			.contains("wsedge.routes[0].upstream")
			.contains("either one upstream or a list of upstreams");
	}

	@Test
	void neitherUpstreamNorUpstreams(CapturedOutput output) {
		assertThat(report(output, ROUTE + "upstreams[0].uri=", ROUTE + "upstreams[1].uri="))
			.contains("wsedge.routes[0].upstream")
			.contains("or a list of them under upstreams");
	}

	@Test
	void duplicateTargets(CapturedOutput output) {
		assertThat(report(output, ROUTE + "upstreams[1].uri=ws://127.0.0.1:9/x?other=1"))
			.contains("wsedge.routes[0].upstreams[1].uri")
			.contains("wsedge.routes[0].upstreams[0].uri")
			.contains("must differ");
	}

	@Test
	void weightOfZero(CapturedOutput output) {
		assertThat(report(output, ROUTE + "upstreams[1].weight=0")).contains("wsedge.routes[0].upstreams[1].weight")
			.contains("positive whole number");
	}

	@Test
	void targetThatIsNotAWebSocketUri(CapturedOutput output) {
		assertThat(report(output, ROUTE + "upstreams[1].uri=http://127.0.0.1:10/x"))
			.contains("wsedge.routes[0].upstreams[1].uri");
	}

	@Test
	void targetOutsideTheUpstreamPolicy(CapturedOutput output) {
		assertThat(report(output, "wsedge.upstream-policy.deny[0]=127.0.0.1:10"))
			.contains("wsedge.routes[0].upstreams[1].uri")
			.contains("outside wsedge.upstream-policy");
	}

	@Test
	void unknownStrategy(CapturedOutput output) {
		assertThat(report(output, ROUTE + "load-balancer.strategy=random"))
			.contains("wsedge.routes[0].load-balancer.strategy");
	}

	@Test
	void hashOnAHeaderWithoutItsName(CapturedOutput output) {
		assertThat(report(output, ROUTE + "load-balancer.strategy=hash", ROUTE + "load-balancer.hash-on=header"))
			.contains("wsedge.routes[0].load-balancer.hash-key")
			.contains("needs the name");
	}

	@Test
	void maxEjectionPercentAboveAHundred(CapturedOutput output) {
		assertThat(report(output, ROUTE + "load-balancer.max-ejection-percent=150"))
			.contains("wsedge.routes[0].load-balancer.max-ejection-percent");
	}

	@Test
	void serviceTargetWithAPort(CapturedOutput output) {
		assertThat(report(output, ROUTE + "upstreams[1].uri=lb://chat:8080/ws"))
			.contains("wsedge.routes[0].upstreams[1].uri")
			.contains("names a service id and no port");
	}

	@Test
	void schemeOnATargetThatIsNotAService(CapturedOutput output) {
		assertThat(report(output, ROUTE + "upstreams[1].scheme=wss")).contains("wsedge.routes[0].upstreams[1].scheme")
			.contains("Only an lb://service-id upstream takes a scheme");
	}

	@Test
	void nonPositiveDiscoveryRefreshInterval(CapturedOutput output) {
		assertThat(report(output, "wsedge.discovery.refresh-interval=0s")).contains("wsedge.discovery.refresh-interval");
	}

}
