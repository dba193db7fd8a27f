package io.wsedge.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.wsedge.benchmarks.Results.Idle;
import io.wsedge.benchmarks.Results.Traffic;
import io.wsedge.benchmarks.edge.BenchEdgeApplication;
import io.wsedge.benchmarks.load.LoadClient;
import io.wsedge.benchmarks.load.Workload;

/**
 * Runs every scenario against the direct upstream, the edge, nginx and HAProxy (each when installed) in the same
 * run, and reports them side by side. The edge and the reference proxies run alone on core 0 (only one of them
 * carries traffic at a time); this process (the load client) and the
 * upstream share core 1. Every figure is taken over the same measured window: the counters of the load
 * client, and the CPU time of every process from /proc, from which the CPU other processes used is derived.
 */
final class Runner {

	/** Upstream event loops: one, on the load core. */
	private static final int UPSTREAM_THREADS = 1;

	private final Settings settings;

	private final PrintStream out;

	private final Path dir;

	private final List<Traffic> traffic = new ArrayList<>();

	/** The idle row of the edge whose route has three targets, round robin. */
	static final String POOL_TARGET = "edge, 3 targets round-robin";

	static final String CLUSTER_TARGET = "edge, cluster mode";

	/** The one-target edge measured beside {@link #POOL_TARGET}, alike. */
	static final String ONE_TARGET = "edge, 1 target, beside the pool";

	private final List<Idle> idle = new ArrayList<>();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private Child upstream;

	private Child edge;

	private int edgePort;

	private Nginx.Running nginx;

	private HAProxy.Running haproxy;

	private boolean histogram;

	private Path baseline;

	private Child baselineEdge;

	private int baselinePort;

	private int retries;

	private String idleHistogram;

	private boolean jfr;

	/** Whether to run the scenarios again with the edge's observations on. */
	private boolean observations;

	/** The Redis (host:port) the edge shares its cluster state through, or {@code null} for a standalone edge. */
	private String cluster;

	/** The edge's measured windows since it started, profiled from its recording when it stops. */
	private final List<Profiled> profiled = new ArrayList<>();

	/** The window {@link #measureOnce} measured last, when profiling. */
	private Profiled lastWindow;

	private Mode mode;

	Runner(Settings settings, PrintStream out, Path dir) {
		this.settings = settings;
		this.out = out;
		this.dir = dir;
	}

	/**
	 * Also takes class histograms of the edge around the measured idle pass, to tell where a session's heap
	 * goes.
	 * @param histogram whether to
	 * @return this runner
	 */
	Runner histogram(boolean histogram) {
		this.histogram = histogram;
		return this;
	}

	/**
	 * Runs a traffic scenario again, up to {@code retries} times, while other processes took more than
	 * {@link Report#NOISY_PERCENT} of a core during it, and keeps the quietest run.
	 * @param retries the most runs again
	 * @return this runner
	 */
	Runner retries(int retries) {
		this.retries = retries;
		return this;
	}

	/**
	 * Also runs the edge of another build in the plain pass, as target {@code baseline}, so that a change is
	 * measured against what it changes in one run.
	 * @param jar the other build's benchmarks jar, or {@code null}
	 * @return this runner
	 */
	Runner baseline(Path jar) {
		this.baseline = jar;
		return this;
	}

	/**
	 * Records a JFR of each edge ({@code settings=profile}) and writes, when the edge stops, where its time went
	 * in each measured window.
	 * @param jfr whether to
	 * @return this runner
	 */
	Runner jfr(boolean jfr) {
		this.jfr = jfr;
		return this;
	}

	/**
	 * Runs the scenarios again on an edge whose {@code wsedge.*} observations are on (per message nothing is
	 * observed), as target {@code edge} in rows {@code <scenario>+observed}; the plain pass runs with them off.
	 * @param observations whether to add the pass
	 * @return this runner
	 */
	Runner observations(boolean observations) {
		this.observations = observations;
		return this;
	}

	/**
	 * Adds a pass on an edge in cluster mode against a Redis server, as target {@code edge} in rows
	 * {@code <scenario>+cluster} and the idle row {@value #CLUSTER_TARGET}, beside the plain pass: each upgrade
	 * then takes one Redis round trip (a per-client cap is set so that the quota script runs), messages none.
	 * @param redis the Redis server as host:port, or {@code null} for no such pass
	 * @return this runner
	 */
	Runner cluster(String redis) {
		this.cluster = redis;
		return this;
	}

