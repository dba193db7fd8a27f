package io.wsedge.testsupport;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.wsedge.engine.EdgeEngine;

/**
 * A real edge: a Spring Boot application with the starter's auto-configuration on a free port, on either
 * server stack.
 */
public final class EdgeApp implements AutoCloseable {

	/** The server stack an edge runs on. */
	public enum Stack {

		/** Spring WebFlux on Reactor Netty. */
		REACTIVE(WebApplicationType.REACTIVE),

		/** Spring MVC with Spring's WebSocket support on Tomcat. */
		SERVLET(WebApplicationType.SERVLET);

		private final WebApplicationType type;

		Stack(WebApplicationType type) {
			this.type = type;
		}

	}

	private static final String TOMCAT_REACTIVE_MANAGEMENT = "org.springframework.boot.tomcat.autoconfigure.actuate.web."
			+ "server.TomcatReactiveManagementContextAutoConfiguration";

	/**
	 * Spring Security is on the test class path for the tests of authentication at the upgrade; every other edge
	 * runs without it, as an application without Spring Security does.
	 */
	static final String SECURITY = String.join(",",
			"org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
			"org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration",
			"org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
			"org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration",
			"org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.reactive.ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration");

	/**
	 * Spring Data Redis is on the test class path for the cluster tests; every other edge runs without its
	 * auto-configuration (and its health contributor, which would report a Redis nobody uses).
	 */
	static final String REDIS = String.join(",",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.observation.LettuceObservationAutoConfiguration");

	private final ConfigurableApplicationContext context;

	private EdgeApp(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Starts an edge on the reactive stack.
	 * @param properties application properties, such as the routes
	 * @param sources extra configuration classes (interceptor beans)
	 * @return the running edge
	 */
	public static EdgeApp start(Map<String, String> properties, Class<?>... sources) {
		return start(Stack.REACTIVE, properties, sources);
	}

	/**
	 * Starts an edge.
	 * @param stack the server stack
	 * @param properties application properties, such as the routes
	 * @param sources extra configuration classes (interceptor beans)
	 * @return the running edge
	 */
	public static EdgeApp start(Stack stack, Map<String, String> properties, Class<?>... sources) {
		return start(stack, properties, false, sources);
	}

	/**
	 * Starts an edge with Spring Security's auto-configuration.
	 * @param stack the server stack
	 * @param properties application properties, such as the routes
	 * @param sources extra configuration classes (security filter chains, decoders)
	 * @return the running edge
	 */
	public static EdgeApp startSecured(Stack stack, Map<String, String> properties, Class<?>... sources) {
		return start(stack, properties, true, sources);
	}

	private static EdgeApp start(Stack stack, Map<String, String> properties, boolean secured, Class<?>... sources) {
		List<String> args = new ArrayList<>();
		args.add("server.port=0");
		args.add("server.address=127.0.0.1");
		args.add("spring.main.banner-mode=off");
		Map<String, String> all = new LinkedHashMap<>(properties);
		if (stack == Stack.REACTIVE) {
			// Tomcat is on the test class path for the servlet stack. On the reactive stack with a management port
			// of its own, Boot would set up a Tomcat management server beside Reactor Netty's and fail on the clash.
			all.merge("spring.autoconfigure.exclude", TOMCAT_REACTIVE_MANAGEMENT, (own, ours) -> own + "," + ours);
		}
		if (!secured) {
			all.merge("spring.autoconfigure.exclude", SECURITY, (own, ours) -> own + "," + ours);
		}
		if (!"true".equals(all.get("wsedge.cluster.enabled"))) {
			all.merge("spring.autoconfigure.exclude", REDIS, (own, ours) -> own + "," + ours);
		}
		all.forEach((key, value) -> args.add(key + "=" + value));
		Class<?>[] classes = new Class<?>[sources.length + 1];
		classes[0] = TestEdgeApplication.class;
		System.arraycopy(sources, 0, classes, 1, sources.length);
		SpringApplication application = new SpringApplicationBuilder(classes).web(stack.type)
			.properties(args.toArray(String[]::new))
			.build();
		return new EdgeApp(application.run());
	}

	public int port() {
		return Integer.parseInt(this.context.getEnvironment().getProperty("local.server.port"));
	}

	public URI ws(String pathAndQuery) {
		return URI.create("ws://127.0.0.1:" + port() + pathAndQuery);
	}

	public EdgeEngine engine() {
		return this.context.getBean(EdgeEngine.class);
	}

	public ConfigurableApplicationContext context() {
		return this.context;
	}

	/** Waits until the edge holds no session, failing with what it still holds. */
	public void awaitNoSessions() {
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
		while (!engine().sessions().isEmpty()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("The edge still holds " + engine().sessions());
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

}
