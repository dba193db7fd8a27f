package io.wsedge.logging;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reactor Netty's HTTP client logger is quieted by default, and the application's own level wins.
 */
class UpstreamClientLogLevelTests {

	private static final String LEVEL = "logging.level." + UpstreamClientLogLevel.LOGGER;

	@Test
	void quietsTheClientLoggerByDefault() {
		MockEnvironment environment = new MockEnvironment();
		new UpstreamClientLogLevel().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(LEVEL)).isEqualTo("ERROR");
	}

	@Test
	void applicationsLevelForTheLoggerOrAParentWins() {
		for (String logger : new String[] { UpstreamClientLogLevel.LOGGER, "reactor.netty", "reactor" }) {
			MockEnvironment environment = new MockEnvironment().withProperty("logging.level." + logger, "DEBUG");
			new UpstreamClientLogLevel().postProcessEnvironment(environment, new SpringApplication());
			assertThat(environment.getProperty("logging.level." + logger)).isEqualTo("DEBUG");
			assertThat(environment.getPropertySources().contains("wsedgeLoggingDefaults")).as(logger).isFalse();
		}
	}

	@Test
	void leavesTheLoggerAloneWhenTheEdgeIsOff() {
		MockEnvironment environment = new MockEnvironment().withProperty("wsedge.enabled", "false");
		new UpstreamClientLogLevel().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(LEVEL)).isNull();
	}

}
