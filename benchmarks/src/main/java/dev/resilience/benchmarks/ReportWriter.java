package dev.resilience.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns JMH's JSON results into the tables of {@code docs/benchmarks.md}: time and
 * allocation per call for each library side by side, the ratios ours/resilience4j and
 * ours/floor, and each target of the performance claim with whether this run met it. Only
 * the part of the document between the two result markers is rewritten; the prose around
 * it is kept.
 * <p>
 * Usage: {@code ReportWriter <results.json> <benchmarks.md>}, with the run's description
 * in the system properties {@code report.command}, {@code report.jdk},
 * {@code report.cpus}, {@code report.cpu}, {@code report.load}, {@code report.date}.
 */
public final class ReportWriter {

	static final String START = "<!-- results:start (written by benchmarks/run.sh; do not edit by hand) -->";

	static final String END = "<!-- results:end -->";

	private static final String PACKAGE = "dev.resilience.benchmarks.";

	private static final String CALLS = PACKAGE + "CallBenchmarks.";

	private static final String SHARED = "dev.resilience.benchmarks.SharedBreakerBenchmarks.";

	private static final String IDEMPOTENCY = "dev.resilience.benchmarks.IdempotencyBenchmarks.";

	private static final String CLUSTER = PACKAGE + "ClusterRateLimiterBenchmarks.";

	/**
	 * A byte or so of {@code gc.alloc.rate.norm} is measurement noise, not an allocation.
	 */
	private static final double ALLOCATION_NOISE_BYTES = 4.0;

	private final Map<String, Result> results;

	private ReportWriter(Map<String, Result> results) {
		this.results = results;
	}

	public static void main(String[] args) throws IOException {
		if (args.length != 2) {
			throw new IllegalArgumentException("usage: ReportWriter <results.json> <benchmarks.md>");
		}
		Map<String, Result> results = read(Path.of(args[0]));
		String section = new ReportWriter(results).section(Path.of(args[0]).getFileName().toString());
		Path document = Path.of(args[1]);
		String text = Files.exists(document) ? Files.readString(document, StandardCharsets.UTF_8)
				: "# Benchmarks\n\n" + START + "\n" + END + "\n";
		int start = text.indexOf(START);
		int end = text.indexOf(END);
		if (start < 0 || end < start) {
			throw new IllegalStateException(document + " has no '" + START + "' ... '" + END + "' section");
		}
		String updated = text.substring(0, start + START.length()) + "\n" + section + text.substring(end);
		Files.writeString(document, updated, StandardCharsets.UTF_8);
		ChartWriter.write(results, document.resolveSibling(ChartWriter.FILE));
		System.out.print(section);
	}

	/**
	 * Results by benchmark name. run.sh merges the default JDK's invocations first, so
	 * the JDK of the first result is the one every table is about; a result of another
	 * JDK gets its feature version as a suffix ({@code name@25}) and leaves those tables
	 * alone.
	 */
	static Map<String, Result> read(Path json) throws IOException {
		Map<String, Result> results = new LinkedHashMap<>();
		String defaultJdk = null;
		for (JsonNode run : new ObjectMapper().readTree(json.toFile())) {
			JsonNode primary = run.path("primaryMetric");
			JsonNode allocation = run.path("secondaryMetrics").path("gc.alloc.rate.norm");
			StringBuilder name = new StringBuilder(run.path("benchmark").asText());
			// A parameterized benchmark is one result per value: keep them apart.
			run.path("params").properties().forEach((param) -> name.append(':').append(param.getValue().asText()));
			String jdk = JdkReport.feature(run.path("jdkVersion").asText());
			if (defaultJdk == null) {
				defaultJdk = jdk;
			}
			else if (!jdk.equals(defaultJdk)) {
				name.append('@').append(jdk);
			}
			List<List<Double>> iterations = new ArrayList<>();
			for (JsonNode fork : primary.path("rawData")) {
				List<Double> values = new ArrayList<>();
				fork.forEach((value) -> values.add(value.asDouble()));
				iterations.add(values);
			}
			results.put(name.toString(),
					new Result(primary.path("score").asDouble(), primary.path("scoreError").asDouble(),
							primary.path("scoreUnit").asText(),
							allocation.isMissingNode() ? Double.NaN : allocation.path("score").asDouble(), jdk,
							run.path("vmName").asText() + " " + run.path("vmVersion").asText(), iterations));
		}
		return results;
	}

