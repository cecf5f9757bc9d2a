package dev.resilience.benchmarks;

import java.util.Locale;
import java.util.Map;

/**
 * The metrics-on part of {@code docs/benchmarks.md} ({@link MetricsOnBenchmarks},
 * {@link SharedBreakerMetricsOnBenchmarks}): a table of its own and its rows of the
 * targets table, for {@link ReportWriter}. Rows whose results the run did not measure are
 * left out. The cells are formatted as {@link ReportWriter}'s.
 */
final class MetricsOnReport {

	private static final String PACKAGE = "dev.resilience.benchmarks.";

	private static final String ON = PACKAGE + "MetricsOnBenchmarks.";

	private static final String OFF = PACKAGE + "CallBenchmarks.";

	private static final String SHARED_ON = PACKAGE + "SharedBreakerMetricsOnBenchmarks.";

	private static final String SHARED_OFF = PACKAGE + "SharedBreakerBenchmarks.";

	/**
	 * Label, the benchmark name after {@code ours} / {@code resilience4j}, and the name
	 * in the targets table.
	 */
	private static final String[][] ROWS = { { "`@CircuitBreaker`", "CircuitBreaker", "`@CircuitBreaker`" },
			{ "`@Retry`", "Retry", "`@Retry`" }, { "`@Bulkhead`", "Bulkhead", "`@Bulkhead`" },
			{ "stacked: ours 4 (breaker, retry, bulkhead, fallback), resilience4j 3", "Stack",
					"stack of four (resilience4j: three)" } };

	private static final double RATIO_BOUND = 0.1;

	private static final double METRICS_COST_BOUND_NS = 10;

	private static final double THROUGHPUT_BOUND = 3.0;

	private final Map<String, ReportWriter.Result> results;

	private MetricsOnReport(Map<String, ReportWriter.Result> results) {
		this.results = results;
	}

	/** The metrics-on table, when the run measured any of it. */
	static void table(StringBuilder out, Map<String, ReportWriter.Result> results) {
		new MetricsOnReport(results).table(out);
	}

	/** The metrics-on rows of the targets table. */
	static void targets(StringBuilder out, Map<String, ReportWriter.Result> results) {
		new MetricsOnReport(results).targets(out);
	}

	private void table(StringBuilder out) {
		StringBuilder rows = new StringBuilder();
		for (String[] row : ROWS) {
			ReportWriter.Result ours = on("ours" + row[1]);
			ReportWriter.Result r4j = on("resilience4j" + row[1]);
			if (ours == null && r4j == null) {
				continue;
			}
			rows.append("| ")
				.append(row[0])
				.append(" | ")
				.append(ReportWriter.cell(ours))
				.append(" | ")
				.append(ReportWriter.cell(r4j))
				.append(" | ")
				.append(ReportWriter.ratio(ours, r4j))
				.append(" | ")
				.append(difference(ours, off("ours" + row[1])))
				.append(" | ")
				.append(difference(r4j, off("resilience4j" + row[1])))
				.append(" |\n");
		}
		ReportWriter.Result oursShared = this.results.get(SHARED_ON + "ours");
		ReportWriter.Result r4jShared = this.results.get(SHARED_ON + "resilience4j");
		if (rows.isEmpty() && oursShared == null && r4jShared == null) {
			return;
		}
		out.append("### With metrics on (Prometheus registry bound on both sides)\n\n");
		if (!rows.isEmpty()) {
			out.append("| protection | ours | resilience4j | ours / resilience4j (time) |")
				.append(" metrics cost, ours (on − off) | metrics cost, resilience4j (on − off) |\n");
			out.append("|---|---|---|---|---|---|\n");
			out.append(rows).append('\n');
		}
		if (oursShared != null || r4jShared != null) {
			out.append("| two threads on one shared circuit breaker | ours | resilience4j | ours / resilience4j |\n");
			out.append("|---|---|---|---|\n");
			out.append("| calls per µs (both threads), metrics on | ")
				.append(ReportWriter.throughput(oursShared))
				.append(" | ")
				.append(ReportWriter.throughput(r4jShared))
				.append(" | ")
				.append(ReportWriter.ratio(oursShared, r4jShared))
				.append(" |\n");
			ReportWriter.Result oursOff = this.results.get(SHARED_OFF + "ours");
			ReportWriter.Result r4jOff = this.results.get(SHARED_OFF + "resilience4j");
			if (oursOff != null || r4jOff != null) {
				out.append("| calls per µs (both threads), metrics off | ")
					.append(ReportWriter.throughput(oursOff))
					.append(" | ")
					.append(ReportWriter.throughput(r4jOff))
					.append(" | ")
					.append(ReportWriter.ratio(oursOff, r4jOff))
					.append(" |\n");
			}
			out.append('\n');
		}
		out.append("Each library's meters are bound to a `PrometheusMeterRegistry` made by Spring Boot's metrics")
			.append(" auto-configurations, as in an application with Actuator and Prometheus: ours by our")
			.append(" `MeterBinder`, resilience4j's by its Micrometer auto-configurations. The metrics cost is")
			.append(" this table's time minus the same row without metrics in this run (± the two errors added),")
			.append(" then the extra bytes per call; it includes the increment of a field by which each metrics-on")
			.append(" benchmark counts its calls, so that it can check, after its setup and at its end, that the")
			.append(" registry and its scrape counted exactly the calls it made.\n\n");
	}

