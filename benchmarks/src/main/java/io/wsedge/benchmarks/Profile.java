package io.wsedge.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JVM's time went in one window of a JFR recording: its {@code jdk.ExecutionSample} events (Java code
 * on a CPU; JFR does not sample threads in native code or the kernel) counted by top frame, by the layer the
 * top frame belongs to, by the layers anywhere on the stack (a sample counts in each layer it passes through,
 * so those shares add up to more than 100%), and by thread.
 */
final class Profile {

	/**
	 * Layers by package, first match wins for the top frame. The order puts the narrower prefix first.
	 */
	private static final List<Layer> LAYERS = List.of(
			layer("wsedge", "io.wsedge."),
			layer("Netty WebSocket codec", "io.netty.handler.codec.http.websocketx."),
			layer("Netty HTTP codec", "io.netty.handler.codec.http."),
			layer("Netty epoll transport", "io.netty.channel.epoll."),
			layer("Netty buffers", "io.netty.buffer.", "io.netty.util.Recycler",
					"io.netty.util.internal.PlatformDependent"),
			layer("Netty (other)", "io.netty."),
			layer("Reactor Netty HTTP client", "reactor.netty.http.client.", "reactor.netty.resources.",
					"reactor.netty.transport.ClientTransport", "reactor.netty.transport.TransportConnector"),
			layer("Reactor Netty HTTP server", "reactor.netty.http.server.", "reactor.netty.transport.ServerTransport"),
			layer("Reactor Netty (other)", "reactor.netty."),
			layer("Reactor Core", "reactor.core.", "reactor.util."),
			layer("Micrometer", "io.micrometer."),
			layer("Spring WebFlux", "org.springframework.web.reactive.", "org.springframework.web.server.",
					"org.springframework.http.server.reactive."),
			layer("Spring MVC and WebSocket", "org.springframework.web.servlet.", "org.springframework.web.socket.",
					"org.springframework.web.filter."),
			layer("Spring (other)", "org.springframework."),
			layer("Tomcat WebSocket", "org.apache.tomcat.websocket."),
			layer("Tomcat", "org.apache.tomcat.", "org.apache.coyote.", "org.apache.catalina."),
			layer("Logging", "ch.qos.logback.", "org.slf4j.", "org.apache.logging."),
			layer("JDK NIO", "sun.nio.", "java.nio."),
			layer("JDK", "java.", "jdk.", "sun.", "com.sun."));

	/**
	 * Steps anywhere on the stack that the profiles of issue 14 ask about: the upgrade's route through WebFlux,
	 * its observation, the upstream dial, and the servlet stack's hand-offs.
	 */
	private static final List<Layer> STEPS = List.of(
			step("WebFlux DispatcherHandler",
					(frame) -> frame.startsWith("org.springframework.web.reactive.DispatcherHandler.")),
			step("handler mapping (any *HandlerMapping)", (frame) -> frame.contains("HandlerMapping.")),
			step("observation (Micrometer, http.server.requests)",
					(frame) -> frame.startsWith("io.micrometer.observation.") || frame.contains("Observation")),
			step("Reactor Netty HTTP client (upstream dial, handshake)",
					(frame) -> frame.startsWith("reactor.netty.http.client.")
							|| frame.startsWith("reactor.netty.resources.")),
			step("Reactor Netty HTTP server", (frame) -> frame.startsWith("reactor.netty.http.server.")),
			step("wsedge", (frame) -> frame.startsWith("io.wsedge.") && !frame.startsWith("io.wsedge.benchmarks.")),
			step("Netty WebSocket codec", (frame) -> frame.startsWith("io.netty.handler.codec.http.websocketx.")),
			step("Tomcat WebSocket", (frame) -> frame.startsWith("org.apache.tomcat.websocket.")),
			step("Tomcat",
					(frame) -> frame.startsWith("org.apache.coyote.") || frame.startsWith("org.apache.tomcat.util.")),
			step("socket reads and writes (JDK NIO, Netty epoll)",
					(frame) -> frame.startsWith("sun.nio.ch.") || frame.startsWith("io.netty.channel.epoll.Native.")
							|| frame.startsWith("io.netty.channel.unix.")),
			step("logging", (frame) -> frame.startsWith("ch.qos.logback.") || frame.startsWith("org.slf4j.")));

	private final Map<String, Integer> topFrames = new HashMap<>();

	private final Map<String, Integer> topLayers = new HashMap<>();