	/** The idle sessions' heap by class, when {@link #histogram} was asked for. */
	String idleHistogram() {
		return this.idleHistogram;
	}

	Report run() throws IOException, InterruptedException {
		if (!this.settings.pin()) {
			Pinning.disable();
		}
		boolean pinned = Pinning.pinSelf();
		this.out.println("wsedge benchmark: " + Proc.cores() + " cores, " + Proc.cpuModel() + ", Java "
				+ Runtime.version()
				+ (pinned ? "; edge, nginx and HAProxy on core 0, load client and upstream on core 1"
						: "; not pinned (taskset missing, one core, or --no-pin)"));
		this.out.println("logs in " + this.dir);
		Files.createDirectories(this.dir);
		String nginxVersion = Nginx.installed() && this.settings.nginx() ? Nginx.version() : null;
		String haproxyVersion = HAProxy.installed() && this.settings.haproxy() ? HAProxy.version() : null;
		warnAboutStrangers();
		Report report = new Report(this.settings, pinned, nginxVersion, haproxyVersion, this.traffic, this.idle);
		try (LoadClient client = new LoadClient(1)) {
			this.upstream = Child.start("upstream", Child.java(List.of("-Xms256m", "-Xmx1g"), "upstream",
					"--threads=" + UPSTREAM_THREADS), Pinning.LOAD_CORE, this.dir);
			int upstreamPort = Integer.parseInt(this.upstream.awaitLine(Bench.UPSTREAM_READY, Duration.ofSeconds(30)));
			URI direct = URI.create("ws://127.0.0.1:" + upstreamPort + "/echo");
			if (nginxVersion != null) {
				this.nginx = Nginx.start(upstreamPort, this.dir.resolve("nginx"));
			}
			else {
				this.out.println("nginx: " + (Nginx.installed() ? "off (--no-nginx)" : "not installed"));
			}
			if (haproxyVersion != null) {
				this.haproxy = HAProxy.start(upstreamPort, this.dir.resolve("haproxy"));
			}
			else {
				this.out.println("haproxy: " + (HAProxy.installed() ? "off (--no-haproxy)" : "not installed"));
			}
			startEdge(upstreamPort, Mode.PLAIN);
			List<Target> targets = targets(direct, null);
			if (this.baseline != null) {
				this.baselineEdge = Child.start("edge-baseline",
						Child.java(this.baseline.toString(), this.settings.edgeJvm(), "edge",
								"--upstream=ws://127.0.0.1:" + upstreamPort + "/echo"),
						Pinning.PROXY_CORE, this.dir);
				this.baselinePort = Integer
					.parseInt(this.baselineEdge.awaitLine(BenchEdgeApplication.READY, Duration.ofSeconds(60)));
				targets.add(2, new Target("baseline",
						URI.create("ws://127.0.0.1:" + this.baselinePort + BenchEdgeApplication.PATH),
						List.of(this.baselineEdge.pid()), null, false));
			}
			warmUp(client, targets, false);
			for (Scenario scenario : this.settings.trafficScenarios()) {
				for (Target target : targets) {
					record(measure(client, scenario, scenario.id(), target));
				}
			}
			if (this.settings.idleSessions() > 0) {
				for (Target target : targets) {
					if (this.settings.idleSessions() >= 1000) {
						// The handshake path gets its own warm-up, then the measured pass.
						measureIdle(client, target, 1000, false);
					}
					recordIdle(measureIdle(client, target, this.settings.idleSessions(), true));
				}
			}
			if (this.baselineEdge != null) {
				this.baselineEdge.close();
				this.baselineEdge = null;
			}
			if (this.settings.interceptors()) {
				stopEdge();
				startEdge(upstreamPort, Mode.INTERCEPTORS);
				Target edge = targets(direct, BenchEdgeApplication.PREAMBLE).get(1);
				warmUp(client, List.of(edge), false);
				for (Scenario scenario : this.settings.trafficScenarios()) {
					record(measure(client, scenario, scenario.id() + "+interceptors", edge));
				}
			}
			if (this.settings.light()) {
				// Issue 14's three light interceptors: a text check, a session attribute, an upstream rewrite.
				stopEdge();
				startEdge(upstreamPort, Mode.LIGHT);
				Target edge = targets(direct, null).get(1);
				warmUp(client, List.of(edge), false);
				for (Scenario scenario : this.settings.trafficScenarios()) {
					record(measure(client, scenario, scenario.id() + "+light", edge));
				}
			}
			if (this.settings.compression()) {
				// Both legs compress: the client and the upstream offer and accept permessage-deflate. Through
				// nginx they negotiate it end to end, and nginx relays compressed frames.
				stopEdge();
				startEdge(upstreamPort, Mode.COMPRESSION);
				List<Target> compressed = targets(direct, null);
				// Compressed traffic through the edge also warms the load client's and the upstream's deflate.
				warmUp(client, compressed.subList(1, 2), true);
				for (Scenario scenario : this.settings.trafficScenarios()) {
					Scenario deflate = new Scenario(scenario.id() + "+deflate",
							scenario.workload().withCompression(true));
					for (Target target : compressed) {
						record(measure(client, deflate, deflate.id(), target));
					}
				}
			}
			if (this.observations) {
				// The plain edge with its observations on: per-message CPU beside the plain pass's.
				stopEdge();
				startEdge(upstreamPort, Mode.OBSERVED);
				Target edge = targets(direct, null).get(1);
				warmUp(client, List.of(edge), false);
				for (Scenario scenario : this.settings.trafficScenarios()) {
					record(measure(client, scenario, scenario.id() + "+observed", edge));
				}
			}
			if (this.cluster != null) {
				// Issue 16: the plain edge in cluster mode, its traffic and then its idle pass, which counts every
				// upgrade in Redis.
				stopEdge();
				startEdge(upstreamPort, Mode.CLUSTER);
				Target edge = targets(direct, null).get(1);
				warmUp(client, List.of(edge), false);
				for (Scenario scenario : this.settings.trafficScenarios()) {
					record(measure(client, scenario, scenario.id() + "+cluster", edge));
				}
				if (this.settings.idleSessions() > 0) {
					Target clustered = new Target(CLUSTER_TARGET, edge.uri(), edge.proxyPids(), null, true);
					if (this.settings.idleSessions() >= 1000) {
						measureIdle(client, clustered, 1000, false);
					}
					recordIdle(measureIdle(client, clustered, this.settings.idleSessions(), true));
				}
			}
			if (this.settings.servlet()) {
				// The same edge on Spring MVC and Tomcat (the servlet adapter over the same engine).
				stopEdge();
				startEdge(upstreamPort, Mode.SERVLET);
				Target edge = targets(direct, null).get(1);
				warmUp(client, List.of(edge), false);
				for (Scenario scenario : this.settings.trafficScenarios()) {
					record(measure(client, scenario, scenario.id() + "+servlet", edge));
				}
			}
			if (this.settings.idleSessions() > 0) {
				// Issue 15: the idle and handshake pass again through a route of three targets, round robin. The
				// three are paths of the one upstream, so the row shows what choosing a target costs a handshake,
				// not a second and third upstream's share of the machine. The plain edge above met its idle pass
				// after every traffic scenario had warmed its JIT; so that the two rows differ in the route only,
				// a fresh one-target edge goes first here, each warmed alike.
				for (Mode mode : List.of(Mode.ONE_TARGET, Mode.POOL)) {
					stopEdge();
					startEdge(upstreamPort, mode);
					Target edge = targets(direct, null).get(1);
					Target measured = new Target((mode == Mode.POOL) ? POOL_TARGET : ONE_TARGET, edge.uri(),
							edge.proxyPids(), null, true);
					warmUp(client, List.of(edge), false);
					if (this.settings.idleSessions() >= 1000) {
						measureIdle(client, measured, 1000, false);
					}
					recordIdle(measureIdle(client, measured, this.settings.idleSessions(), true));
				}
			}
		}
		finally {
			stopEdge();
			if (this.baselineEdge != null) {
				this.baselineEdge.close();
			}
			if (this.nginx != null) {
				this.nginx.child().close();
			}
			if (this.haproxy != null) {
				this.haproxy.child().close();
			}
			if (this.upstream != null) {
				this.upstream.close();
			}
		}
		return report;
	}

