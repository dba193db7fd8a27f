package io.wsedge.testsupport;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.wsedge.proxy.EdgeEngine;

/**
 * A real edge: a Spring Boot application with the starter's auto-configuration on a free port.
 */
public final class EdgeApp implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private EdgeApp(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Starts an edge.
	 * @param properties application properties, such as the routes
	 * @param sources extra configuration classes (interceptor beans)
	 * @return the running edge
	 */
	public static EdgeApp start(Map<String, String> properties, Class<?>... sources) {
		List<String> args = new ArrayList<>();
		args.add("server.port=0");
		args.add("server.address=127.0.0.1");
		args.add("spring.main.banner-mode=off");
		properties.forEach((key, value) -> args.add(key + "=" + value));
		Class<?>[] all = new Class<?>[sources.length + 1];
		all[0] = TestEdgeApplication.class;
		System.arraycopy(sources, 0, all, 1, sources.length);
		SpringApplication application = new SpringApplicationBuilder(all).web(WebApplicationType.REACTIVE)
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
