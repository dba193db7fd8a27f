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
 * processes of their own, nginx and HAProxy too when they are installed. No figure is asserted, only that every scenario
 * produced its report and that messages flowed without errors.
 */
class LoadScenariosIntegrationTests {

	@TempDir
	Path dir;

	@Test
	@Timeout(240)
	void everyScenarioRunsAgainstEveryTarget() throws Exception {
		ByteArrayOutputStream output = new ByteArrayOutputStream();
		Runner.Settings settings = Runner.Settings.smoke();
		Report report;
		try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
			report = new Runner(settings, out, this.dir).run();
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
		}
		assertThat(report.idle()).extracting(Idle::target).containsExactlyElementsOf(targets);
		assertThat(report.idle()).allSatisfy((idle) -> {
			assertThat(idle.failed()).isZero();
			assertThat(idle.sessions()).isEqualTo(settings.idleSessions());
		});
		assertThat(report.markdown()).contains("| text-64B | edge |", "| idle | edge |", "| Target | Measured | Met |");
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
