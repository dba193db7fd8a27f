package io.wsedge.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process the runner starts (the edge, the echo upstream, nginx): pinned to a core with {@code taskset} when
 * asked, its output in a log file, ready once a given line appears in it, ended with the runner.
 */
final class Child implements AutoCloseable {

	private final String name;

	private final Process process;

	private final Path log;

	private Child(String name, Process process, Path log) {
		this.name = name;
		this.process = process;
		this.log = log;
	}

	/**
	 * Starts a process.
	 * @param name its name in messages and its log's name
	 * @param command the command
	 * @param core the core to pin it to, or -1
	 * @param dir where its log goes
	 * @return the process
	 * @throws IOException if it cannot start
	 */
	static Child start(String name, List<String> command, int core, Path dir) throws IOException {
		List<String> full = new ArrayList<>();
		if (core >= 0 && Pinning.available()) {
			full.addAll(List.of("taskset", "-c", Integer.toString(core)));
		}
		full.addAll(command);
		Path log = dir.resolve(name + ".log");
		Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		Child child = new Child(name, process, log);
		Runtime.getRuntime().addShutdownHook(new Thread(child::kill));
		return child;
	}

	/**
	 * A Java process on this benchmark's class path.
	 * @param jvmOptions options for the JVM
	 * @param args the arguments of {@link Bench}
	 * @return the command
	 */
	static List<String> java(List<String> jvmOptions, String... args) {
		return java(System.getProperty("java.class.path"), jvmOptions, args);
	}

	/**
	 * The command that runs {@link Bench} from another class path, such as another build's benchmarks jar.
	 * @param classPath the class path
	 * @param jvmOptions options of the JVM
	 * @param args arguments of {@link Bench}
	 * @return the command
	 */
	static List<String> java(String classPath, List<String> jvmOptions, String... args) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(classPath);
		command.add(Bench.class.getName());
		command.addAll(List.of(args));
		return command;
	}

	/**
	 * Waits for a line starting with {@code prefix} in the log and returns what follows it.
	 * @param prefix the line's start
	 * @param timeout the longest wait
	 * @return the rest of the line
	 * @throws IOException if the process ended or the line did not come
	 * @throws InterruptedException if interrupted
	 */
	String awaitLine(String prefix, Duration timeout) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (Files.exists(this.log)) {
				for (String line : Files.readAllLines(this.log)) {
					if (line.startsWith(prefix)) {
						return line.substring(prefix.length()).trim();
					}
				}
			}
			if (!this.process.isAlive()) {
				throw new IOException(this.name + " ended with " + this.process.exitValue() + ": " + tail());
			}
			Thread.sleep(100);
		}
		throw new IOException(this.name + " did not start within " + timeout + ": " + tail());
	}

	String tail() {
		try {
			List<String> lines = Files.readAllLines(this.log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
		}
		catch (IOException ex) {
			return "(no log)";
		}
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	Path log() {
		return this.log;
	}

	@Override
	public void close() {
		kill();
	}

	private void kill() {
		if (!this.process.isAlive()) {
			return;
		}
		this.process.destroy();
		try {
			if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

}