	private void targets(StringBuilder out) {
		for (String[] row : ROWS) {
			ReportWriter.Result ours = on("ours" + row[1]);
			ReportWriter.Result r4j = on("resilience4j" + row[1]);
			if (ours != null && r4j != null) {
				double ratio = ours.score() / r4j.score();
				targetRow(out, row[2] + " with metrics on ≤ 0.1 × resilience4j's with metrics on",
						ReportWriter.ratioText(ratio) + " ×", ratio <= RATIO_BOUND);
			}
		}
		metricsCostTarget(out, "metrics cost on `@CircuitBreaker` ≤ 10 ns per call", "CircuitBreaker");
		metricsCostTarget(out, "metrics cost on the stack of four ≤ 10 ns per call", "Stack");
		ReportWriter.Result oursShared = this.results.get(SHARED_ON + "ours");
		ReportWriter.Result r4jShared = this.results.get(SHARED_ON + "resilience4j");
		if (oursShared != null && r4jShared != null) {
			double ratio = oursShared.score() / r4jShared.score();
			targetRow(out, "2-thread throughput on one breaker with metrics on ≥ 3 × resilience4j's",
					ReportWriter.ratioText(ratio) + " ×", ratio >= THROUGHPUT_BOUND);
		}
	}

	private void metricsCostTarget(StringBuilder out, String description, String name) {
		ReportWriter.Result on = on("ours" + name);
		ReportWriter.Result off = off("ours" + name);
		if (on == null || off == null) {
			return;
		}
		double cost = on.score() - off.score();
		targetRow(out, description, String.format(Locale.ROOT, "%+.1f ns", cost), cost <= METRICS_COST_BOUND_NS);
	}

	private static void targetRow(StringBuilder out, String description, String measured, boolean met) {
		out.append("| ")
			.append(description)
			.append(" | ")
			.append(measured)
			.append(" | ")
			.append(met ? "yes" : "**no**")
			.append(" |\n");
	}

	private ReportWriter.Result on(String name) {
		return this.results.get(ON + name);
	}

	private ReportWriter.Result off(String name) {
		return this.results.get(OFF + name);
	}

	/** Metrics on minus off: time, with both errors added, then bytes when measured. */
	private static String difference(ReportWriter.Result on, ReportWriter.Result off) {
		if (on == null || off == null) {
			return "";
		}
		String time = String.format(Locale.ROOT, "%+.1f ± %.1f ns", on.score() - off.score(), on.error() + off.error());
		if (Double.isNaN(on.bytes()) || Double.isNaN(off.bytes())) {
			return time;
		}
		return time + String.format(Locale.ROOT, ", %+.0f B", on.bytes() - off.bytes());
	}

}
