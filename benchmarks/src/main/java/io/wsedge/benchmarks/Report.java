package io.wsedge.benchmarks;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.wsedge.benchmarks.Results.Idle;
import io.wsedge.benchmarks.Results.Traffic;
import io.wsedge.upgrade.Handshakes;

/**
 * The results of one run as Markdown tables: each scenario with the direct path, the edge, nginx and HAProxy
 * side by side, their ratio to direct, and which targets of issue 14 were met.
 */
final class Report {

	/** Above this share of a core used by other processes, a row is marked as run on a shared machine. */
	static final double NOISY_PERCENT = 25;

	private final Runner.Settings settings;

	private final boolean pinned;

	private final String nginxVersion;

	private final String haproxyVersion;

	private final List<Traffic> traffic;

	private final List<Idle> idle;

	private final ZonedDateTime date = ZonedDateTime.now();

	Report(Runner.Settings settings, boolean pinned, String nginxVersion, String haproxyVersion,
			List<Traffic> traffic, List<Idle> idle) {
		this.settings = settings;
		this.pinned = pinned;
		this.nginxVersion = nginxVersion;
		this.haproxyVersion = haproxyVersion;
		this.traffic = traffic;
		this.idle = idle;
	}

	static String line(Traffic row) {
		return String.format(Locale.ROOT,
				"%-28s %-7s %9.0f msg/s %8.2f MB/s  p50 %7.1f p90 %7.1f p99 %7.1f p99.9 %8.1f us  proxy %6.2f us/msg"
						+ "  (proxy %3.0f%%, load %3.0f%%, other %3.0f%% of a core)%s",
				row.scenario(), row.target(), row.messagesPerSecond(), row.megabytesPerSecond(),
				row.percentileMicros(50), row.percentileMicros(90), row.percentileMicros(99),
				row.percentileMicros(99.9), row.cpuMicrosPerMessage(), row.proxyPercent(), row.loadPercent(),
				row.otherPercent(), problems(row));
	}

	static String line(Idle row) {
		return String.format(Locale.ROOT,
				"%-28s %-7s %6d sessions %7.0f handshakes/s  RSS %6.1f KB/session (%6.1f used)"
						+ "  heap %6.1f KB/session (%6.1f used)  proxy %5.0f us/handshake%s",
				"idle", row.target(), row.sessions(), row.handshakesPerSecond(), row.rssPerSessionKb(),
				row.rssPerUsedSessionKb(), row.heapPerSessionKb(), row.heapPerUsedSessionKb(),
				row.cpuMicrosPerHandshake(), (row.failed() > 0) ? "  FAILED " + row.failed() : "");
	}

	private static String note(Traffic row) {
		String note = problems(row).trim();
		if (row.otherPercent() > NOISY_PERCENT) {
			note = (note.isEmpty() ? "" : note + "; ") + "shared CPU";
		}
		return note;
	}

	private static String problems(Traffic row) {
		StringBuilder problems = new StringBuilder();
		if (row.failed() > 0) {
			problems.append("  FAILED handshakes ").append(row.failed());
		}
		if (row.errors() > 0) {
			problems.append("  errors ").append(row.errors());
		}
		if (row.skipped() > 0) {
			problems.append("  skipped ").append(row.skipped());
		}
		if (row.messages() == 0) {
			problems.append("  NO MESSAGES");
		}
		return problems.toString();
	}

	List<Traffic> traffic() {
		return this.traffic;
	}

	List<Idle> idle() {
		return this.idle;
	}

