package io.wsedge.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.wsedge.benchmarks.Results.Idle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every load scenario once, small and short, through the real runner: the echo upstream and the edge in
 * processes of their own, nginx and HAProxy too when they are installed, each edge recorded with JFR. No figure
 * is asserted, only that every scenario produced its report, that messages flowed without errors, and that each
 * edge's profile was written.
 */
class LoadScenariosIntegrationTests {

	@TempDir
	Path dir;

	@Test
	@Timeout(360)
	void everyScenarioRunsAgainstEveryTarget() throws Exception {
		ByteArrayOutputStream output = new ByteArrayOutputStream();
		Runner.Settings settings = Runner.Settings.smoke();
		Report report;
		try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
			report = new Runner(settings, out, this.dir).jfr(true).run();
		}
		List<String> targets = new ArrayList<>(List.of("direct", "edge"));
		if (Nginx.installed()) {
			targets.add("nginx");
		}
		if (HAProxy.installed()) {
			targets.add("haproxy");
		}
		List<String> scenarios = List.of("text-64B", "binary-16KiB", "latency-256B", "fan-in");
		for (String scenario : scenarios) {
			for (String target : targets) {
				assertFlowed(report, scenario, target);
				assertFlowed(report, scenario + "+deflate", target);
			}
			assertFlowed(report, scenario + "+interceptors", "edge");
			assertFlowed(report, scenario + "+light", "edge");
			assertFlowed(report, scenario + "+servlet", "edge");
		}
		List<String> idleTargets = new ArrayList<>(targets);
		// The pool pass comes last: the same idle sessions through a fresh one-target edge and a route of three
		// targets, warmed alike.
		idleTargets.add(Runner.ONE_TARGET);
		idleTargets.add(Runner.POOL_TARGET);
		assertThat(report.idle()).extracting(Idle::target).containsExactlyElementsOf(idleTargets);
		assertThat(report.idle()).allSatisfy((idle) -> {
			assertThat(idle.failed()).isZero();
			assertThat(idle.sessions()).isEqualTo(settings.idleSessions());
			assertThat(idle.echoed()).as("sessions that echoed one message").isEqualTo(settings.idleSessions());
		});
		assertThat(report.markdown()).contains("| text-64B | edge |", "| idle | edge |", "| Target | Measured | Met |",
				"| idle | " + Runner.POOL_TARGET + " |", "| Upgrades, 3 targets round-robin: upgrades/s >= one target's",
				"| 64 B text, three light interceptors: edge CPU/msg <= 1.25x nginx's",
				"after one message through each");
		for (String pass : List.of("plain", "interceptors", "light", "compression", "servlet")) {
			assertThat(this.dir.resolve("jfr/edge-" + pass + ".md")).as("profile of the %s edge", pass)
				.content()
				.contains("µs of edge CPU per message", "#### text-64B");
		}
		assertThat(this.dir.resolve("jfr/edge-plain.md")).content().contains("µs of edge CPU per upgrade");
	}

	private static void assertFlowed(Report report, String scenario, String target) {
		assertThat(report.traffic()).filteredOn((row) -> row.scenario().equals(scenario) && row.target().equals(target))
			.as("%s through %s", scenario, target)
			.singleElement()
			.satisfies((row) -> {
				assertThat(row.messages()).isPositive();
				assertThat(row.errors()).isZero();
				assertThat(row.failed()).isZero();
			});
	}


}