	private List<Target> targets(URI direct, String preamble) {
		List<Target> targets = new ArrayList<>();
		targets.add(new Target("direct", direct, List.of(), null, false));
		targets.add(new Target("edge", URI.create("ws://127.0.0.1:" + this.edgePort + BenchEdgeApplication.PATH),
				List.of(this.edge.pid()), preamble, true));
		if (this.nginx != null) {
			targets.add(new Target("nginx", URI.create("ws://127.0.0.1:" + this.nginx.port() + "/echo"),
					Proc.tree(this.nginx.child().pid()), null, false));
		}
		if (this.haproxy != null) {
			targets.add(new Target("haproxy", URI.create("ws://127.0.0.1:" + this.haproxy.port() + "/echo"),
					Proc.tree(this.haproxy.child().pid()), null, false));
		}
		return targets;
	}

	private void startEdge(int upstreamPort, Mode mode) throws IOException, InterruptedException {
		List<String> args = new ArrayList<>(List.of("edge", "--upstream=ws://127.0.0.1:" + upstreamPort + "/echo"));
		if (mode == Mode.INTERCEPTORS) {
			args.add("--interceptors");
		}
		else if (mode == Mode.LIGHT) {
			args.add("--light-interceptors");
		}
		else if (mode == Mode.COMPRESSION) {
			args.add("--compression");
		}
		else if (mode == Mode.SERVLET) {
			args.add("--servlet");
		}
		else if (mode == Mode.POOL) {
			args.add("--upstreams=" + String.join(",", "ws://127.0.0.1:" + upstreamPort + "/echo",
					"ws://127.0.0.1:" + upstreamPort + "/echo/2", "ws://127.0.0.1:" + upstreamPort + "/echo/3"));
		}
		else if (mode == Mode.OBSERVED) {
			args.add("--observations");
		}
		else if (mode == Mode.CLUSTER) {
			args.add("--cluster=" + this.cluster);
		}
		List<String> jvm = new ArrayList<>(this.settings.edgeJvm());
		if (this.jfr) {
			// The windows are cut out of the recording when the edge stops.
			jvm.add("-XX:StartFlightRecording=name=bench,settings=" + jfrSettings());
		}
		this.mode = mode;
		this.edge = Child.start("edge-" + mode.name().toLowerCase(java.util.Locale.ROOT),
				Child.java(jvm, args.toArray(String[]::new)), Pinning.PROXY_CORE, this.dir);
		this.edgePort = Integer.parseInt(this.edge.awaitLine(BenchEdgeApplication.READY, Duration.ofSeconds(60)));
	}

