package dev.resilience.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.resilience.benchmarks.ReportWriter.Result;

/**
 * The "Startup and memory" part of {@code docs/benchmarks.md}: the start of a context
 * with 200 annotated methods ({@link StartupBenchmarks}), each row against the baseline
 * without a resilience library, and the heap retained per instance ({@link Footprint});
 * and its row of the targets table.
 * <p>
 * The startup results are looked up in the run's results, then in the JMH JSON file named
 * by the system property {@code report.startup} (the suite runs the startup benchmarks in
 * a JMH invocation of their own, with options of their own). Cold starts (a fresh JVM per
 * start, {@code -wi 0 -i 1} and many forks) come from the JMH JSON file named by
 * {@code report.startup.cold}, shown beside the warm ones. The footprint comes from the
 * JSON file named by {@code report.footprint}. What is missing is left out.
 */
final class StartupReport {

	static final double TARGET_MS = 100;

	private static final String STARTUP = "dev.resilience.benchmarks.StartupBenchmarks.";

	private static final List<String> KINDS = List.of("circuitbreaker", "retry", "bulkhead");

	private final Map<String, Result> results;

	private final Map<String, Result> cold;

	/** Library, then kind, then bytes per instance. */
	private final Map<String, Map<String, Long>> footprint;

	StartupReport(Map<String, Result> results, Map<String, Result> cold, Map<String, Map<String, Long>> footprint) {
		this.results = results;
		this.cold = cold;
		this.footprint = footprint;
	}

	static StartupReport load(Map<String, Result> results) {
		Map<String, Result> all = new LinkedHashMap<>(results);
		String startup = System.getProperty("report.startup");
		String cold = System.getProperty("report.startup.cold");
		String footprint = System.getProperty("report.footprint");
		try {
			if (startup != null) {
				ReportWriter.read(Path.of(startup)).forEach(all::putIfAbsent);
			}
			return new StartupReport(all, (cold != null) ? ReportWriter.read(Path.of(cold)) : Map.of(),
					(footprint != null) ? readFootprint(Path.of(footprint)) : Map.of());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static Map<String, Map<String, Long>> readFootprint(Path json) throws IOException {
		Map<String, Map<String, Long>> footprint = new LinkedHashMap<>();
		for (JsonNode row : new ObjectMapper().readTree(json.toFile())) {
			footprint.computeIfAbsent(row.path("library").asText(), (key) -> new LinkedHashMap<>())
				.put(row.path("kind").asText(), row.path("bytesPerInstance").asLong());
		}
		return footprint;
	}

	void section(StringBuilder out) {
		Result baseline = startup("baseline");
		boolean hasStartup = baseline != null && (startup("ours") != null || startup("resilience4j") != null);
		if (!hasStartup && this.footprint.isEmpty()) {
			return;
		}
		out.append("### Startup and memory\n\n");
		if (hasStartup) {
			out.append("| context of 200 annotated methods (a breaker and a retry of their own each)")
				.append(" | time to start | − baseline |")
				.append(hasCold() ? " cold start | − baseline (cold) |\n|---|---|---|---|---|\n" : "\n|---|---|---|\n");
			startupRow(out, "baseline: the same beans, no resilience library", "baseline", baseline);
			startupRow(out, "ours: every method's pipeline built and checked, 200 breakers and 200 retries created",
					"ours", baseline);
			startupRow(out, "ours, then one call to each method", "oursFirstCalls", baseline);
			startupRow(out, "resilience4j: methods proxied, no instance created yet", "resilience4j", baseline);
			startupRow(out, "resilience4j, then one call to each method (creates its 200 breakers and 200 retries)",
					"resilience4jFirstCalls", baseline);
			out.append('\n');
			out.append("Warm starts: each fork starts the same context again and again (classes loaded and compiled),")
				.append(" one start per measurement, the context closed outside the measured time.")
				.append(hasCold()
						? " Cold starts: the first start of a fresh JVM, one per fork, class loading included." : "")
				.append(" Time per start ±")
				.append(" the 99.9% error JMH reports; a difference's error is the two errors combined in quadrature.\n\n");
		}
		if (!this.footprint.isEmpty()) {
			out.append("| heap retained per instance | ours | resilience4j | ours / resilience4j |\n");
			out.append("|---|---|---|---|\n");
			for (String kind : KINDS) {
				Long ours = bytes("ours", kind);
				Long r4j = bytes("resilience4j", kind);
				if (ours == null && r4j == null) {
					continue;
				}
				out.append("| ")
					.append(label(kind))
					.append(" | ")
					.append((ours != null) ? ours + " B" : "")
					.append(" | ")
					.append((r4j != null) ? r4j + " B" : "")
					.append(" | ")
					.append((ours != null && r4j != null && r4j > 0)
							? String.format(Locale.ROOT, "%.2f", (double) ours / r4j) : "")
					.append(" |\n");
			}
			out.append('\n');
			out.append("Each library's core registry, no Spring, the benchmark settings; the growth of the registry's")
				.append(" object graph (JOL) over ")
				.append(Footprint.INSTANCES)
				.append(" new instances of a kind, divided by their number.\n\n");
		}
	}

	/** The targets table's row, when the run measured the startup. */
	void targets(StringBuilder out) {
		Result baseline = startup("baseline");
		Result ours = startup("ours");
		if (baseline == null || ours == null) {
			return;
		}
		double added = ours.score() - baseline.score();
		out.append("| 200 annotated methods add ≤ ")
			.append(String.format(Locale.ROOT, "%.0f", TARGET_MS))
			.append(" ms to startup (warm) | ")
			.append(String.format(Locale.ROOT, "%+.1f ms", added))
			.append(" | ")
			.append((added <= TARGET_MS) ? "yes" : "**no**")
			.append(" |\n");
	}

	private void startupRow(StringBuilder out, String label, String name, Result baseline) {
		Result result = startup(name);
		if (result == null) {
			return;
		}
		boolean isBaseline = name.equals("baseline");
		out.append("| ").append(label).append(" | ");
		cells(out, result, isBaseline ? null : baseline);
		if (hasCold()) {
			out.append(" | ");
			cells(out, this.cold.get(STARTUP + name), isBaseline ? null : this.cold.get(STARTUP + "baseline"));
		}
		out.append(" |\n");
	}

	private static void cells(StringBuilder out, Result result, Result baseline) {
		if (result == null) {
			out.append(" | ");
			return;
		}
		out.append(milliseconds(result.score(), result.error())).append(" | ");
		if (baseline != null) {
			out.append(difference(result.score() - baseline.score(),
					Math.sqrt(result.error() * result.error() + baseline.error() * baseline.error())));
		}
	}

	private boolean hasCold() {
		return this.cold.containsKey(STARTUP + "baseline");
	}

	private Result startup(String name) {
		return this.results.get(STARTUP + name);
	}

	private Long bytes(String library, String kind) {
		return this.footprint.getOrDefault(library, Map.of()).get(kind);
	}

	private static String label(String kind) {
		return switch (kind) {
			case "circuitbreaker" -> "circuit breaker (count-based window of 100 calls)";
			case "retry" -> "retry (3 attempts, exponential backoff)";
			case "bulkhead" -> "bulkhead (25 concurrent calls)";
			default -> kind;
		};
	}

	private static String milliseconds(double score, double error) {
		return String.format(Locale.ROOT, "%.1f ± %.1f ms", score, Double.isNaN(error) ? 0 : error);
	}

	private static String difference(double score, double error) {
		return String.format(Locale.ROOT, "%+.1f ± %.1f ms", score, Double.isNaN(error) ? 0 : error);
	}

}
