package io.wsedge.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * nginx as the reference proxy, when Debian's package is installed ({@code apt-get install nginx-light} or
 * {@code nginx}): one worker, pinned like the edge, configured here as a WebSocket reverse proxy on loopback
 * in front of the same upstream.
 */
final class Nginx {

	static final Path BINARY = Path.of("/usr/sbin/nginx");

	private Nginx() {
	}

	static boolean installed() {
		return Files.isExecutable(BINARY);
	}

	static String version() {
		try {
			Process process = new ProcessBuilder(BINARY.toString(), "-v").redirectErrorStream(true).start();
			String out = new String(process.getInputStream().readAllBytes()).trim();
			process.waitFor();
			return out.replace("nginx version: ", "");
		}
		catch (Exception ex) {
			return "unknown";
		}
	}

	/**
	 * Starts nginx in front of an upstream.
	 * @param upstreamPort the echo upstream's port on 127.0.0.1
	 * @param dir a directory of its own for the configuration, logs and temp files
	 * @return the process and the port it listens on
	 * @throws IOException if it does not start
	 * @throws InterruptedException if interrupted
	 */
	static Running start(int upstreamPort, Path dir) throws IOException, InterruptedException {
		int port = freePort();
		Path conf = dir.resolve("nginx.conf");
		Files.createDirectories(dir.resolve("temp"));
		String user = "root".equals(System.getProperty("user.name")) ? "user root root;\n" : "";
		Files.writeString(conf, user + """
				worker_processes 1;
				daemon off;
				master_process on;
				pid %1$s/nginx.pid;
				error_log %1$s/error.log warn;
				worker_rlimit_nofile 20000;
				events {
				    worker_connections 19500;
				    multi_accept on;
				}
				http {
				    access_log off;
				    client_body_temp_path %1$s/temp/body;
				    proxy_temp_path %1$s/temp/proxy;
				    fastcgi_temp_path %1$s/temp/fastcgi;
				    uwsgi_temp_path %1$s/temp/uwsgi;
				    scgi_temp_path %1$s/temp/scgi;
				    server {
				        listen 127.0.0.1:%2$d backlog=4096;
				        location / {
				            proxy_pass http://127.0.0.1:%3$d;
				            proxy_http_version 1.1;
				            proxy_set_header Upgrade $http_upgrade;
				            proxy_set_header Connection "upgrade";
				            proxy_set_header Host $host;
				            proxy_read_timeout 3600s;
				            proxy_send_timeout 3600s;
				        }
				    }
				}
				""".formatted(dir.toAbsolutePath(), port, upstreamPort));
		Child child = Child.start("nginx", List.of(BINARY.toString(), "-p", dir.toAbsolutePath().toString(), "-c",
				conf.toAbsolutePath().toString()), Pinning.PROXY_CORE, dir);
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			if (!child.isAlive()) {
				throw new IOException("nginx ended: " + child.tail() + readError(dir));
			}
			try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
				return new Running(child, port);
			}
			catch (IOException ex) {
				Thread.sleep(100);
			}
		}
		child.close();
		throw new IOException("nginx did not listen within 10s" + readError(dir));
	}

	private static String readError(Path dir) {
		try {
			return "\n" + Files.readString(dir.resolve("error.log"));
		}
		catch (IOException ex) {
			return "";
		}
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/**
	 * nginx running.
	 *
	 * @param child the master process (its worker is a child of it)
	 * @param port the port it listens on
	 */
	record Running(Child child, int port) {
	}

}