	private void stopEdge() {
		if (this.edge != null && this.jfr && !this.profiled.isEmpty()) {
			profile();
		}
		this.profiled.clear();
		if (this.edge != null) {
			this.edge.close();
			this.edge = null;
		}
	}

	/**
	 * JFR's {@code profile} settings with Java stacks sampled every millisecond instead of every 10: at 10 ms a
	 * 4 s window of a busy edge yields only some hundred samples, as the sampler shares the edge's one core.
	 * @return the settings file, or {@code profile} when the JDK's file is not where it should be
	 */
	private String jfrSettings() throws IOException {
		Path profile = Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc");
		if (!Files.isReadable(profile)) {
			return "profile";
		}
		String settings = Files.readString(profile)
			.replaceFirst("(?<head><event name=\"jdk.ExecutionSample\">\\s*<setting name=\"enabled\"[^<]*</setting>\\s*"
					+ "<setting name=\"period\"[^>]*>)[^<]*", "${head}1 ms");
		Path file = Files.createDirectories(this.dir.resolve("jfr")).resolve("bench.jfc");
		Files.writeString(file, settings);
		return file.toAbsolutePath().toString();
	}

	/** Dumps the edge's recording and writes where its time went in each measured window. */
	private void profile() {
		String pass = this.mode.name().toLowerCase(java.util.Locale.ROOT);
		Path jfrDir = this.dir.resolve("jfr");
		Path recording = jfrDir.resolve("edge-" + pass + ".jfr");
		try {
			Files.createDirectories(jfrDir);
			String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
			Process dump = new ProcessBuilder(jcmd, Long.toString(this.edge.pid()), "JFR.dump", "name=bench",
					"filename=" + recording.toAbsolutePath()).redirectErrorStream(true).start();
			String out = new String(dump.getInputStream().readAllBytes());
			if (!dump.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || dump.exitValue() != 0
					|| !Files.exists(recording)) {
				this.out.println("JFR dump of the " + pass + " edge failed: " + out.trim());
				return;
			}
			List<Profile> profiles = Profile.of(recording, this.profiled.stream().map(Profiled::window).toList());
			StringBuilder md = new StringBuilder();
			for (int i = 0; i < profiles.size(); i++) {
				Profiled window = this.profiled.get(i);
				md.append(window.describe())
					.append("\n\n")
					.append(profiles.get(i).markdown(window.window().name(), 15));
			}
			Path summary = jfrDir.resolve("edge-" + pass + ".md");
			Files.writeString(summary, md);
			this.out.println("profile of the " + pass + " edge: " + summary + " (recording " + recording + ")");
		}
		catch (IOException ex) {
			this.out.println("JFR profile of the " + pass + " edge failed: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Lets the JIT compile the proxies' paths before anything is measured. */
	private void warmUp(LoadClient client, List<Target> targets, boolean compress) throws InterruptedException {
		if (this.settings.warmup().isZero()) {
			return;
		}
		Scenario warm = new Scenario("warm-up", Workload.closedLoop(this.settings.connections(),
				this.settings.inFlight(), 64, false)
			.withCompression(compress)
			.withTimes(this.settings.warmup(), this.settings.warmup()));
		for (Target target : targets) {
			if (!target.name().equals("direct")) {
				measure(client, warm, "warm-up", target);
			}
		}
	}

	private Traffic measure(LoadClient client, Scenario scenario, String name, Target target)
			throws InterruptedException {
		this.lastWindow = null;
		Traffic run = measureOnce(client, scenario, name, target);
		Traffic quietest = run;
		Profiled quietestWindow = this.lastWindow;
		for (int i = 0; i < this.retries && run.otherPercent() > Report.NOISY_PERCENT; i++) {
			this.out.println(Report.line(run) + "  (shared CPU: again)");
			run = measureOnce(client, scenario, name, target);
			if (run.otherPercent() < quietest.otherPercent()) {
				quietest = run;
				quietestWindow = this.lastWindow;
			}
		}
		if (quietestWindow != null && !name.equals("warm-up")) {
			this.profiled.add(quietestWindow);
		}
		return quietest;
	}

	private Traffic measureOnce(LoadClient client, Scenario scenario, String name, Target target)
			throws InterruptedException {
		Workload workload = scenario.workload().withPreamble(target.preamble());
		Duration openTimeout = Duration.ofSeconds(60);
		try (LoadClient.Run run = client.open(target.uri(), workload, List.of(), 128, openTimeout)) {
			run.start();
			Thread.sleep(workload.warmup().toMillis());
			LoadClient.Snapshot start = run.snapshot();
			Cpu cpu0 = cpu(target);
			Instant from = Instant.now();
			long[] split0 = Proc.cpuSplitNanos(target.proxyPids().isEmpty() ? -1 : target.proxyPids().get(0));
			Thread.sleep(workload.measure().toMillis());
			LoadClient.Snapshot end = run.snapshot();
			Cpu cpu1 = cpu(target);
			if (this.jfr && target.edge()) {
				long[] split1 = Proc.cpuSplitNanos(target.proxyPids().get(0));
				this.lastWindow = new Profiled(new Profile.Window(name, from, Instant.now()), split1[0] - split0[0],
						split1[1] - split0[1], 2 * (end.messages() - start.messages()), "message");
			}
			run.stop(Duration.ofSeconds(2));
			Cpu used = cpu1.minus(cpu0);
			return new Traffic(name, target.name(), run.openConnections(), run.failedHandshakes(),
					end.nanos() - start.nanos(), end.messages() - start.messages(), end.bytes() - start.bytes(),
					end.latency(), used.proxy(), used.load(), used.other(), used.softirq(),
					end.errors() - start.errors() + run.failedHandshakes(), end.skipped() - start.skipped());
		}
		finally {
			Thread.sleep(this.settings.pause().toMillis());
		}
	}

	private Idle measureIdle(LoadClient client, Target target, int sessions, boolean measured)
			throws InterruptedException, IOException {
		Workload workload = new Workload(sessions, 0, 0, 64, false, null, false, Duration.ZERO, Duration.ZERO);
		long heapBefore = target.edge() ? heap() : -1;
		boolean histogram = this.histogram && target.edge() && measured && this.mode == Mode.PLAIN;
		HeapHistogram classesBefore = histogram ? HeapHistogram.of(this.edge.pid()) : null;
		long rssBefore = Proc.rssBytes(target.proxyPids());
		Cpu cpu0 = cpu(target);
		Instant from = Instant.now();
		long[] split0 = Proc.cpuSplitNanos(target.proxyPids().isEmpty() ? -1 : target.proxyPids().get(0));
		// Several loopback source addresses, so that ephemeral ports never run short.
		List<String> sources = (sessions > 2000) ? List.of("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5",
				"127.0.0.6", "127.0.0.7", "127.0.0.8", "127.0.0.9") : List.of();
		try (LoadClient.Run run = client.open(target.uri(), workload, sources, 128, Duration.ofSeconds(120))) {
			Cpu used = cpu(target).minus(cpu0);
			if (this.jfr && target.edge() && measured) {
				long[] split1 = Proc.cpuSplitNanos(target.proxyPids().get(0));
				Profile.Window window = new Profile.Window("idle: " + sessions + " upgrades", from, Instant.now());
				this.profiled.add(new Profiled(window, split1[0] - split0[0], split1[1] - split0[1],
						run.openConnections(), "upgrade"));
			}
			Thread.sleep(settle(sessions));
			long rssOpen = Proc.rssBytes(target.proxyPids());
			long heapOpen = target.edge() ? heap() : -1;
			String opened = histogram
					? HeapHistogram.of(this.edge.pid()).growthSince(classesBefore, sessions, 30) : null;
			// Then one message through each session and back: buffers that appear on first use count too.
			long echoed = run.echoOnce(Duration.ofSeconds(60));
			Thread.sleep(settle(sessions));
			long rssUsed = Proc.rssBytes(target.proxyPids());
			long heapUsed = target.edge() ? heap() : -1;
			if (histogram) {
				String used1 = HeapHistogram.of(this.edge.pid()).growthSince(classesBefore, sessions, 30);
				this.idleHistogram = "Opened:\n\n" + opened + "\nAfter one message through each:\n\n" + used1;
				Files.writeString(this.dir.resolve("edge-idle-histogram.md"), this.idleHistogram);
				this.out.println(this.idleHistogram);
			}
			if (run.failedHandshakes() > 0) {
				this.out.println("  " + run.failedHandshakes() + " handshakes failed on " + target.name() + ", first: "
						+ run.firstFailure());
			}
			if (echoed < run.openConnections()) {
				this.out.println("  only " + echoed + " of " + run.openConnections() + " sessions echoed a message on "
						+ target.name());
			}
			return new Idle(target.name(), run.openConnections(), run.failedHandshakes(), run.handshakeNanos(),
					used.proxy(), rssBefore, rssOpen, heapBefore, heapOpen, used.other(), echoed, rssUsed, heapUsed);
		}
		finally {
			// Lets the proxy finish closing before the next pass measures it.
			Thread.sleep(settle(sessions) * 2);
		}
	}

	private static long settle(int sessions) {
		return (sessions >= 1000) ? 1000 : 200;
	}

	/** The edge's live heap after a full GC, in bytes. */
	private long heap() throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.edgePort + "/bench/heap"))
			.timeout(Duration.ofSeconds(60))
			.build();
		String body = this.http.send(request, HttpResponse.BodyHandlers.ofString()).body();
		String heap = body.substring(body.indexOf("heap=") + 5);
		return Long.parseLong(heap.substring(0, heap.indexOf(' ')));
	}

