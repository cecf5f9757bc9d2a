package dev.resilience.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.resilience.benchmarks.ReportWriter.Result;

/**
 * Draws {@code docs/benchmarks.svg}: time per call of ours, resilience4j's and the floor
 * for each protection, as horizontal grouped bars on a logarithmic axis, since
 * resilience4j's stack and the floor are two orders of magnitude apart and a linear axis
 * would flatten every bar of ours to a sliver. The SVG is written by hand (no library),
 * with a white background so that it reads the same in GitHub's light and dark themes.
 */
final class ChartWriter {

	static final String FILE = "benchmarks.svg";

	private static final String PACKAGE = "dev.resilience.benchmarks.";

	private static final String FLOOR = PACKAGE + "CallBenchmarks.floor";

	/**
	 * Label, a second line under it, then the class of the benchmarks and the
	 * protection's name in it.
	 */
	private static final List<String[]> GROUPS = List.of(
			new String[] { "@CircuitBreaker", "", "CallBenchmarks", "CircuitBreaker" },
			new String[] { "@Retry", "", "CallBenchmarks", "Retry" },
			new String[] { "@Bulkhead", "", "CallBenchmarks", "Bulkhead" },
			new String[] { "stack", "ours 4, resilience4j 3", "CallBenchmarks", "Stack" },
			new String[] { "@CircuitBreaker", "Prometheus metrics on", "MetricsOnBenchmarks", "CircuitBreaker" },
			new String[] { "@Retry", "Prometheus metrics on", "MetricsOnBenchmarks", "Retry" },
			new String[] { "@Bulkhead", "Prometheus metrics on", "MetricsOnBenchmarks", "Bulkhead" },
			new String[] { "stack, metrics on", "ours 4, resilience4j 3", "MetricsOnBenchmarks", "Stack" });

	private static final String[] SERIES = { "ours", "resilience4j", "floor (one no-op advice)" };

	private static final String[] COLOURS = { "#1f6feb", "#e36209", "#8c959f" };

	private static final String TEXT = "#24292f";

	private static final String GRID = "#d0d7de";

	private static final int WIDTH = 820;

	private static final int LABELS = 200;

	private static final int RIGHT = 80;

	private static final int TOP = 92;

	private static final int BAR = 13;

	private static final int BAR_GAP = 3;

	private static final int GROUP_GAP = 16;

	private ChartWriter() {
	}

	/** Writes the chart next to the document, if the run measured any of its bars. */
	static void write(Map<String, Result> results, Path file) throws IOException {
		String svg = svg(results);
		if (svg != null) {
			Files.writeString(file, svg, StandardCharsets.UTF_8);
		}
	}

	/** The image at the top of the results section, if there is a chart. */
	static void link(StringBuilder out, Map<String, Result> results) {
		if (!groups(results).isEmpty()) {
			out.append("![Time per call of ours, resilience4j and the floor for each protection, one thread,")
				.append(" log scale](")
				.append(FILE)
				.append(")\n\n");
		}
	}