	private final Map<String, Integer> steps = new LinkedHashMap<>();

	private final Map<String, Integer> threads = new HashMap<>();

	private int samples;

	private Profile() {
	}

	/**
	 * Reads a recording once and profiles each window of it.
	 * @param recording the JFR file
	 * @param windows the windows (their {@code from} and {@code to})
	 * @return a profile per window, in the order given
	 * @throws IOException if the file cannot be read
	 */
	static List<Profile> of(Path recording, List<Window> windows) throws IOException {
		List<Profile> profiles = new ArrayList<>();
		for (int i = 0; i < windows.size(); i++) {
			profiles.add(new Profile());
		}
		try (RecordingFile file = new RecordingFile(recording)) {
			while (file.hasMoreEvents()) {
				RecordedEvent event = file.readEvent();
				if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
					continue;
				}
				Instant time = event.getStartTime();
				for (int i = 0; i < windows.size(); i++) {
					Window window = windows.get(i);
					if (!time.isBefore(window.from()) && time.isBefore(window.to())) {
						profiles.get(i).add(event);
					}
				}
			}
		}
		return profiles;
	}

	private void add(RecordedEvent event) {
		RecordedStackTrace stack = event.getStackTrace();
		if (stack == null || stack.getFrames().isEmpty()) {
			return;
		}
		this.samples++;
		List<RecordedFrame> frames = stack.getFrames();
		String top = name(frames.get(0));
		this.topFrames.merge(top, 1, Integer::sum);
		this.topLayers.merge(layerOf(top), 1, Integer::sum);
		for (Layer step : STEPS) {
			for (RecordedFrame frame : frames) {
				if (step.matches().test(name(frame))) {
					this.steps.merge(step.name(), 1, Integer::sum);
					break;
				}
			}
		}
		RecordedThread thread = event.getThread("sampledThread");
		String threadName = (thread != null && thread.getJavaName() != null) ? thread.getJavaName() : "?";
		// reactor-http-epoll-1 and -2, http-nio-8080-exec-7 and -8: one row per pool.
		this.threads.merge(threadName.replaceAll("\\d+", "N"), 1, Integer::sum);
	}

	private static String name(RecordedFrame frame) {
		return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
	}

	private static String layerOf(String frame) {
		for (Layer layer : LAYERS) {
			if (layer.matches().test(frame)) {
				return layer.name();
			}
		}
		return "other";
	}

	int samples() {
		return this.samples;
	}

	/**
	 * The profile as Markdown.
	 * @param title what the window was
	 * @param top how many top frames
	 * @return the tables
	 */
	String markdown(String title, int top) {
		StringBuilder md = new StringBuilder();
		md.append("#### ").append(title).append(" (").append(this.samples).append(" samples)\n\n");
		if (this.samples == 0) {
			return md.append("No samples in this window.\n").toString();
		}
		table(md, "Layer of the top frame (self time)", this.topLayers, Integer.MAX_VALUE);
		table(md, "Steps anywhere on the stack (a sample counts in each it passes through)", this.steps,
				Integer.MAX_VALUE);
		table(md, "Top frames (self time)", this.topFrames, top);
		table(md, "Threads", this.threads, 8);
		return md.toString();
	}

	private void table(StringBuilder md, String heading, Map<String, Integer> counts, int limit) {
		md.append("| ").append(heading).append(" | samples | share |\n| --- | ---: | ---: |\n");
		counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
			.limit(limit)
			.forEach((entry) -> md.append(String.format(Locale.ROOT, "| `%s` | %d | %.1f%% |%n", entry.getKey(),
					entry.getValue(), 100.0 * entry.getValue() / this.samples)));
		md.append('\n');
	}

	private static Layer layer(String name, String... prefixes) {
		return new Layer(name, (frame) -> {
			for (String prefix : prefixes) {
				if (frame.startsWith(prefix)) {
					return true;
				}
			}
			return false;
		});
	}

	private static Layer step(String name, Predicate<String> matches) {
		return new Layer(name, matches);
	}

	/**
	 * A group of frames.
	 *
	 * @param name its name in the tables
	 * @param matches whether a frame ({@code class.method}) belongs to it
	 */
	private record Layer(String name, Predicate<String> matches) {
	}

	/**
	 * A measured window of a recording.
	 *
	 * @param name what ran in it
	 * @param from its start
	 * @param to its end
	 */
	record Window(String name, Instant from, Instant to) {
	}

}