	private Cpu cpu(Target target) {
		List<Long> ours = new ArrayList<>();
		ours.add(ProcessHandle.current().pid());
		ours.add(this.upstream.pid());
		if (this.edge != null) {
			ours.add(this.edge.pid());
		}
		if (this.baselineEdge != null) {
			ours.add(this.baselineEdge.pid());
		}
		if (this.nginx != null) {
			ours.addAll(Proc.tree(this.nginx.child().pid()));
		}
		if (this.haproxy != null) {
			ours.addAll(Proc.tree(this.haproxy.child().pid()));
		}
		long[] machine = Proc.machine();
		long load = Proc.cpuNanos(ProcessHandle.current().pid()) + Proc.cpuNanos(this.upstream.pid());
		return new Cpu(Proc.cpuNanos(target.proxyPids()), load, machine[0] - Proc.cpuNanos(ours), machine[1]);
	}

	/**
	 * Says so when nginx, HAProxy or another benchmark run this runner did not start are running, such as the
	 * system services Debian's packages may start on installation: their CPU counts as other CPU, and a second
	 * run pins its proxies to the same core.
	 */
	private void warnAboutStrangers() {
		// This process and those that started it (a shell, a test) are not strangers.
		java.util.Set<Long> ours = new java.util.HashSet<>();
		for (Optional<ProcessHandle> process = Optional.of(ProcessHandle.current()); process.isPresent();
				process = process.get().parent()) {
			ours.add(process.get().pid());
		}
		List<String> strangers = ProcessHandle.allProcesses()
			.filter((process) -> !ours.contains(process.pid()))
			.filter((process) -> process.info()
				.command()
				.map((command) -> command.endsWith("/nginx") || command.endsWith("/haproxy"))
				.orElse(false) || process.info().commandLine().map((line) -> line.contains("wsedge-benchmarks.jar")
						&& !line.contains(" edge ") && !line.contains(" upstream")).orElse(false))
			.map((process) -> process.pid() + " " + process.info().commandLine().orElse(""))
			.toList();
		if (!strangers.isEmpty()) {
			this.out.println("WARNING: processes this runner did not start will disturb the run: nginx or HAProxy "
					+ "(the system services: 'service nginx stop; service haproxy stop'), or another benchmark run:");
			strangers.forEach((stranger) -> this.out.println("  " + stranger));
		}
	}

