package io.wsedge.benchmarks.edge;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The edge under test: an application with the starter and one route, {@code /ws}, to the echo upstream, as a
 * user's application would have it (actuator and its meter registry included). With {@link Interceptors#DEMO},
 * three interceptors like the demo's run on the route: first-message authentication and JSON validation on
 * client messages, card-number redaction (a regex and a rewrite) on upstream messages. With
 * {@link Interceptors#LIGHT}, the three light interceptors of issue 14 run instead ({@link LightInterceptors}).
 * A {@code /bench/heap} endpoint tells the live heap after a full GC.
 */
@SpringBootApplication
public class BenchEdgeApplication {

	/** The token the first-message authentication expects; the load client sends it as its preamble. */
	public static final String TOKEN = "bench-token";

	/** The preamble a client sends first when the interceptors are on. */
	public static final String PREAMBLE = "{\"token\":\"" + TOKEN + "\"}";

	/** The client-facing path of the route. */
	public static final String PATH = "/ws";

	/** What the edge prints once it serves, followed by its port. */
	public static final String READY = "wsedge-bench edge ready port=";

	/**
	 * Starts an edge.
	 * @param upstream the upstream URI, or several separated by commas for a route with a pool of targets
	 * @param port the port, 0 for any free one
	 * @param interceptors which interceptors run on the route
	 * @param compression whether both legs negotiate permessage-deflate
	 * @param servlet whether the edge runs on Spring MVC and Tomcat instead of WebFlux and Reactor Netty
	 * @return the running application
	 */
	public static ConfigurableApplicationContext start(String upstream, int port, Interceptors interceptors,
			boolean compression, boolean servlet) {
		return start(upstream, port, interceptors, compression, servlet, false, null);
	}

	/**
	 * Starts an edge, in cluster mode when a Redis server is given.
	 * @param upstream the upstream URI
	 * @param port the port, 0 for any free one
	 * @param interceptors which interceptors run on the route
	 * @param compression whether both legs negotiate permessage-deflate
	 * @param servlet whether the edge runs on Spring MVC and Tomcat instead of WebFlux and Reactor Netty
	 * @param observations whether the edge's observations ({@code wsedge.upgrade}, {@code wsedge.upstream.connect},
	 * {@code wsedge.session}) are on, recorded by Boot's meter handler into its in-memory registry; off, the edge
	 * runs as before it had them
	 * @param cluster the Redis server (host:port) of cluster mode, or {@code null} for a standalone edge
	 * @return the running application
	 */
	public static ConfigurableApplicationContext start(String upstream, int port, Interceptors interceptors,
			boolean compression, boolean servlet, boolean observations, String cluster) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.address", "127.0.0.1");
		properties.put("server.port", port);
		properties.put("spring.main.banner-mode", "off");
		// Both stacks are on the classpath; the edge runs on the one asked for.
		properties.put("spring.main.web-application-type", servlet ? "servlet" : "reactive");
		properties.put("logging.level.root", "WARN");
		properties.put("wsedge.limits.max-connections", 0);
		properties.put("wsedge.routes[0].id", "bench");
		properties.put("wsedge.routes[0].path", PATH);
		String[] upstreams = upstream.split(",");
		if (upstreams.length == 1) {
			properties.put("wsedge.routes[0].upstream", upstream);
		}
		else {
			// Issue 15's pool: several targets, round robin.
			for (int i = 0; i < upstreams.length; i++) {
				properties.put("wsedge.routes[0].upstreams[" + i + "].uri", upstreams[i]);
			}
			properties.put("wsedge.routes[0].load-balancer.strategy", "round-robin");
		}
		if (!observations) {
			properties.put("management.observations.enable.wsedge", false);
		}
		if (interceptors == Interceptors.DEMO) {
			properties.put("bench.interceptors", true);
			properties.put("wsedge.routes[0].interceptors.include", "firstMessageAuth,jsonValidator,redactor");
		}
		else if (interceptors == Interceptors.LIGHT) {
			properties.put("bench.light-interceptors", true);
			properties.put("wsedge.routes[0].interceptors.include", LightInterceptors.NAMES);
		}
		if (compression) {
			properties.put("wsedge.compression.client.enabled", true);
			properties.put("wsedge.compression.upstream.enabled", true);
		}
		if (cluster != null) {
			int colon = cluster.lastIndexOf(':');
			properties.put("spring.data.redis.host", cluster.substring(0, colon));
			properties.put("spring.data.redis.port", cluster.substring(colon + 1));
			properties.put("wsedge.cluster.enabled", true);
			// A cap every upgrade is checked against, so that each takes its Redis round trip; no load reaches it.
			properties.put("wsedge.routes[0].limits.max-connections-per-client", 1_000_000);
		}
		else {
			// Redis is on the class path for cluster runs; a standalone edge leaves it alone.
			properties.put("spring.autoconfigure.exclude",
					"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration,"
							+ "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration,"
							+ "org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration,"
							+ "org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration");
		}
		return new SpringApplicationBuilder(BenchEdgeApplication.class).properties(properties).run();
	}

	/**
	 * Runs an edge until the process is killed:
	 * {@code --upstream=ws://... | --upstreams=ws://...,ws://... [--port=N] [--interceptors | --light-interceptors]
	 * [--compression] [--servlet] [--observations] [--cluster=host:port]}.
	 * @param args the arguments
	 */
	public static void main(String[] args) {
		String upstream = null;
		int port = 0;
		Interceptors interceptors = Interceptors.NONE;
		boolean compression = false;
		boolean servlet = false;
		boolean observations = false;
		String cluster = null;
		for (String arg : args) {
			if (arg.startsWith("--upstream=")) {
				upstream = arg.substring("--upstream=".length());
			}
			else if (arg.startsWith("--upstreams=")) {
				upstream = arg.substring("--upstreams=".length());
			}
			else if (arg.startsWith("--port=")) {
				port = Integer.parseInt(arg.substring("--port=".length()));
			}
			else if (arg.equals("--interceptors")) {
				interceptors = Interceptors.DEMO;
			}
			else if (arg.equals("--light-interceptors")) {
				interceptors = Interceptors.LIGHT;
			}
			else if (arg.equals("--compression")) {
				compression = true;
			}
			else if (arg.equals("--servlet")) {
				servlet = true;
			}
			else if (arg.equals("--observations")) {
				observations = true;
			}
			else if (arg.startsWith("--cluster=")) {
				cluster = arg.substring("--cluster=".length());
			}
		}
		if (upstream == null) {
			throw new IllegalArgumentException("--upstream=ws://host:port/ is required");
		}
		io.wsedge.benchmarks.Bench.exitWithParent();
		ConfigurableApplicationContext context = start(upstream, port, interceptors, compression, servlet,
				observations, cluster);
		System.out.println(READY + context.getEnvironment().getProperty("local.server.port"));
		System.out.flush();
	}

	/** The frame interceptors on the route. */
	public enum Interceptors {

		/** None: the plain relay. */
		NONE,

		/** The demo's three: first-message authentication, JSON validation, card-number redaction. */
		DEMO,

		/** Issue 14's three light ones: a text check, a session attribute update, an upstream rewrite. */
		LIGHT

	}

}
