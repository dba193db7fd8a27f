package io.wsedge.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

import io.wsedge.benchmarks.edge.BenchEdgeApplication;
import io.wsedge.benchmarks.netty.EchoServer;

/**
 * The benchmarks' one entry point: {@code java -jar benchmarks/target/wsedge-benchmarks.jar [command] [options]}.
 * <ul>
 * <li>{@code run} (the default): every load scenario against the direct upstream, the edge, nginx and HAProxy,
 * side by side; {@code --quick} for shorter windows, {@code --docs=docs/benchmarks.md} to write the results there;</li>
 * <li>{@code jmh [JMH options]}: the JMH suite of the per-message path (for example {@code jmh -prof gc});</li>
 * <li>{@code soak [options]}: numbered messages through the edge for a given time;</li>
 * <li>{@code edge} and {@code upstream}: the processes the runner starts.</li>
 * </ul>
 */
public final class Bench {

	/** What the upstream process prints once it listens, followed by its port. */
	static final String UPSTREAM_READY = "wsedge-bench upstream ready port=";

	/** Where {@code --docs} writes the results, between these lines. */
	static final String BEGIN = "<!-- results:begin -->";

	static final String END = "<!-- results:end -->";

	private Bench() {
	}

	public static void main(String[] args) throws Exception {
		String command = (args.length > 0 && !args[0].startsWith("-")) ? args[0] : "run";
		String[] rest = (args.length > 0 && !args[0].startsWith("-")) ? Arrays.copyOfRange(args, 1, args.length)
				: args;
		switch (command) {
			case "run" -> System.exit(run(rest) ? 0 : 1);
			case "jmh" -> org.openjdk.jmh.Main.main(rest);
			case "soak" -> System.exit(Soak.main(rest) ? 0 : 1);
			case "edge" -> BenchEdgeApplication.main(rest);
			case "upstream" -> upstream(rest);
			case "help", "--help", "-h" -> usage();
			default -> {
				usage();
				System.exit(2);
			}
		}
	}

	private static void usage() {
		System.out.println("""
				usage: java -jar benchmarks/target/wsedge-benchmarks.jar [command] [options]
				  run (default)  every scenario against direct, the edge, nginx and HAProxy, side by side
				      --quick              shorter windows (2 s warm-up, 4 s measured)
				      --warmup=3s --measure=8s    the windows of each run
				      --idle-sessions=9000 --fan-in=1000   scenario sizes (0 skips)
				      --no-nginx --no-haproxy      leave out a reference proxy
				      --no-interceptors --no-light --no-compression --no-servlet   leave out a pass
				      --no-pin             no pinning to cores
				      --observations       adds a pass with the edge's observations on (rows +observed;
				                           the other passes run with them off)
				      --retries=2          runs a row again while other processes used over 25% of a core
				      --histogram          the edge's heap by class around the idle pass
				      --jfr                a JFR recording of each edge and where its time went in each
				                           measured window (in the run's log directory, jfr/)
				      --baseline=JAR       also runs the edge of another build (its benchmarks jar), as
				                           target "baseline", beside this one in the plain pass
				      --docs=docs/benchmarks.md   also write the results into that file
				      --cluster=127.0.0.1:6379     adds a pass with the edge in cluster mode against that Redis
				                           (rows +cluster, idle row "edge, cluster mode")
				  jmh [JMH options]  the JMH suite, e.g. jmh -prof gc
				  soak [--duration=10m --rate=2000 --connections=20 --docs=docs/soak.md]
				""");
	}