	private void record(Traffic row) {
		this.traffic.add(row);
		this.out.println(Report.line(row));
	}

	private void recordIdle(Idle row) {
		this.idle.add(row);
		this.out.println(Report.line(row));
	}

	/**
	 * A measured window of the edge, for its profile.
	 *
	 * @param window when
	 * @param userNanos the edge's user CPU in it
	 * @param systemNanos the edge's system CPU in it (the kernel: system calls, the loopback network)
	 * @param units the messages relayed or upgrades done in it
	 * @param unit "message" or "upgrade"
	 */
	private record Profiled(Profile.Window window, long userNanos, long systemNanos, long units, String unit) {

		String describe() {
			double total = this.userNanos + this.systemNanos;
			return String.format(java.util.Locale.ROOT,
					"%s: %.2f µs of edge CPU per %s, %.0f%% user (Java, the JIT, GC) and %.0f%% system (the kernel). "
							+ "JFR samples only the Java part.",
					this.window.name(), (this.units == 0) ? Double.NaN : total / 1e3 / this.units, this.unit,
					(total == 0) ? 0 : 100 * this.userNanos / total, (total == 0) ? 0 : 100 * this.systemNanos / total);
		}

	}

	/** How the edge runs. */
	private enum Mode {

		PLAIN, INTERCEPTORS, LIGHT, COMPRESSION, SERVLET, OBSERVED, CLUSTER,