	String markdown() {
		StringBuilder md = new StringBuilder();
		md.append("Run of ").append(this.date.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")))
			.append(": ")
			.append(Proc.cores())
			.append(" cores (")
			.append(Proc.cpuModel())
			.append("), Java ")
			.append(Runtime.version())
			.append(", ")
			.append(this.pinned ? "edge, nginx and HAProxy pinned to core 0, load client and upstream to core 1"
					: "not pinned")
			.append(", nginx ")
			.append((this.nginxVersion != null) ? this.nginxVersion : "not run")
			.append(", HAProxy ")
			.append((this.haproxyVersion != null) ? this.haproxyVersion : "not run")
			.append(". Windows: ")
			.append(this.settings.warmup().toMillis() / 1000.0)
			.append(" s warm-up, ")
			.append(this.settings.measure().toMillis() / 1000.0)
			.append(" s measured; edge JVM ")
			.append(String.join(" ", this.settings.edgeJvm()))
			.append(".\n\n");
		md.append("| Scenario | Target | msg/s | MB/s | vs direct | p50 µs | p90 µs | p99 µs | p99.9 µs "
				+ "| proxy CPU µs/msg | other CPU | note |\n");
		md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
		for (Traffic row : this.traffic) {
			Optional<Traffic> direct = find(baseScenario(row.scenario()), "direct");
			String ratio = direct.map((d) -> fmt("%.2fx", row.messagesPerSecond() / d.messagesPerSecond()))
				.orElse("");
			md.append(fmt("| %s | %s | %.0f | %.2f | %s | %.0f | %.0f | %.0f | %.0f | %s | %.0f%% | %s |\n",
					row.scenario(), row.target(), row.messagesPerSecond(), row.megabytesPerSecond(),
					row.target().equals("direct") ? "1.00x" : ratio, row.percentileMicros(50),
					row.percentileMicros(90), row.percentileMicros(99), row.percentileMicros(99.9),
					row.target().equals("direct") ? "-" : fmt("%.2f", row.cpuMicrosPerMessage()),
					row.otherPercent(), note(row)));
		}
		if (!this.idle.isEmpty()) {
			md.append("\n| Idle sessions | Target | sessions | handshakes/s | vs direct | RSS KB/session "
					+ "| live heap KB/session | RSS KB/session after a message | live heap KB/session after a message "
					+ "| proxy CPU µs/handshake |\n");
			md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
			Optional<Idle> direct = this.idle.stream().filter((row) -> row.target().equals("direct")).findFirst();
			for (Idle row : this.idle) {
				boolean isDirect = row.target().equals("direct");
				md.append(fmt("| idle | %s | %d%s | %.0f | %s | %s | %s | %s | %s | %s |\n", row.target(),
						row.sessions(),
						(row.failed() > 0) ? " (" + row.failed() + " failed)" : "", row.handshakesPerSecond(),
						direct.map((d) -> fmt("%.2fx", row.handshakesPerSecond() / d.handshakesPerSecond()))
							.orElse(""),
						isDirect ? "-" : fmt("%.1f", row.rssPerSessionKb()),
						row.heapBefore() < 0 ? "-" : fmt("%.1f", row.heapPerSessionKb()),
						isDirect ? "-" : fmt("%.1f", row.rssPerUsedSessionKb()),
						row.heapBefore() < 0 ? "-" : fmt("%.1f", row.heapPerUsedSessionKb()),
						isDirect ? "-" : fmt("%.0f", row.cpuMicrosPerHandshake())));
			}
		}
		md.append("\n").append(targets());
		return md.toString();
	}

	/**
	 * Issue 14's targets, each met or missed by this run's figures: ratios to nginx and HAProxy in the same run,
	 * "not run" when the reference proxy did not run.
	 */
	String targets() {
		StringBuilder md = new StringBuilder("| Target | Measured | Met |\n| --- | --- | --- |\n");
		Optional<Traffic> textEdge = find("text-64B", "edge");
		Optional<Traffic> textNginx = find("text-64B", "nginx");
		textEdge.ifPresent((edge) -> {
			target(md, "64 B text, no interceptor: edge CPU/msg <= nginx's",
					fmt("%.2f µs vs nginx %s", edge.cpuMicrosPerMessage(),
							textNginx.map((n) -> fmt("%.2f µs", n.cpuMicrosPerMessage())).orElse("not run")),
					textNginx.map((n) -> edge.cpuMicrosPerMessage() <= n.cpuMicrosPerMessage()).orElse(null), edge,
					textNginx.orElse(null));
			target(md, "64 B text, no interceptor: msg/s >= nginx's",
					fmt("%.0f vs nginx %s", edge.messagesPerSecond(),
							textNginx.map((n) -> fmt("%.0f", n.messagesPerSecond())).orElse("not run")),
					textNginx.map((n) -> edge.messagesPerSecond() >= n.messagesPerSecond()).orElse(null), edge,
					textNginx.orElse(null));
		});
		find("text-64B+light", "edge").ifPresent((light) -> target(md,
				"64 B text, three light interceptors: edge CPU/msg <= 1.25x nginx's (nginx without interceptors)",
				fmt("%.2f µs vs nginx %s", light.cpuMicrosPerMessage(),
						textNginx.map((n) -> fmt("%.2f µs (%.2fx)", n.cpuMicrosPerMessage(),
								light.cpuMicrosPerMessage() / n.cpuMicrosPerMessage()))
							.orElse("not run")),
				textNginx.map((n) -> light.cpuMicrosPerMessage() <= 1.25 * n.cpuMicrosPerMessage()).orElse(null),
				light, textNginx.orElse(null)));
		find("binary-16KiB", "edge").ifPresent((edge) -> {
			Optional<Traffic> haproxy = find("binary-16KiB", "haproxy");
			target(md, "16 KiB binary: edge CPU/msg <= HAProxy's",
					fmt("%.2f µs vs HAProxy %s", edge.cpuMicrosPerMessage(),
							haproxy.map((h) -> fmt("%.2f µs", h.cpuMicrosPerMessage())).orElse("not run")),
					haproxy.map((h) -> edge.cpuMicrosPerMessage() <= h.cpuMicrosPerMessage()).orElse(null), edge,
					haproxy.orElse(null));
			target(md, "16 KiB binary: MB/s >= HAProxy's",
					fmt("%.1f vs HAProxy %s", edge.megabytesPerSecond(),
							haproxy.map((h) -> fmt("%.1f", h.megabytesPerSecond())).orElse("not run")),
					haproxy.map((h) -> edge.megabytesPerSecond() >= h.megabytesPerSecond()).orElse(null), edge,
					haproxy.orElse(null));
		});
		Optional<Idle> idleEdge = idle("edge");
		idleEdge.ifPresent((edge) -> {
			Optional<Idle> nginx = idle("nginx");
			String upgrades = fmt("Upgrades (%d sessions): ", edge.sessions());
			md.append(fmt("| %sedge CPU per upgrade <= 2x nginx's | %.0f µs vs nginx %s | %s |\n", upgrades,
					edge.cpuMicrosPerHandshake(),
					nginx.map((n) -> fmt("%.0f µs (%.2fx)", n.cpuMicrosPerHandshake(),
							edge.cpuMicrosPerHandshake() / n.cpuMicrosPerHandshake()))
						.orElse("not run"),
					verdict(nginx.map((n) -> edge.cpuMicrosPerHandshake() <= 2 * n.cpuMicrosPerHandshake())
						.orElse(null), edge, nginx.orElse(null))));
			md.append(fmt("| %supgrades/s >= nginx's | %.0f vs nginx %s | %s |\n", upgrades,
					edge.handshakesPerSecond(),
					nginx.map((n) -> fmt("%.0f", n.handshakesPerSecond())).orElse("not run"),
					verdict(nginx.map((n) -> edge.handshakesPerSecond() >= n.handshakesPerSecond()).orElse(null),
							edge, nginx.orElse(null))));
			String idle = fmt("Idle sessions at %d: ", edge.sessions());
			md.append(fmt("| %s<= 8 KB live heap per session | %.1f KB | %s |\n", idle, edge.heapPerSessionKb(),
					met(edge.heapPerSessionKb() <= 8)));
			md.append(fmt("| %s<= 8 KB RSS growth per session | %.1f KB | %s |\n", idle, edge.rssPerSessionKb(),
					met(edge.rssPerSessionKb() <= 8)));
			md.append(fmt("| %s<= 8 KB live heap per session after one message through each | %.1f KB | %s |\n",
					idle, edge.heapPerUsedSessionKb(), met(edge.heapPerUsedSessionKb() <= 8)));
			md.append(fmt("| %s<= 8 KB RSS growth per session after one message through each | %.1f KB | %s |\n",
					idle, edge.rssPerUsedSessionKb(), met(edge.rssPerUsedSessionKb() <= 8)));
		});
		idle(Runner.POOL_TARGET).ifPresent((pool) -> idle(Runner.ONE_TARGET).ifPresent((edge) -> md.append(fmt(
				"| Upgrades, 3 targets round-robin: upgrades/s >= one target's | %.0f vs one target %.0f (CPU %.0f vs %.0f µs/upgrade) | %s |\n",
				pool.handshakesPerSecond(), edge.handshakesPerSecond(), pool.cpuMicrosPerHandshake(),
				edge.cpuMicrosPerHandshake(), met(pool.handshakesPerSecond() >= edge.handshakesPerSecond())))));
		idle(Runner.CLUSTER_TARGET).ifPresent((cluster) -> idleEdge.ifPresent((edge) -> md.append(fmt(
				"| Upgrades in cluster mode: at most one Redis round trip (handshakes/s, CPU per upgrade) | %.0f vs %.0f standalone; %.0f vs %.0f µs/upgrade | measured |\n",
				cluster.handshakesPerSecond(), edge.handshakesPerSecond(), cluster.cpuMicrosPerHandshake(),
				edge.cpuMicrosPerHandshake()))));
		find("text-64B+cluster", "edge").ifPresent((cluster) -> textEdge.ifPresent((plain) -> target(md,
				"64 B text: cluster mode's CPU/msg <= 1.1x standalone",
				fmt("%.2f µs vs %.2f µs (%.2fx)", cluster.cpuMicrosPerMessage(), plain.cpuMicrosPerMessage(),
						cluster.cpuMicrosPerMessage() / plain.cpuMicrosPerMessage()),
				cluster.cpuMicrosPerMessage() <= 1.1 * plain.cpuMicrosPerMessage(), cluster, plain)));
		find("text-64B+observed", "edge").ifPresent((observed) -> textEdge.ifPresent((plain) -> target(md,
				"64 B text: observations on (messages off), CPU/msg <= 1.05x off",
				fmt("%.2f µs vs %.2f µs (%.2fx)", observed.cpuMicrosPerMessage(), plain.cpuMicrosPerMessage(),
						observed.cpuMicrosPerMessage() / plain.cpuMicrosPerMessage()),
				observed.cpuMicrosPerMessage() <= 1.05 * plain.cpuMicrosPerMessage(), observed, plain)));
		find("text-64B+servlet", "edge").ifPresent((servlet) -> textEdge.ifPresent((reactive) -> target(md,
				"64 B text: servlet stack's CPU/msg <= 3x the reactive stack's",
				fmt("%.2f µs vs reactive %.2f µs (%.1fx)", servlet.cpuMicrosPerMessage(),
						reactive.cpuMicrosPerMessage(), servlet.cpuMicrosPerMessage() / reactive.cpuMicrosPerMessage()),
				servlet.cpuMicrosPerMessage() <= 3 * reactive.cpuMicrosPerMessage(), servlet, reactive)));
		return md.toString();
	}

	/** One target's row; {@code met} is {@code null} when the reference proxy did not run. */
	private static void target(StringBuilder md, String target, String measured, Boolean met, Traffic... rows) {
		String verdict = (met == null) ? "not run" : met(met);
		for (Traffic row : rows) {
			if (row != null && row.otherPercent() > NOISY_PERCENT) {
				verdict += " (shared CPU in the run)";
				break;
			}
		}
		md.append(fmt("| %s | %s | %s |\n", target, measured, verdict));
	}

	private static String verdict(Boolean met, Idle... rows) {
		String verdict = (met == null) ? "not run" : met(met);
		for (Idle row : rows) {
			if (row != null && row.otherPercent() > NOISY_PERCENT) {
				return verdict + " (shared CPU in the run)";
			}
		}
		return verdict;
	}

	private Optional<Idle> idle(String target) {
		return this.idle.stream().filter((row) -> row.target().equals(target)).findFirst();
	}

	private static String met(boolean met) {
		return met ? "met" : "**missed**";
	}

	private Optional<Traffic> find(String scenario, String target) {
		return this.traffic.stream()
			.filter((row) -> row.scenario().equals(scenario) && row.target().equals(target))
			.findFirst();
	}

	private static String baseScenario(String scenario) {
		// The passes without a direct row of their own are compared with the plain direct run.
		return scenario.replace("+interceptors", "").replace("+light", "").replace("+servlet", "");
	}

	private static String fmt(String format, Object... args) {
		return String.format(Locale.ROOT, format, args);
	}

}