	String section(String resultsFile) {
		StringBuilder out = new StringBuilder();
		out.append('\n');
		ChartWriter.link(out, this.results);
		out.append("Run of ")
			.append(property("report.date"))
			.append(", raw results in `benchmarks/results/")
			.append(resultsFile)
			.append("`.\n\n");
		out.append("- Command: `").append(property("report.command")).append("`\n");
		out.append("- JDK: ").append(property("report.jdk")).append('\n');
		out.append("- Machine: ")
			.append(property("report.cpus"))
			.append(" CPUs (`nproc`), ")
			.append(property("report.cpu"))
			.append("; load average when the run started: ")
			.append(property("report.load"))
			.append('\n');
		out.append('\n');
		perCallTable(out);
		JdkReport.table(out, this.results);
		sharedBreakerTable(out);
		idempotencyTable(out);
		clusterRateLimiterTable(out);
		costWhenOnTable(out);
		MetricsOnReport.table(out, this.results);
		StartupReport.load(this.results).section(out);
		targetsTable(out);
		DriftReport.table(out, this.results);
		return out.toString();
	}

	private void perCallTable(StringBuilder out) {
		out.append("### One thread, success path: time and allocation per call\n\n");
		out.append(
				"| protection | ours | resilience4j | Spring Retry | ours / resilience4j (time) | ours / floor (time) |\n");
		out.append("|---|---|---|---|---|---|\n");
		row(out, "no proxy (plain call)", "noProxy", null, null);
		row(out, "floor: one no-op advice", "floor", null, null);
		row(out, "`@CircuitBreaker`", "oursCircuitBreaker", "resilience4jCircuitBreaker", null);
		row(out, "`@Retry` / `@Retryable`", "oursRetry", "resilience4jRetry", "springRetry");
		row(out, "`@Bulkhead`", "oursBulkhead", "resilience4jBulkhead", null);
		row(out, "`@Fallback`", "oursFallback", null, null);
		row(out, "stacked: ours 4 (breaker, retry, bulkhead, fallback), resilience4j 3", "oursStack",
				"resilience4jStack", null);
		out.append('\n');
		out.append("Each cell: average time per call ± the 99.9% error JMH reports, then bytes allocated per call")
			.append(" (`gc.alloc.rate.norm`).\n\n");
		clockReads(out);
		timeLimitsTable(out);
	}

	/**
	 * Time limits, rate limits and a {@code Mono}: written only when the run measured
	 * them (a subset run may not have).
	 */
	private void timeLimitsTable(StringBuilder out) {
		if (call("oursTimeout") == null && call("oursRateLimiter") == null && call("oursMono") == null
				&& call("resilience4jTimeLimiter") == null && call("resilience4jRateLimiter") == null
				&& call("resilience4jMono") == null) {
			return;
		}
		out.append("### Time limits, rate limits and a `Mono`: time and allocation per call\n\n");
		out.append("| protection | ours | resilience4j | ours / resilience4j (time) | ours / floor (time) |\n");
		out.append("|---|---|---|---|---|\n");
		limitsRow(out, "`@Timeout` on the caller's thread / `@TimeLimiter` on `supplyAsync`, joined", "oursTimeout",
				"resilience4jTimeLimiter", "floor");
		limitsRow(out, "`@Timeout` / `@TimeLimiter` on an already-completed future (its aspect alone)", "oursTimeout",
				"resilience4jTimeLimiterCompleted", "floor");
		limitsRow(out, "`@RateLimiter`", "oursRateLimiter", "resilience4jRateLimiter", "floor");
		limitsRow(out, "floor: `Mono` through one no-op advice, `block()`", "floorMono", null, null);
		limitsRow(out, "`Mono` through breaker + retry, `block()` (resilience4j: its Reactor operators)", "oursMono",
				"resilience4jMono", "floorMono");
		out.append('\n');
		out.append("resilience4j's `@TimeLimiter` needs a `CompletionStage` method, so the synchronous work moves")
			.append(" to another thread (`CompletableFuture.supplyAsync`, the common pool) and the caller joins it;")
			.append(" the completed-future row is its aspect alone, which could not time anything out. Ours runs")
			.append(" the method on the caller's thread. The `Mono` rows' floor is the `Mono` floor.\n\n");
	}