		/** The plain edge, started afresh beside {@link #POOL} (its own log and profile). */
		ONE_TARGET,

		POOL

	}

	/**
	 * A proxy or the upstream itself.
	 *
	 * @param name {@code direct}, {@code edge} or {@code nginx}
	 * @param uri where the load client connects
	 * @param proxyPids the proxy's processes (none for direct)
	 * @param preamble the message each connection sends first, or {@code null}
	 * @param edge whether it is the edge (which tells its live heap)
	 */
	record Target(String name, URI uri, List<Long> proxyPids, String preamble, boolean edge) {
	}

	/**
	 * A traffic scenario.
	 *
	 * @param id its name in the results
	 * @param workload what the load client does
	 */
	record Scenario(String id, Workload workload) {
	}

	/**
	 * Which targets, passes and pinning a run may use ({@code --no-...} options switch them off).
	 *
	 * @param nginx nginx, when installed
	 * @param haproxy HAProxy, when installed
	 * @param interceptors the pass with the demo's interceptors
	 * @param light the pass with the three light interceptors
	 * @param compression the permessage-deflate pass
	 * @param servlet the servlet stack's pass
	 * @param pin pinning to cores
	 */
	record Switches(boolean nginx, boolean haproxy, boolean interceptors, boolean light, boolean compression,
			boolean servlet, boolean pin) {
	}

	/** CPU time counters at one moment, or their difference over a window. */
	private record Cpu(long proxy, long load, long other, long softirq) {

		Cpu minus(Cpu earlier) {
			return new Cpu(this.proxy - earlier.proxy, this.load - earlier.load,
					Math.max(0, this.other - earlier.other), this.softirq - earlier.softirq);
		}

	}

