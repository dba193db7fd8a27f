package io.wsedge.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What Linux tells of processes and the machine in /proc: CPU time (utime + stime of every thread), resident
 * memory, and the machine's busy time. Off Linux every figure is 0.
 */
final class Proc {

	/** Nanoseconds per clock tick ({@code getconf CLK_TCK}, 100 on Linux). */
	static final long TICK_NANOS = 1_000_000_000L / clockTicks();

	private Proc() {
	}

	static boolean available() {
		return Files.isReadable(Path.of("/proc/self/stat"));
	}

	private static long clockTicks() {
		try {
			Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
			String out = new String(process.getInputStream().readAllBytes()).trim();
			process.waitFor();
			return Long.parseLong(out);
		}
		catch (IOException | RuntimeException ex) {
			return 100;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 100;
		}
	}

	/**
	 * CPU time a process has used, user and system, all threads.
	 * @param pid the process
	 * @return nanoseconds, 0 if the process is gone
	 */
	static long cpuNanos(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			// The command name may hold spaces: fields are counted from the last ')'.
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_NANOS;
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	/**
	 * CPU time a process has used, user and system apart (system is the kernel working for it: system calls).
	 * @param pid the process
	 * @return {user, system} in nanoseconds, 0 if the process is gone
	 */
	static long[] cpuSplitNanos(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return new long[] { Long.parseLong(fields[11]) * TICK_NANOS, Long.parseLong(fields[12]) * TICK_NANOS };
		}
		catch (IOException | RuntimeException ex) {
			return new long[2];
		}
	}

	static long cpuNanos(Collection<Long> pids) {
		long total = 0;
		for (long pid : pids) {
			total += cpuNanos(pid);
		}
		return total;
	}

	/**
	 * Resident memory of a process.
	 * @param pid the process
	 * @return bytes, 0 if unknown
	 */
	static long rssBytes(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// gone
		}
		return 0;
	}

	static long rssBytes(Collection<Long> pids) {
		long total = 0;
		for (long pid : pids) {
			total += rssBytes(pid);
		}
		return total;
	}

	/**
	 * The machine's CPU time so far: busy (user, nice, system) and in soft interrupts, over all cores.
	 * @return {busy, softirq} in nanoseconds
	 */
	static long[] machine() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
				if (line.startsWith("cpu ")) {
					String[] f = line.trim().split("\\s+");
					long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]);
					long softirq = Long.parseLong(f[7]);
					return new long[] { busy * TICK_NANOS, softirq * TICK_NANOS };
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux
		}
		return new long[] { 0, 0 };
	}

	/**
	 * A process and its descendants (nginx's master and worker).
	 * @param pid the process
	 * @return the pids
	 */
	static List<Long> tree(long pid) {
		List<Long> pids = new ArrayList<>();
		pids.add(pid);
		ProcessHandle.of(pid).ifPresent((handle) -> handle.descendants().forEach((child) -> pids.add(child.pid())));
		return pids;
	}

	/** The machine's cores, counted before this process was pinned to one. */
	private static final int CORES = countCores();

	static int cores() {
		return CORES;
	}

	private static int countCores() {
		try {
			long count = Files.readAllLines(Path.of("/proc/cpuinfo"))
				.stream()
				.filter((line) -> line.startsWith("processor"))
				.count();
			if (count > 0) {
				return (int) count;
			}
		}
		catch (IOException ex) {
			// not Linux
		}
		return Runtime.getRuntime().availableProcessors();
	}

	static String cpuModel() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
				if (line.startsWith("model name")) {
					return line.substring(line.indexOf(':') + 1).trim();
				}
			}
		}
		catch (IOException ex) {
			// not Linux
		}
		return System.getProperty("os.arch");
	}

}
