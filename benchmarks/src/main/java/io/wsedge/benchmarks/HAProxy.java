package io.wsedge.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * HAProxy as the second reference proxy, when Debian's package is installed ({@code apt-get install haproxy}):
 * one process with one thread, pinned like the edge and nginx, configured here in HTTP mode in front of the same
 * upstream. HAProxy forwards the upgrade request and, once the upstream answers {@code 101}, relays the bytes of
 * both directions as a tunnel without decoding frames.
 */
final class HAProxy {

	static final Path BINARY = Path.of("/usr/sbin/haproxy");

	/**
	 * Most connections: each session takes two descriptors, and HAProxy refuses to start when twice this (plus
	 * a few) exceeds the descriptor limit it inherits (20,000 on the benchmark machine, as for nginx).
	 */
	static final int MAX_CONNECTIONS = 9900;

	private HAProxy() {
	}

	static boolean installed() {
		return Files.isExecutable(BINARY);
	}

	static String version() {
		try {
			Process process = new ProcessBuilder(BINARY.toString(), "-v").redirectErrorStream(true).start();
			String out = new String(process.getInputStream().readAllBytes()).trim();
			process.waitFor();
			// "HAProxy version 2.6.12-1+deb12u4 2026/10/17 - https://haproxy.org/"
			String first = out.lines().findFirst().orElse("");
			String[] words = first.split("\\s+");
			return (words.length >= 3 && words[1].equals("version")) ? words[2] : first;
		}
		catch (Exception ex) {
			return "unknown";
		}
	}

	/**
	 * Starts HAProxy in front of an upstream.
	 * @param upstreamPort the echo upstream's port on 127.0.0.1
	 * @param dir a directory of its own for the configuration and the log
	 * @return the process and the port it listens on
	 * @throws IOException if it does not start
	 * @throws InterruptedException if interrupted
	 */
	static Running start(int upstreamPort, Path dir) throws IOException, InterruptedException {
		int port = Nginx.freePort();
		Files.createDirectories(dir);
		Path conf = dir.resolve("haproxy.cfg");
		// nbthread 1: one thread, as nginx has one worker and the edge one core. "timeout tunnel" governs a
		// connection once it is upgraded; client and server timeouts only the request and response before it.
		Files.writeString(conf, """
				global
				    nbthread 1
				    maxconn %4$d
				    log stderr format raw local0 warning
				    pidfile %1$s/haproxy.pid
				defaults
				    mode http
				    timeout connect 5s
				    timeout http-request 30s
				    timeout client 60s
				    timeout server 60s
				    timeout tunnel 3600s
				frontend ws
				    bind 127.0.0.1:%2$d backlog 4096
				    maxconn %4$d
				    default_backend echo
				backend echo
				    server echo 127.0.0.1:%3$d maxconn %4$d
				""".formatted(dir.toAbsolutePath(), port, upstreamPort, MAX_CONNECTIONS));
		// -db: in the foreground, one process, no master, so that its pid is the one that works.
		Child child = Child.start("haproxy", List.of(BINARY.toString(), "-db", "-f", conf.toAbsolutePath().toString()),
				Pinning.PROXY_CORE, dir);
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			if (!child.isAlive()) {
				throw new IOException("haproxy ended: " + child.tail());
			}
			try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
				return new Running(child, port);
			}
			catch (IOException ex) {
				Thread.sleep(100);
			}
		}
		child.close();
		throw new IOException("haproxy did not listen within 10s: " + child.tail());
	}

	/**
	 * HAProxy running.
	 *
	 * @param child its one process
	 * @param port the port it listens on
	 */
	record Running(Child child, int port) {
	}

}