	/**
	 * How long and how big a run is.
	 *
	 * @param warmup traffic before each measured window
	 * @param measure the measured window
	 * @param pause between runs
	 * @param connections connections of the throughput scenarios
	 * @param inFlight messages in flight per connection in the throughput scenarios
	 * @param latencyRate messages per second of the latency scenario
	 * @param latencyConnections connections of the latency scenario
	 * @param fanIn connections of the fan-in scenario, one message per second each
	 * @param idleSessions idle sessions, 0 to skip
	 * @param nginx whether to run nginx when installed
	 * @param haproxy whether to run HAProxy when installed
	 * @param interceptors whether to run the scenarios again with the demo-like interceptors
	 * @param light whether to run the scenarios again with the three light interceptors
	 * @param compression whether to run the scenarios again with permessage-deflate on both legs
	 * @param servlet whether to run the scenarios again on the servlet stack
	 * @param pin whether to pin processes to cores
	 * @param edgeJvm the edge's JVM options
	 */
	record Settings(Duration warmup, Duration measure, Duration pause, int connections, int inFlight, int latencyRate,
			int latencyConnections, int fanIn, int idleSessions, boolean nginx, boolean haproxy, boolean interceptors,
			boolean light, boolean compression, boolean servlet, boolean pin, List<String> edgeJvm) {

		static final List<String> EDGE_JVM = List.of("-XX:+UseSerialGC", "-Xms512m", "-Xmx512m");

		static Settings defaults() {
			return new Settings(Duration.ofSeconds(3), Duration.ofSeconds(8), Duration.ofMillis(500), 64, 16, 5000,
					64, 1000, 9000, true, true, true, true, true, true, true, EDGE_JVM);
		}

		/** Every scenario at full size, shorter windows: about two minutes. */
		static Settings quick() {
			return defaults().withTimes(Duration.ofSeconds(2), Duration.ofSeconds(4));
		}

		/** Every scenario once, small and short, for CI: no figure of it means anything. */
		static Settings smoke() {
			return new Settings(Duration.ofMillis(300), Duration.ofMillis(700), Duration.ofMillis(100), 8, 4, 400,
					8, 50, 200, true, true, true, true, true, true, false,
					List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"));
		}

		Settings withTimes(Duration warmup, Duration measure) {
			return new Settings(warmup, measure, this.pause, this.connections, this.inFlight, this.latencyRate,
					this.latencyConnections, this.fanIn, this.idleSessions, this.nginx, this.haproxy,
					this.interceptors, this.light, this.compression, this.servlet, this.pin, this.edgeJvm);
		}

		Settings withIdleSessions(int sessions) {
			return new Settings(this.warmup, this.measure, this.pause, this.connections, this.inFlight,
					this.latencyRate, this.latencyConnections, this.fanIn, sessions, this.nginx, this.haproxy,
					this.interceptors, this.light, this.compression, this.servlet, this.pin, this.edgeJvm);
		}

		Settings withFanIn(int connections) {
			return new Settings(this.warmup, this.measure, this.pause, this.connections, this.inFlight,
					this.latencyRate, this.latencyConnections, connections, this.idleSessions, this.nginx,
					this.haproxy, this.interceptors, this.light, this.compression, this.servlet, this.pin,
					this.edgeJvm);
		}

		/** Switches targets, passes and pinning off where {@code on} is false; never on again. */
		Settings withSwitches(Switches on) {
			return new Settings(this.warmup, this.measure, this.pause, this.connections, this.inFlight,
					this.latencyRate, this.latencyConnections, this.fanIn, this.idleSessions, this.nginx && on.nginx(),
					this.haproxy && on.haproxy(), this.interceptors && on.interceptors(), this.light && on.light(),
					this.compression && on.compression(), this.servlet && on.servlet(), this.pin && on.pin(),
					this.edgeJvm);
		}

		List<Scenario> trafficScenarios() {
			List<Scenario> scenarios = new ArrayList<>();
			scenarios.add(new Scenario("text-64B", Workload.closedLoop(this.connections, this.inFlight, 64, false)
				.withTimes(this.warmup, this.measure)));
			scenarios.add(new Scenario("binary-16KiB", Workload
				.closedLoop(this.connections, this.inFlight, 16 * 1024, true)
				.withTimes(this.warmup, this.measure)));
			// A chatty JSON stream, the case permessage-deflate is for (run plain and with +deflate).
			scenarios.add(new Scenario("json-4KiB", Workload.closedLoop(this.connections, this.inFlight, 4096, false)
				.withTimes(this.warmup, this.measure)));
			scenarios.add(new Scenario("latency-256B", Workload
				.openLoop(this.latencyConnections, this.latencyRate, 256)
				.withTimes(this.warmup, this.measure)));
			if (this.fanIn > 0) {
				scenarios.add(new Scenario("fan-in", Workload.openLoop(this.fanIn, this.fanIn, 64)
					.withTimes(this.warmup, this.measure)));
			}
			return scenarios;
		}

	}

}
