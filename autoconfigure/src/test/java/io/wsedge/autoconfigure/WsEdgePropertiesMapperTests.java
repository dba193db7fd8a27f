package io.wsedge.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

import io.wsedge.autoconfigure.WsEdgeProperties.RouteLegCompression;
import io.wsedge.autoconfigure.WsEdgeProperties.RouteLimits;
import io.wsedge.policy.ClosePolicyKind;
import io.wsedge.policy.Compression;
import io.wsedge.policy.Limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link WsEdgePropertiesMapper} and the close-policy mapping of {@link WsEdgeAutoConfiguration}.
 */
class WsEdgePropertiesMapperTests {

	private static final String ROUTE = "wsedge.routes[0].limits";

	@Test
	void propertyDefaultsAreTheEngineDefaults() {
		assertThat(WsEdgePropertiesMapper.limits(new WsEdgeProperties.Limits(), null, "wsedge.limits"))
			.isEqualTo(Limits.DEFAULTS);
	}

	@Test
	void routeInheritsWhatItDoesNotSet() {
		WsEdgeProperties.Limits global = new WsEdgeProperties.Limits();
		global.setMaxPayloadSize(DataSize.ofMegabytes(2));
		global.setMaxFragments(100);
		RouteLimits route = new RouteLimits();
		route.setMaxFragments(10);
		Limits limits = WsEdgePropertiesMapper.limits(global, route, ROUTE);
		assertThat(limits.maxPayloadSize()).isEqualTo(DataSize.ofMegabytes(2).toBytes());
		assertThat(limits.maxFrameSize()).isEqualTo(DataSize.ofMegabytes(2).toBytes());
		assertThat(limits.maxFragments()).isEqualTo(10);
	}

	@Test
	void routeValueThatBreaksARuleIsNamedUnderTheRoute() {
		RouteLimits route = new RouteLimits();
		route.setMaxFragments(0);
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> WsEdgePropertiesMapper.limits(new WsEdgeProperties.Limits(), route, ROUTE))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo(ROUTE + ".max-fragments"))
			.withMessageContaining("Must be at least 1");
	}

	@Test
	void memoryBudgetIsUnsetUntilConfiguredAndThenChecked() {
		WsEdgeProperties.Limits global = new WsEdgeProperties.Limits();
		assertThat(global.getMaxTotalBufferedBytes()).isNull();
		global.setMaxTotalBufferedBytes(DataSize.ofBytes(0));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> WsEdgePropertiesMapper.checkEdgeWide(global))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("wsedge.limits.max-total-buffered-bytes"));
	}

	@Test
	void routeCompressionInheritsTheLegsSettings() {
		WsEdgeProperties.LegCompression global = new WsEdgeProperties.LegCompression();
		global.setEnabled(true);
		global.setServerMaxWindowBits(10);
		RouteLegCompression route = new RouteLegCompression();
		route.setThreshold(DataSize.ofKilobytes(1));
		assertThat(WsEdgePropertiesMapper.compression(global, route, "wsedge.routes[0].compression.client"))
			.isEqualTo(new Compression(true, false, false, 10, 15, 1024));
	}

	@Test
	void closeCodeThatMayNotBeSentIsNamedWithTheEnginesRule() {
		WsEdgeClosePoliciesProperties properties = new WsEdgeClosePoliciesProperties();
		properties.getShutdown().setPeerCode(1005);
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> WsEdgeAutoConfiguration.closePolicies(properties))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("wsedge.close-policies.shutdown.peer-code"))
			.withMessageContaining("1000-1003, 1007-1014 or 3000-4999");
	}

	@Test
	void closeReasonTooLongIsNamed() {
		WsEdgeClosePoliciesProperties properties = new WsEdgeClosePoliciesProperties();
		properties.getRateLimit().setPeerReason("x".repeat(124));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> WsEdgeAutoConfiguration.closePolicies(properties))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("wsedge.close-policies.rate-limit.peer-reason"));
	}

	@Test
	void closePolicyDefaultsAreTheEngines() {
		WsEdgeClosePoliciesProperties properties = new WsEdgeClosePoliciesProperties();
		for (ClosePolicyKind kind : ClosePolicyKind.values()) {
			assertThat(WsEdgeAutoConfiguration.closePolicies(properties).get(kind))
				.isEqualTo(io.wsedge.policy.ClosePolicies.DEFAULTS.get(kind));
		}
	}

}