	private void limitsRow(StringBuilder out, String label, String ours, String r4j, String floorName) {
		Result o = call(ours);
		Result r = (r4j != null) ? call(r4j) : null;
		Result floor = (floorName != null) ? call(floorName) : null;
		if (o == null && r == null) {
			return;
		}
		out.append("| ")
			.append(label)
			.append(" | ")
			.append(cell(o))
			.append(" | ")
			.append(cell(r))
			.append(" | ")
			.append(ratio(o, r))
			.append(" | ")
			.append(ratio(o, floor))
			.append(" |\n");
	}

	/**
	 * What the stack's clock reads cost on this machine: the breaker reads the clock at
	 * the start and the end of a call (slow calls, call durations), the retry budget once
	 * (the second a call counts in).
	 */
	private void clockReads(StringBuilder out) {
		Result clock = call("clockRead");
		Result floor = call("floor");
		Result stack = call("oursStack");
		if (clock == null || floor == null || stack == null) {
			return;
		}
		double reads = 3 * clock.score();
		out.append("One read of the clock (`System.nanoTime()`, which the engine's ticker calls) takes ")
			.append(number(clock.score()))
			.append(" ± ")
			.append(number(clock.error()))
			.append(" ns here. The stack of four reads it three times per call, ")
			.append(number(reads))
			.append(" ns or ")
			.append(String.format(Locale.ROOT, "%.2f", reads / floor.score()))
			.append(" × the floor; the rest of the stack is ")
			.append(String.format(Locale.ROOT, "%.2f", (stack.score() - reads) / floor.score()))
			.append(" × the floor.\n\n");
	}

	private void row(StringBuilder out, String label, String ours, String r4j, String springRetry) {
		Result o = call(ours);
		Result r = (r4j != null) ? call(r4j) : null;
		Result s = (springRetry != null) ? call(springRetry) : null;
		Result floor = call("floor");
		out.append("| ")
			.append(label)
			.append(" | ")
			.append(cell(o))
			.append(" | ")
			.append(cell(r))
			.append(" | ")
			.append(cell(s))
			.append(" | ")
			.append(ratio(o, r))
			.append(" | ")
			.append(ours.equals("noProxy") ? "" : ratio(o, floor))
			.append(" |\n");
	}

	private void sharedBreakerTable(StringBuilder out) {
		Result ours = this.results.get(SHARED + "ours");
		Result r4j = this.results.get(SHARED + "resilience4j");
		if (ours == null && r4j == null) {
			return;
		}
		out.append("### Two threads on one shared circuit breaker: throughput\n\n");
		out.append("| | ours | resilience4j | ours / resilience4j |\n|---|---|---|---|\n");
		out.append("| calls per µs (both threads) | ")
			.append(throughput(ours))
			.append(" | ")
			.append(throughput(r4j))
			.append(" | ")
			.append(ratio(ours, r4j))
			.append(" |\n");
		out.append("| bytes per call | ").append(bytes(ours)).append(" | ").append(bytes(r4j)).append(" | |\n\n");
	}

	private void idempotencyTable(StringBuilder out) {
		Result replay = this.results.get(IDEMPOTENCY + "replay");
		if (replay == null) {
			return;
		}
		out.append("### `@Idempotent` replay from the memory store, one thread\n\n");
		out.append("| | ours |\n|---|---|\n");
		out.append("| replay of a completed key | ").append(cell(replay)).append(" |\n\n");
	}

	/**
	 * One permit decision of a {@code scope: cluster} limiter against the local Redis,
	 * beside a naive fixed window and a single round trip measured in the same run.
	 */
	private void clusterRateLimiterTable(StringBuilder out) {
		Result ours = this.results.get(CLUSTER + "oursClusterPermit");
		if (ours == null) {
			return;
		}
		Result naive = this.results.get(CLUSTER + "naiveIncrThenExpire");
		Result incr = this.results.get(CLUSTER + "singleIncr");
		out.append("### Fleet-wide rate limiter: one permit decision against a local Redis, one thread\n\n");
		out.append("| | time per decision | bytes per decision | ours / this (time) |\n|---|---|---|---|\n");
		out.append("| ours, `scope: cluster` (one `EVALSHA` of the GCRA script) | ")
			.append(withUnit(ours))
			.append(" | ")
			.append(bytes(ours))
			.append(" | |\n");
		out.append("| naive fixed window from the JVM (`INCR`, then `EXPIRE`) | ")
			.append(withUnit(naive))
			.append(" | ")
			.append(bytes(naive))
			.append(" | ")
			.append(ratio(ours, naive))
			.append(" |\n");
		out.append("| one round trip (`INCR` alone) | ")
			.append(withUnit(incr))
			.append(" | ")
			.append(bytes(incr))
			.append(" | ")
			.append(ratio(ours, incr))
			.append(" |\n\n");
	}