	static boolean run(String[] args) throws IOException, InterruptedException {
		Runner.Settings settings = Runner.Settings.defaults();
		String docs = null;
		boolean nginx = true;
		boolean haproxy = true;
		boolean interceptors = true;
		boolean light = true;
		boolean compression = true;
		boolean servlet = true;
		boolean pin = true;
		boolean histogram = false;
		boolean jfr = false;
		boolean observations = false;
		Path baseline = null;
		String cluster = null;
		int retries = 2;
		for (String arg : args) {
			if (arg.equals("--quick")) {
				settings = Runner.Settings.quick();
			}
			else if (arg.equals("--smoke")) {
				settings = Runner.Settings.smoke();
			}
		}
		for (String arg : args) {
			String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
			if (arg.startsWith("--warmup=")) {
				settings = settings.withTimes(duration(value), settings.measure());
			}
			else if (arg.startsWith("--measure=")) {
				settings = settings.withTimes(settings.warmup(), duration(value));
			}
			else if (arg.startsWith("--idle-sessions=")) {
				settings = settings.withIdleSessions(Integer.parseInt(value));
			}
			else if (arg.startsWith("--fan-in=")) {
				settings = settings.withFanIn(Integer.parseInt(value));
			}
			else if (arg.startsWith("--docs=")) {
				docs = value;
			}
			else if (arg.equals("--no-nginx")) {
				nginx = false;
			}
			else if (arg.equals("--no-haproxy")) {
				haproxy = false;
			}
			else if (arg.equals("--no-light")) {
				light = false;
			}
			else if (arg.equals("--no-interceptors")) {
				interceptors = false;
			}
			else if (arg.equals("--no-compression")) {
				compression = false;
			}
			else if (arg.equals("--no-servlet")) {
				servlet = false;
			}
			else if (arg.equals("--no-pin")) {
				pin = false;
			}
			else if (arg.startsWith("--retries=")) {
				retries = Integer.parseInt(value);
			}
			else if (arg.equals("--jfr")) {
				jfr = true;
			}
			else if (arg.equals("--observations")) {
				observations = true;
			}
			else if (arg.equals("--histogram")) {
				histogram = true;
			}
			else if (arg.startsWith("--baseline=")) {
				baseline = Path.of(value);
			}
			else if (arg.startsWith("--cluster=")) {
				cluster = value;
			}
			else if (!arg.equals("--quick") && !arg.equals("--smoke")) {
				throw new IllegalArgumentException("Unknown option: " + arg);
			}
		}
		settings = settings
			.withSwitches(new Runner.Switches(nginx, haproxy, interceptors, light, compression, servlet, pin));
		Path dir = Path.of(System.getProperty("java.io.tmpdir"),
				"wsedge-bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
		Report report = new Runner(settings, System.out, dir).histogram(histogram)
			.jfr(jfr)
			.retries(retries)
			.observations(observations)
			.cluster(cluster)
			.baseline(baseline)
			.run();
		String markdown = report.markdown();
		System.out.println();
		System.out.println(markdown);
		if (docs != null) {
			writeSection(Path.of(docs), markdown);
			System.out.println("Results written to " + docs);
		}
		return report.traffic().stream().allMatch((row) -> row.messages() > 0);
	}

	/**
	 * Replaces what stands between {@link #BEGIN} and {@link #END} in a Markdown file (or appends both).
	 * @param file the file
	 * @param content the new content
	 * @throws IOException if the file cannot be written
	 */
	public static void writeSection(Path file, String content) throws IOException {
		String text = Files.exists(file) ? Files.readString(file) : "";
		int begin = text.indexOf(BEGIN);
		int end = text.indexOf(END);
		String section = BEGIN + "\n" + content.strip() + "\n" + END;
		if (begin >= 0 && end > begin) {
			text = text.substring(0, begin) + section + text.substring(end + END.length());
		}
		else {
			text = text + "\n" + section + "\n";
		}
		Files.writeString(file, text);
	}

	/**
	 * Parses {@code 500ms}, {@code 10s}, {@code 5m} or {@code 1h}.
	 * @param text the text
	 * @return the duration
	 */
	public static Duration duration(String text) {
		String value = text.trim().toLowerCase(java.util.Locale.ROOT);
		if (value.endsWith("ms")) {
			return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
		}
		long amount = Long.parseLong(value.substring(0, value.length() - 1));
		return switch (value.charAt(value.length() - 1)) {
			case 's' -> Duration.ofSeconds(amount);
			case 'm' -> Duration.ofMinutes(amount);
			case 'h' -> Duration.ofHours(amount);
			default -> throw new IllegalArgumentException("Not a duration: " + text);
		};
	}

	/**
	 * Ends this process when the one that started it ends, so that no child of the runner outlives it.
	 */
	public static void exitWithParent() {
		ProcessHandle.current().parent().ifPresent((parent) -> parent.onExit().thenRun(() -> System.exit(0)));
	}

	private static void upstream(String[] args) throws InterruptedException {
		int port = 0;
		int threads = 1;
		for (String arg : args) {
			if (arg.startsWith("--port=")) {
				port = Integer.parseInt(arg.substring(7));
			}
			else if (arg.startsWith("--threads=")) {
				threads = Integer.parseInt(arg.substring(10));
			}
		}
		exitWithParent();
		EchoServer server = EchoServer.start("127.0.0.1", port, threads);
		Runtime.getRuntime().addShutdownHook(new Thread(server::close));
		System.out.println(UPSTREAM_READY + server.port());
		System.out.flush();
		new CountDownLatch(1).await();
	}

}
