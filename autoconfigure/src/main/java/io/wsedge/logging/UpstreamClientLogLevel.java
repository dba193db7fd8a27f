package io.wsedge.logging;

import java.util.List;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Quiets Reactor Netty's HTTP client logger ({@code reactor.netty.http.client.HttpClientConnect}) to
 * {@code ERROR} unless the application sets a level for it or one of its parent packages, or turns the edge off
 * ({@code wsedge.enabled=false}).
 * <p>
 * That logger writes a WARN with a full stack trace for every failed connection ("The connection observed an
 * error") before handing the error to the caller. For the edge's upstream dials the caller is the edge, which
 * answers the client with 502, 504 or the upstream's status and logs the failure in one line (see
 * {@link io.wsedge.upgrade.UpgradeFlow#refused}): the stack trace says nothing more, and any client could fill
 * the log with it by calling a route whose upstream is down. Reactor Netty logs these errors no other way.
 */
public final class UpstreamClientLogLevel implements EnvironmentPostProcessor {

	static final String LOGGER = "reactor.netty.http.client.HttpClientConnect";

	private static final List<String> SET_BY_APPLICATION = List.of("reactor", "reactor.netty", "reactor.netty.http",
			"reactor.netty.http.client", LOGGER);

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty("wsedge.enabled", Boolean.class, true)) {
			return;
		}
		for (String logger : SET_BY_APPLICATION) {
			if (environment.containsProperty("logging.level." + logger)) {
				return;
			}
		}
		environment.getPropertySources()
			.addLast(new MapPropertySource("wsedgeLoggingDefaults", Map.of("logging.level." + LOGGER, "ERROR")));
	}

}