	private static String withUnit(Result result) {
		if (result == null) {
			return "";
		}
		return String.format(Locale.ROOT, "%s ± %s %s", number(result.score()), number(result.error()),
				result.unit().replace("/op", ""));
	}

	/**
	 * What the patterns that are off unless configured cost once switched on, each
	 * against the same call without it, in the same run; written only when the run
	 * measured them.
	 */
	private void costWhenOnTable(StringBuilder out) {
		List<String[]> rows = List.of(
				new String[] { "`@Hedge` on a `CompletableFuture` method, no hedge fires (under `@CircuitBreaker`)",
						"HedgeBenchmarks.withoutHedge", "HedgeBenchmarks.withHedge" },
				new String[] { "adaptive bulkhead, `gradient2` (engine, vs a semaphore bulkhead)",
						"AdaptiveBulkheadBenchmarks.semaphore:gradient2",
						"AdaptiveBulkheadBenchmarks.adaptive:gradient2" },
				new String[] { "adaptive bulkhead, `vegas` (engine, vs a semaphore bulkhead)",
						"AdaptiveBulkheadBenchmarks.semaphore:vegas", "AdaptiveBulkheadBenchmarks.adaptive:vegas" },
				new String[] { "adaptive bulkhead, `aimd` (engine, vs a semaphore bulkhead)",
						"AdaptiveBulkheadBenchmarks.semaphore:aimd", "AdaptiveBulkheadBenchmarks.adaptive:aimd" },
				new String[] { "breaker with `adaptive-slow-call` on (engine, vs the fixed threshold only)",
						"AdaptiveSlowCallBenchmarks.fixedThreshold", "AdaptiveSlowCallBenchmarks.adaptiveThreshold" },
				new String[] { "chaos enabled, no faults for the name (`@CircuitBreaker` method)",
						"CallBenchmarks.oursCircuitBreaker", "ChaosBenchmarks.oursCircuitBreakerChaosEnabledNoFaults" },
				new String[] { "chaos enabled, no faults for the name (engine pipeline with a breaker)",
						"ChaosBenchmarks.pipelineCircuitBreaker",
						"ChaosBenchmarks.pipelineCircuitBreakerChaosNoFaults" },
				new String[] { "`@Retry(retryOnResult = ...)` accepting the first result (vs `@Retry`)",
						"CallBenchmarks.oursRetry", "RetryOnResultBenchmarks.oursRetryOnResultAccepted" });
		StringBuilder table = new StringBuilder();
		for (String[] row : rows) {
			Result without = this.results.get(PACKAGE + row[1]);
			Result with = this.results.get(PACKAGE + row[2]);
			if (without == null || with == null) {
				continue;
			}
			table.append("| ")
				.append(row[0])
				.append(" | ")
				.append(cell(without))
				.append(" | ")
				.append(cell(with))
				.append(" | ")
				.append(ratio(with, without))
				.append(" | ")
				.append(Double.isNaN(with.bytes()) ? ""
						: String.format(Locale.ROOT, "%+.0f B", with.bytes() - without.bytes()))
				.append(" |\n");
		}
		if (table.isEmpty()) {
			return;
		}
		out.append("### What an opt-in pattern costs once switched on, one thread\n\n");
		out.append("| switched on | without it | with it | with / without (time) | extra allocation |\n");
		out.append("|---|---|---|---|---|\n");
		out.append(table).append('\n');
		out.append("None of these runs when it is not configured: a method without `@Hedge`, a semaphore")
			.append(" bulkhead, a breaker without `adaptive-slow-call`, chaos disabled and `@Retry` without")
			.append(" `retryOnResult` keep the code paths of the rows above.\n\n");
	}

