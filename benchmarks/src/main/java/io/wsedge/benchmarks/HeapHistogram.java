package io.wsedge.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The live objects of a JVM by class, from {@code jcmd <pid> GC.class_histogram} (which runs a full GC first),
 * and what grew between two of them: where an idle session's heap goes.
 */
final class HeapHistogram {

	private final Map<String, long[]> classes;

	private HeapHistogram(Map<String, long[]> classes) {
		this.classes = classes;
	}

	static HeapHistogram of(long pid) throws IOException, InterruptedException {
		String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
		Process process = new ProcessBuilder(jcmd, Long.toString(pid), "GC.class_histogram").redirectErrorStream(true)
			.start();
		String out = new String(process.getInputStream().readAllBytes());
		process.waitFor();
		Map<String, long[]> classes = new HashMap<>();
		for (String line : out.split("\n")) {
			String[] fields = line.trim().split("\\s+");
			// "  1:   12345   678900  java.lang.String (java.base@17)"
			if (fields.length >= 4 && fields[0].endsWith(":")) {
				try {
					classes.put(fields[3], new long[] { Long.parseLong(fields[1]), Long.parseLong(fields[2]) });
				}
				catch (NumberFormatException ex) {
					// a header line
				}
			}
		}
		return new HeapHistogram(classes);
	}

	/**
	 * The classes that grew most from {@code before} to this, per session.
	 * @param before the earlier histogram
	 * @param sessions the sessions opened in between
	 * @param top how many classes
	 * @return a Markdown table
	 */
	String growthSince(HeapHistogram before, int sessions, int top) {
		List<Map.Entry<String, long[]>> growth = this.classes.entrySet()
			.stream()
			.map((entry) -> {
				long[] earlier = before.classes.getOrDefault(entry.getKey(), new long[2]);
				return Map.entry(entry.getKey(),
						new long[] { entry.getValue()[0] - earlier[0], entry.getValue()[1] - earlier[1] });
			})
			.sorted(Comparator.comparingLong((Map.Entry<String, long[]> entry) -> entry.getValue()[1]).reversed())
			.limit(top)
			.toList();
		StringBuilder md = new StringBuilder("| Class | objects/session | bytes/session |\n| --- | ---: | ---: |\n");
		long total = 0;
		for (Map.Entry<String, long[]> entry : growth) {
			md.append(String.format(Locale.ROOT, "| %s | %.2f | %.0f |%n", entry.getKey(),
					entry.getValue()[0] / (double) sessions, entry.getValue()[1] / (double) sessions));
		}
		for (Map.Entry<String, long[]> entry : this.classes.entrySet()) {
			total += entry.getValue()[1] - before.classes.getOrDefault(entry.getKey(), new long[2])[1];
		}
		md.append(String.format(Locale.ROOT, "| (all classes) | | %.0f |%n", total / (double) sessions));
		return md.toString();
	}

}
