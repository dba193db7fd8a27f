package io.wsedge.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Places processes on cores with {@code taskset}: the proxy under test alone on core 0, the load client and
 * the upstream on core 1. Without {@code taskset} or with a single core nothing is pinned, and the runner says
 * so.
 */
final class Pinning {

	/** The core of the proxy under test. */
	static final int PROXY_CORE = 0;

	/** The core of the load client and the upstream. */
	static final int LOAD_CORE = 1;

	private static volatile boolean disabled;

	private Pinning() {
	}

	static void disable() {
		disabled = true;
	}

	static boolean available() {
		return !disabled && Proc.cores() >= 2
				&& (Files.isExecutable(Path.of("/usr/bin/taskset")) || Files.isExecutable(Path.of("/bin/taskset")));
	}

	/**
	 * Pins this process, every thread of it, to the load core; threads started later inherit it.
	 * @return whether it is pinned
	 */
	static boolean pinSelf() {
		if (!available()) {
			return false;
		}
		try {
			Process process = new ProcessBuilder("taskset", "-a", "-p", "-c", Integer.toString(LOAD_CORE),
					Long.toString(ProcessHandle.current().pid())).redirectErrorStream(true).start();
			process.getInputStream().readAllBytes();
			return process.waitFor() == 0;
		}
		catch (Exception ex) {
			return false;
		}
	}

}