	private void targetsTable(StringBuilder out) {
		out.append("### Targets\n\n");
		out.append("| target | measured | met |\n|---|---|---|\n");
		DriftReport.target(out, this.results);
		for (String pattern : List.of("CircuitBreaker", "Retry", "Bulkhead")) {
			target(out, "`@" + pattern + "` time ≤ 0.15 × resilience4j's",
					ratioValue("ours" + pattern, "resilience4j" + pattern), 0.15, true);
		}
		target(out, "`@Retry` faster than Spring Retry's `@Retryable`", ratioValue("oursRetry", "springRetry"), 1.0,
				true);
		target(out, "stack of four ≤ 0.1 × resilience4j's stack of three", ratioValue("oursStack", "resilience4jStack"),
				0.1, true);
		target(out, "stack of four within 3 × the floor", ratioValue("oursStack", "floor"), 3.0, true);
		target(out, "`@Timeout` time ≤ 0.2 × resilience4j's `@TimeLimiter` (on `supplyAsync`)",
				ratioValue("oursTimeout", "resilience4jTimeLimiter"), 0.2, true);
		target(out, "`@Timeout` time ≤ 0.2 × resilience4j's `@TimeLimiter` aspect alone (completed future)",
				ratioValue("oursTimeout", "resilience4jTimeLimiterCompleted"), 0.2, true);
		target(out, "`@RateLimiter` time ≤ 0.2 × resilience4j's",
				ratioValue("oursRateLimiter", "resilience4jRateLimiter"), 0.2, true);
		target(out, "`Mono` through breaker + retry ≤ 0.2 × resilience4j's Reactor operators",
				ratioValue("oursMono", "resilience4jMono"), 0.2, true);
		Result floor = call("floor");
		for (String name : List.of("oursCircuitBreaker", "oursRetry", "oursBulkhead", "oursFallback", "oursStack",
				"oursTimeout", "oursRateLimiter")) {
			Result result = call(name);
			if (result == null || floor == null) {
				continue;
			}
			double extra = result.bytes() - floor.bytes();
			boolean met = extra <= ALLOCATION_NOISE_BYTES;
			out.append("| `")
				.append(name)
				.append("` allocates nothing beyond the floor | ")
				.append(String.format(Locale.ROOT, "%+.0f B/call", extra))
				.append(" | ")
				.append(met ? "yes" : "**no**")
				.append(" |\n");
		}
		Result oursShared = this.results.get(SHARED + "ours");
		Result r4jShared = this.results.get(SHARED + "resilience4j");
		if (oursShared != null && r4jShared != null) {
			target(out, "2-thread throughput on one breaker ≥ 3 × resilience4j's",
					oursShared.score() / r4jShared.score(), 3.0, false);
		}
		MetricsOnReport.targets(out, this.results);
		StartupReport.load(this.results).targets(out);
		out.append('\n');
	}

	private static void target(StringBuilder out, String description, double ratio, double bound, boolean atMost) {
		if (Double.isNaN(ratio)) {
			return;
		}
		boolean met = atMost ? ratio <= bound : ratio >= bound;
		out.append("| ")
			.append(description)
			.append(" | ")
			.append(ratioText(ratio))
			.append(" ×")
			.append(" | ")
			.append(met ? "yes" : "**no**")
			.append(" |\n");
	}

	private double ratioValue(String ours, String other) {
		Result o = call(ours);
		Result r = call(other);
		return (o == null || r == null) ? Double.NaN : o.score() / r.score();
	}

	private Result call(String name) {
		return this.results.get(CALLS + name);
	}

	/** Time ± error, then the bytes per call when the run measured them. */
	static String cell(Result result) {
		if (result == null) {
			return "";
		}
		String time = String.format(Locale.ROOT, "%s ± %s ns", number(result.score()), number(result.error()));
		return Double.isNaN(result.bytes()) ? time : time + ", " + bytes(result);
	}

	static String throughput(Result result) {
		return (result != null) ? String.format(Locale.ROOT, "%.2f ± %.2f", result.score(), result.error()) : "";
	}

	static String bytes(Result result) {
		if (result == null || Double.isNaN(result.bytes())) {
			return "";
		}
		return String.format(Locale.ROOT, "%.0f B", Math.max(0, result.bytes()));
	}

	static String ratio(Result ours, Result other) {
		if (ours == null || other == null) {
			return "";
		}
		return ratioText(ours.score() / other.score());
	}

	/** Three decimals, more below 0.01 so that a small ratio does not read as zero. */
	static String ratioText(double ratio) {
		return String.format(Locale.ROOT, (ratio >= 0.01) ? "%.3f" : "%.5f", ratio);
	}

	static String number(double value) {
		return (value >= 100) ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
	}

	private static String property(String key) {
		return System.getProperty(key, "unknown");
	}

	/**
	 * One benchmark's result: its score and error, allocation per call, the JDK's feature
	 * version and full name, and the measured iterations of each fork (for the drift
	 * check).
	 */
	record Result(double score, double error, String unit, double bytes, String jdk, String vm,
			List<List<Double>> iterations) {
	}

}
