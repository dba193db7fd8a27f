package io.wsedge.testsupport;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ConfigurableApplicationContext;

import io.wsedge.engine.EdgeEngine;

/**
 * An edge in a JVM of its own, with a heap of its own size, for tests that attack its memory. The child reports
 * its port, then every 100 ms its live heap (what the last collection left), direct memory and open sessions,
 * on standard output.
 */
public final class EdgeProcess implements AutoCloseable {

	private final Process process;

	private final CompletableFuture<Integer> port = new CompletableFuture<>();

	private final AtomicLong maxHeap = new AtomicLong();

	private final AtomicLong maxDirect = new AtomicLong();

	private volatile long sessions = -1;

	private final List<String> output = new ArrayList<>();

	private EdgeProcess(Process process) {
		this.process = process;
		Thread reader = new Thread(this::read, "edge-process-output");
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Starts an edge on the reactive stack in a child JVM.
	 * @param heap the child's maximum heap, such as {@code 256m}
	 * @param properties application properties
	 * @return the running edge, once it listens
	 * @throws IOException if the child cannot start
	 */
	public static EdgeProcess start(String heap, Map<String, String> properties) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
		command.add("-Xmx" + heap);
		command.add("-XX:MaxDirectMemorySize=" + heap);
		command.add("-XX:+ExitOnOutOfMemoryError");
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(EdgeProcess.class.getName());
		command.add("--server.port=0");
		command.add("--server.address=127.0.0.1");
		command.add("--spring.main.banner-mode=off");
		command.add("--logging.level.root=WARN");
		// As EdgeApp: without Spring Security, which is on the test class path for the authentication tests.
		Map<String, String> all = new java.util.LinkedHashMap<>(properties);
		all.merge("spring.autoconfigure.exclude", EdgeApp.SECURITY, (own, ours) -> own + "," + ours);
		all.forEach((key, value) -> command.add("--" + key + "=" + value));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		EdgeProcess edge = new EdgeProcess(process);
		try {
			edge.port.get(60, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			edge.close();
			throw new IllegalStateException("The edge did not start: " + edge.output(), ex);
		}
		return edge;
	}

	private void read() {
		try (BufferedReader in = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = in.readLine(); line != null; line = in.readLine()) {
				if (line.startsWith("EDGE-PORT ")) {
					this.port.complete(Integer.parseInt(line.substring(10).trim()));
				}
				else if (line.startsWith("EDGE-STATS ")) {
					String[] parts = line.substring(11).trim().split(" ");
					this.maxHeap.accumulateAndGet(Long.parseLong(parts[0]), Math::max);
					this.maxDirect.accumulateAndGet(Long.parseLong(parts[1]), Math::max);
					this.sessions = Long.parseLong(parts[2]);
				}
				else {
					synchronized (this.output) {
						if (this.output.size() < 500) {
							this.output.add(line);
						}
					}
				}
			}
		}
		catch (IOException ex) {
			// The child has gone.
		}
	}

	public int port() {
		return this.port.join();
	}

	/** The most live heap the child held after a collection since the last reset, in bytes. */
	public long maxHeap() {
		return this.maxHeap.get();
	}

	/** The most direct memory the child used since the last reset, in bytes. */
	public long maxDirect() {
		return this.maxDirect.get();
	}

	public void resetMaxima() {
		this.maxHeap.set(0);
		this.maxDirect.set(0);
	}

	/** Open sessions at the child's last report. */
	public long sessions() {
		return this.sessions;
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	/** Waits until the child reports no open session, failing after the timeout. */
	public void awaitNoSessions(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.sessions != 0) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("The edge still holds " + this.sessions + " sessions; output: " + output());
			}
			Thread.sleep(50);
		}
	}

	public String output() {
		synchronized (this.output) {
			return String.join("\n", this.output);
		}
	}

	/**
	 * Kills the child at once (SIGKILL): no shutdown hook, no drain, nothing given back; waits until it is gone.
	 */
	public void kill() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor(20, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The child's entry point.
	 * @param args application arguments
	 */
	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(TestEdgeApplication.class,
				InspectorConfiguration.class);
		application.addListeners((WebServerInitializedEvent event) -> System.out
			.println("EDGE-PORT " + event.getWebServer().getPort()));
		ConfigurableApplicationContext context = application.run(args);
		EdgeEngine engine = context.getBean(EdgeEngine.class);
		Thread stats = new Thread(() -> {
			while (true) {
				long heap = MemorySampler.liveHeap();
				long direct = MemorySampler.direct();
				System.out.println("EDGE-STATS " + heap + " " + direct + " " + engine.sessions().size());
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "edge-stats");
		stats.setDaemon(true);
		stats.start();
	}

}
