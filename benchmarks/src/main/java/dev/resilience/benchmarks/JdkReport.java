package dev.resilience.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import dev.resilience.benchmarks.ReportWriter.Result;

/**
 * The rows run.sh also measures on a second JDK (JDK 25 by default) beside the same rows
 * on the default JDK, so a reader sees whether the comparison with resilience4j holds on
 * both. A second JDK's results are keyed {@code name@<feature version>} by
 * {@link ReportWriter#read}; the table is written only for rows measured on both JDKs.
 */
final class JdkReport {

	private static final String PACKAGE = "dev.resilience.benchmarks.";

	/**
	 * Label, then the benchmark (after the package), then resilience4j's row for the
	 * ratio.
	 */
	private static final List<String[]> ROWS = List.of(
			new String[] { "no proxy (plain call)", "CallBenchmarks.noProxy", null },
			new String[] { "floor: one no-op advice", "CallBenchmarks.floor", null },
			new String[] { "`@CircuitBreaker`, ours", "CallBenchmarks.oursCircuitBreaker",
					"CallBenchmarks.resilience4jCircuitBreaker" },
			new String[] { "`@CircuitBreaker`, resilience4j", "CallBenchmarks.resilience4jCircuitBreaker", null },
			new String[] { "`@Retry`, ours", "CallBenchmarks.oursRetry", "CallBenchmarks.resilience4jRetry" },
			new String[] { "`@Retry`, resilience4j", "CallBenchmarks.resilience4jRetry", null },
			new String[] { "`@Bulkhead`, ours", "CallBenchmarks.oursBulkhead", "CallBenchmarks.resilience4jBulkhead" },
			new String[] { "`@Bulkhead`, resilience4j", "CallBenchmarks.resilience4jBulkhead", null },
			new String[] { "stack, ours (4)", "CallBenchmarks.oursStack", "CallBenchmarks.resilience4jStack" },
			new String[] { "stack, resilience4j (3)", "CallBenchmarks.resilience4jStack", null },
			new String[] { "metrics on: `@CircuitBreaker`, ours", "MetricsOnBenchmarks.oursCircuitBreaker",
					"MetricsOnBenchmarks.resilience4jCircuitBreaker" },
			new String[] { "metrics on: `@CircuitBreaker`, resilience4j",
					"MetricsOnBenchmarks.resilience4jCircuitBreaker", null },
			new String[] { "metrics on: `@Retry`, ours", "MetricsOnBenchmarks.oursRetry",
					"MetricsOnBenchmarks.resilience4jRetry" },
			new String[] { "metrics on: `@Retry`, resilience4j", "MetricsOnBenchmarks.resilience4jRetry", null },
			new String[] { "metrics on: `@Bulkhead`, ours", "MetricsOnBenchmarks.oursBulkhead",
					"MetricsOnBenchmarks.resilience4jBulkhead" },
			new String[] { "metrics on: `@Bulkhead`, resilience4j", "MetricsOnBenchmarks.resilience4jBulkhead", null },
			new String[] { "metrics on: stack, ours (4)", "MetricsOnBenchmarks.oursStack",
					"MetricsOnBenchmarks.resilience4jStack" },
			new String[] { "metrics on: stack, resilience4j (3)", "MetricsOnBenchmarks.resilience4jStack", null },
			new String[] { "two threads on one breaker, ours (throughput)", "SharedBreakerBenchmarks.ours",
					"SharedBreakerBenchmarks.resilience4j" },
			new String[] { "two threads on one breaker, resilience4j (throughput)",
					"SharedBreakerBenchmarks.resilience4j", null },
			new String[] { "metrics on: two threads on one breaker, ours (throughput)",
					"SharedBreakerMetricsOnBenchmarks.ours", "SharedBreakerMetricsOnBenchmarks.resilience4j" },
			new String[] { "metrics on: two threads on one breaker, resilience4j (throughput)",
					"SharedBreakerMetricsOnBenchmarks.resilience4j", null });

	private JdkReport() {
	}

	/**
	 * The feature version of a JMH {@code jdkVersion}: {@code 17} of {@code 17.0.15},
	 * {@code 25} of {@code 25-ea}, {@code 8} of {@code 1.8.0_402}.
	 */
	static String feature(String jdkVersion) {
		String version = jdkVersion.startsWith("1.") ? jdkVersion.substring(2) : jdkVersion;
		int end = 0;
		while (end < version.length() && Character.isDigit(version.charAt(end))) {
			end++;
		}
		return version.substring(0, end);
	}

	static void table(StringBuilder out, Map<String, Result> results) {
		TreeSet<String> others = new TreeSet<>();
		for (String name : results.keySet()) {
			int at = name.lastIndexOf('@');
			if (at >= 0) {
				others.add(name.substring(at + 1));
			}
		}
		String defaultJdk = defaultJdk(results);
		for (String other : others) {
			table(out, results, defaultJdk, other);
		}
	}

	private static void table(StringBuilder out, Map<String, Result> results, String defaultJdk, String other) {
		StringBuilder rows = new StringBuilder();
		String defaultVm = null;
		String otherVm = null;
		for (String[] row : ROWS) {
			Result before = results.get(PACKAGE + row[1]);
			Result after = results.get(PACKAGE + row[1] + "@" + other);
			if (before == null || after == null) {
				continue;
			}
			defaultVm = before.vm();
			otherVm = after.vm();
			String ratioBefore = "";
			String ratioAfter = "";
			if (row[2] != null) {
				ratioBefore = ReportWriter.ratio(before, results.get(PACKAGE + row[2]));
				ratioAfter = ReportWriter.ratio(after, results.get(PACKAGE + row[2] + "@" + other));
			}
			rows.append("| ")
				.append(row[0])
				.append(" | ")
				.append(cell(before))
				.append(" | ")
				.append(cell(after))
				.append(" | ")
				.append(ReportWriter.ratio(after, before))
				.append(" | ")
				.append(ratioBefore)
				.append(" | ")
				.append(ratioAfter)
				.append(" |\n");
		}
		if (rows.isEmpty()) {
			return;
		}
		String a = "JDK " + defaultJdk;
		String b = "JDK " + other;
		out.append("### ").append(a).append(" and ").append(b).append('\n').append('\n');
		out.append("The same rows, measured in the same run on each JDK with the same JMH options (")
			.append(a)
			.append(": ")
			.append(defaultVm)
			.append("; ")
			.append(b)
			.append(": ")
			.append(otherVm)
			.append(").\n\n");
		out.append("| row | ")
			.append(a)
			.append(" | ")
			.append(b)
			.append(" | ")
			.append(b)
			.append(" / ")
			.append(a)
			.append(" | ours / resilience4j, ")
			.append(a)
			.append(" | ours / resilience4j, ")
			.append(b)
			.append(" |\n");
		out.append("|---|---|---|---|---|---|\n");
		out.append(rows).append('\n');
		out.append("Times per call with the bytes allocated per call; the throughput rows are calls per µs of")
			.append(" both threads, where a higher figure and a ratio above 1 are better.\n\n");
	}

	private static String cell(Result result) {
		if (!result.unit().equals("ops/us")) {
			return ReportWriter.cell(result);
		}
		return String.format(Locale.ROOT, "%.2f ± %.2f calls/µs, %s", result.score(), result.error(),
				ReportWriter.bytes(result));
	}

	private static String defaultJdk(Map<String, Result> results) {
		for (Map.Entry<String, Result> entry : results.entrySet()) {
			if (entry.getKey().indexOf('@') < 0) {
				return entry.getValue().jdk();
			}
		}
		return "?";
	}

}
