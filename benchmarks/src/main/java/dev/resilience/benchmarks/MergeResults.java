package dev.resilience.benchmarks;

import java.io.File;
import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * Merges the JSON results of run.sh's JMH invocations (the suite on the default JDK, the
 * startup benchmarks with their own options, a subset on JDK 25) into one results file,
 * in the order given. Each run keeps its fields, {@code jdkVersion} included, which is
 * how {@link ReportWriter} tells the JDKs apart; it takes the JDK of the first run as the
 * default one, so the default JDK's files come first.
 * <p>
 * Usage: {@code MergeResults <merged.json> <results.json>...}
 */
public final class MergeResults {

	private MergeResults() {
	}

	public static void main(String[] args) throws IOException {
		if (args.length < 2) {
			throw new IllegalArgumentException("usage: MergeResults <merged.json> <results.json>...");
		}
		ObjectMapper json = new ObjectMapper();
		ArrayNode merged = json.createArrayNode();
		for (int i = 1; i < args.length; i++) {
			JsonNode runs = json.readTree(new File(args[i]));
			if (!runs.isArray()) {
				throw new IllegalArgumentException(args[i] + " is not JMH's JSON results (an array of runs)");
			}
			merged.addAll((ArrayNode) runs);
		}
		json.writerWithDefaultPrettyPrinter().writeValue(new File(args[0]), merged);
	}

}