	/** The chart, or null when the run measured none of its rows (a subset run). */
	static String svg(Map<String, Result> results) {
		List<Group> groups = groups(results);
		if (groups.isEmpty()) {
			return null;
		}
		double min = Double.MAX_VALUE;
		double max = 0;
		for (Group group : groups) {
			for (Result bar : group.bars()) {
				if (bar != null) {
					min = Math.min(min, bar.score());
					max = Math.max(max, bar.score());
				}
			}
		}
		// Whole decades, never narrower than 10 ns to 10 µs, so that the charts of
		// successive runs share one axis and compare by eye.
		int low = Math.min(1, (int) Math.floor(Math.log10(min)));
		int high = Math.max(4, (int) Math.ceil(Math.log10(max)));
		Axis axis = new Axis(low, high, LABELS, WIDTH - RIGHT);
		int groupHeight = SERIES.length * BAR + (SERIES.length - 1) * BAR_GAP;
		int axisY = TOP + groups.size() * (groupHeight + GROUP_GAP);
		int height = axisY + 52;

		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
						+ " font-family=\"-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\" font-size=\"12\">\n",
				WIDTH, height, WIDTH, height));
		svg.append("<title>Time per call: ours, resilience4j and the floor, log scale</title>\n");
		svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", WIDTH, height));
		svg.append(text(16, 28, "start", "font-size=\"17\" font-weight=\"600\"",
				"Time per call: ours, resilience4j and the floor"));
		String vm = groups.get(0).bars().get(0).vm();
		svg.append(text(16, 48, "start", "", "One thread, success path, JDK " + vm.substring(vm.lastIndexOf(' ') + 1)
				+ ". Log scale: shorter is faster; each bar starts at " + tick(low) + " ns."));
		int x = 16;
		for (int i = 0; i < SERIES.length; i++) {
			svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"60\" width=\"14\" height=\"12\" fill=\"%s\"/>\n",
					x, COLOURS[i]));
			svg.append(text(x + 19, 70, "start", "", SERIES[i]));
			x += 19 + SERIES[i].length() * 7 + 24;
		}

		for (int decade = low; decade <= high; decade++) {
			double at = axis.x(Math.pow(10, decade));
			svg.append(line(at, TOP - 8, at, axisY, GRID, 1));
			svg.append(text(at, axisY + 16, "middle", "", tick(decade)));
			for (int step = 2; decade < high && step < 10; step++) {
				double minor = axis.x(step * Math.pow(10, decade));
				svg.append(line(minor, TOP - 8, minor, axisY, GRID, 0.4));
			}
		}
		svg.append(line(axis.left(), axisY, axis.right(), axisY, TEXT, 1));
		svg.append(
				text((axis.left() + axis.right()) / 2.0, axisY + 36, "middle", "", "nanoseconds per call (log scale)"));

		int y = TOP;
		for (Group group : groups) {
			double middle = y + groupHeight / 2.0;
			if (group.note().isEmpty()) {
				svg.append(text(LABELS - 10, middle + 4, "end", "font-weight=\"600\"", group.label()));
			}
			else {
				svg.append(text(LABELS - 10, middle - 3, "end", "font-weight=\"600\"", group.label()));
				svg.append(text(LABELS - 10, middle + 12, "end", "font-size=\"11\"", group.note()));
			}
			for (int i = 0; i < SERIES.length; i++) {
				Result bar = group.bars().get(i);
				int top = y + i * (BAR + BAR_GAP);
				if (bar != null) {
					double end = axis.x(bar.score());
					svg.append(String.format(Locale.ROOT,
							"<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s: %s ns</title></rect>\n",
							LABELS, top, Math.max(1, end - LABELS), BAR, COLOURS[i], escape(SERIES[i]),
							ReportWriter.number(bar.score())));
					svg.append(text(end + 4, top + BAR - 2.5, "start", "font-size=\"11\"",
							ReportWriter.number(bar.score()) + " ns"));
				}
			}
			y += groupHeight + GROUP_GAP;
		}
		svg.append("</svg>\n");
		return svg.toString();
	}

	/**
	 * The groups whose ours and resilience4j rows were both measured, each with the
	 * floor.
	 */
	private static List<Group> groups(Map<String, Result> results) {
		List<Group> groups = new ArrayList<>();
		Result floor = results.get(FLOOR);
		for (String[] group : GROUPS) {
			Result ours = results.get(PACKAGE + group[2] + ".ours" + group[3]);
			Result r4j = results.get(PACKAGE + group[2] + ".resilience4j" + group[3]);
			if (ours != null && r4j != null) {
				groups.add(new Group(group[0], group[1], Arrays.asList(ours, r4j, floor)));
			}
		}
		return groups;
	}

	private static String tick(int decade) {
		return String.format(Locale.ROOT, "%,d", Math.round(Math.pow(10, decade)));
	}

	private static String line(double x1, double y1, double x2, double y2, String colour, double width) {
		return String.format(Locale.ROOT,
				"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"/>\n", x1, y1,
				x2, y2, colour, width);
	}

	private static String text(double x, double y, String anchor, String attributes, String text) {
		return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\"%s>%s</text>\n", x,
				y, anchor, TEXT, attributes.isEmpty() ? "" : " " + attributes, escape(text));
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

	private record Group(String label, String note, List<Result> bars) {
	}

	/** Maps a time in ns to x on the log axis from 10^low to 10^high. */
	private record Axis(int low, int high, double left, double right) {

		double x(double value) {
			return this.left + (Math.log10(value) - this.low) / (this.high - this.low) * (this.right - this.left);
		}

	}

}
