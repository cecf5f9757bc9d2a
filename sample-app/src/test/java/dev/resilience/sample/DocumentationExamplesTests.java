package dev.resilience.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java examples in {@code docs/} that say they come from the sample app
 * ({@code <!-- from sample-app: File.java -->} before the block) really are in it: every
 * line of the example stands, in the same order, in that source file. So the docs show
 * code that compiles, and cannot drift from it.
 */
class DocumentationExamplesTests {

	private static final Pattern MARKED_BLOCK = Pattern
		.compile("<!-- from sample-app: (\\S+\\.java) -->\\n```java\\n(.*?)\\n```", Pattern.DOTALL);

	private static final Path DOCS = Path.of("..", "docs");

	// from the module directory of either line's sample (the Boot 4 sample builds these
	// sources too)
	private static final Path SOURCES = Path.of("..", "sample-app", "src", "main", "java");

	@Test
	void everyMarkedExampleIsCopiedFromTheSampleApp() throws IOException {
		List<String> problems = new ArrayList<>();
		int examples = 0;
		try (Stream<Path> pages = Files.list(DOCS)) {
			for (Path page : pages.filter((path) -> path.toString().endsWith(".md")).sorted().toList()) {
				Matcher matcher = MARKED_BLOCK.matcher(Files.readString(page));
				while (matcher.find()) {
					examples++;
					String problem = check(matcher.group(1), matcher.group(2));
					if (problem != null) {
						problems.add(page.getFileName() + ": " + problem);
					}
				}
			}
		}
		assertThat(examples).as("marked examples found in docs/").isGreaterThanOrEqualTo(7);
		assertThat(problems).isEmpty();
	}

	private String check(String fileName, String example) throws IOException {
		Path source;
		try (Stream<Path> files = Files.walk(SOURCES)) {
			source = files.filter((path) -> path.getFileName().toString().equals(fileName)).findFirst().orElse(null);
		}
		if (source == null) {
			return "no " + fileName + " in the sample app";
		}
		List<String> sourceLines = Files.readAllLines(source).stream().map(String::strip).toList();
		int position = 0;
		for (String line : example.lines().map(String::strip).filter((line) -> !line.isEmpty()).toList()) {
			int found = sourceLines.subList(position, sourceLines.size()).indexOf(line);
			if (found < 0) {
				return "example line not found (in order) in " + fileName + ": " + line;
			}
			position += found + 1;
		}
		return null;
	}

}
