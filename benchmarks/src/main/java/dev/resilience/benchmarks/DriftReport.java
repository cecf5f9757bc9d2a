package dev.resilience.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.resilience.benchmarks.ReportWriter.Result;

/**
 * Checks that warm-up was long enough. On 2 cores the JIT's compiler threads compete with
 * the benchmark thread, and a row whose code was still being compiled or whose heap was
 * still settling when measurement began reads slower (or faster) in its first measured
 * iteration than in the others, which moves its score. For each of ours and
 * resilience4j's rows, the first measured iteration of each fork is compared with the
 * mean of that fork's other iterations: it drifts when the difference exceeds three
 * standard deviations of the others (and 2% of their mean).
 */
final class DriftReport {

	private static final String PACKAGE = "dev.resilience.benchmarks.";

	private DriftReport() {
	}

	/**
	 * The fork of each checked row whose first iteration lies furthest from the others.
	 */
	static List<Drift> check(Map<String, Result> results) {
		List<Drift> checked = new ArrayList<>();
		results.forEach((name, result) -> {
			if (!isOursOrResilience4j(name) || Double.isNaN(result.error())) {
				return;
			}
			Drift furthest = null;
			for (List<Double> fork : result.iterations()) {
				if (fork.size() < 2) {
					continue;
				}
				double mean = fork.subList(1, fork.size())
					.stream()
					.mapToDouble(Double::doubleValue)
					.average()
					.orElseThrow();
				Drift drift = new Drift(label(name), fork.get(0), mean, tolerance(fork.subList(1, fork.size()), mean),
						unit(result.unit()));
				if (furthest == null || drift.distance() > furthest.distance()) {
					furthest = drift;
				}
			}
			if (furthest != null) {
				checked.add(furthest);
			}
		});
		return checked;
	}

	/**
	 * How far a first iteration may lie from the others: three standard deviations of the
	 * others, and at least 2% of their mean. JMH's error of the score would not do: the
	 * first iteration is part of it, so a drift widens the very error it is judged by.
	 */
	static double tolerance(List<Double> others, double mean) {
		double squares = 0;
		for (double value : others) {
			squares += (value - mean) * (value - mean);
		}
		double deviation = (others.size() > 1) ? Math.sqrt(squares / (others.size() - 1)) : 0;
		return Math.max(3 * deviation, 0.02 * mean);
	}

	static void table(StringBuilder out, Map<String, Result> results) {
		List<Drift> checked = check(results);
		if (checked.isEmpty()) {
			return;
		}
		List<Drift> drifting = checked.stream().filter(Drift::drifts).toList();
		out.append("### Warm-up: does the first measured iteration drift?\n\n");
		out.append(checked.size())
			.append(" rows of ours and resilience4j checked: a row drifts when its first measured iteration lies")
			.append(" outside the mean of its other iterations ± three of their standard deviations (at least 2%")
			.append(" of the mean),")
			.append(" a sign that the JIT or the heap had not settled when warm-up ended.");
		if (drifting.isEmpty()) {
			Drift furthest = checked.stream()
				.max(Comparator.comparingDouble((drift) -> Math.abs(Math.log(drift.first() / drift.meanOfOthers()))))
				.orElseThrow();
			out.append(" None drifts; the furthest is ")
				.append(furthest.row())
				.append(", whose first iteration is ")
				.append(ReportWriter.ratioText(furthest.first() / furthest.meanOfOthers()))
				.append(" × the mean of its others.\n\n");
			return;
		}
		out.append(" These do:\n\n");
		out.append(
				"| row | first measured iteration | mean of the others | tolerance | first / mean of the others |\n");
		out.append("|---|---|---|---|---|\n");
		for (Drift drift : drifting) {
			out.append("| ")
				.append(drift.row())
				.append(" | ")
				.append(ReportWriter.number(drift.first()))
				.append(' ')
				.append(drift.unit())
				.append(" | ")
				.append(ReportWriter.number(drift.meanOfOthers()))
				.append(' ')
				.append(drift.unit())
				.append(" | ± ")
				.append(ReportWriter.number(drift.error()))
				.append(' ')
				.append(drift.unit())
				.append(" | ")
				.append(ReportWriter.ratioText(drift.first() / drift.meanOfOthers()))
				.append(" |\n");
		}
		out.append('\n');
	}

	/** The row of the Targets table. */
	static void target(StringBuilder out, Map<String, Result> results) {
		List<Drift> checked = check(results);
		if (checked.isEmpty()) {
			return;
		}
		long drifting = checked.stream().filter(Drift::drifts).count();
		out.append("| no row of ours or resilience4j drifts in its first measured iteration | ")
			.append(drifting)
			.append(" of ")
			.append(checked.size())
			.append(" rows drift | ")
			.append((drifting == 0) ? "yes" : "**no**")
			.append(" |\n");
	}

	/**
	 * {@code pkg.Class.method:param@25}: whether the method is one of ours or
	 * resilience4j's.
	 */
	private static boolean isOursOrResilience4j(String name) {
		String benchmark = name.split("[:@]", 2)[0];
		String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
		return method.startsWith("ours") || method.startsWith("resilience4j");
	}

	private static String label(String name) {
		String row = name.startsWith(PACKAGE) ? name.substring(PACKAGE.length()) : name;
		int at = row.lastIndexOf('@');
		return "`" + ((at < 0) ? row : row.substring(0, at)) + "`"
				+ ((at < 0) ? "" : " (JDK " + row.substring(at + 1) + ")");
	}

	/** JMH's {@code ns/op}, {@code ops/us}: as the tables write them. */
	private static String unit(String unit) {
		String text = unit.endsWith("/op") ? unit.substring(0, unit.length() - 3)
				: unit.startsWith("ops/") ? "calls/" + unit.substring(4) : unit;
		return text.replace("us", "µs").toLowerCase(Locale.ROOT);
	}

	record Drift(String row, double first, double meanOfOthers, double error, String unit) {

		double distance() {
			return Math.abs(this.first - this.meanOfOthers);
		}

		boolean drifts() {
			return distance() > this.error;
		}

	}

}
