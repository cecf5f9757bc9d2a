package dev.resilience.spring.docs;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Keeps {@code docs/configuration.md} and the YAML examples of the documentation in step
 * with the configuration metadata the build generates (merged with
 * {@code additional-spring-configuration-metadata.json}): every {@code resilience.*}
 * property is documented, every documented key exists, and every documented default is
 * the metadata's.
 * <p>
 * The reference's rows have the form
 * {@code | `resilience.some.key` | type | `default` | description |}, with {@code —} as
 * the default of a key that has none. Every line that starts with {@code | `resilience.}
 * is such a row; one with another number of cells fails the test rather than being
 * skipped.
 */
class ConfigurationReferenceDocTests {

	private static final String NO_DEFAULT = "—";

	private static final Pattern ROW = Pattern.compile("^\\|\\s*`(resilience\\.[^`]+)`\\s*\\|.*$");

	private static final Pattern YAML_BLOCK = Pattern.compile("(?ms)^```ya?ml\\s*$(.*?)^```\\s*$");

	private static Map<String, JsonNode> metadata;

	private static Path docs;

	@BeforeAll
	static void load() throws IOException {
		metadata = loadMetadata();
		docs = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../docs").normalize();
	}

	@Test
	void metadataIsFoundOnTheClasspath() {
		// Guards the other tests: with no metadata they would compare an empty set with
		// the doc.
		assertThat(metadata).containsKeys("resilience.circuit-breaker.defaults.failure-rate-threshold",
				"resilience.idempotency.store", "resilience.retry.instances");
	}

	@Test
	void everyMetadataPropertyIsDocumented() throws IOException {
		Set<String> missing = new TreeSet<>(metadata.keySet());
		missing.removeAll(documentedRows().keySet());
		assertThat(missing).as("resilience.* properties missing from docs/configuration.md").isEmpty();
	}

	@Test
	void everyDocumentedKeyExists() throws IOException {
		Set<String> unknown = new TreeSet<>(documentedRows().keySet());
		unknown.removeAll(metadata.keySet());
		assertThat(unknown).as("keys in docs/configuration.md that the configuration metadata does not know").isEmpty();
	}

	@Test
	void everyDocumentedDefaultIsTheMetadataDefault() throws IOException {
		List<String> wrong = new ArrayList<>();
		documentedRows().forEach((key, row) -> {
			JsonNode property = metadata.get(key);
			if (property != null && !sameDefault(property, row.defaultValue())) {
				wrong.add(key + ": documented " + row.defaultValue() + ", metadata "
						+ (property.has("defaultValue") ? property.get("defaultValue") : "(none)"));
			}
		});
		assertThat(wrong).as("defaults in docs/configuration.md that differ from the metadata").isEmpty();
	}

	@Test
	void everyDocumentedKeyHasADescription() throws IOException {
		documentedRows().forEach((key, row) -> assertThat(row.description()).as("description of " + key).isNotBlank());
	}

	@Test
	void everyResilienceKeyInTheDocsYamlExamplesExists() throws IOException {
		List<String> unknown = new ArrayList<>();
		int checked = 0;
		for (Path file : markdownFiles()) {
			String text = Files.readString(file, StandardCharsets.UTF_8);
			Matcher block = YAML_BLOCK.matcher(text);
			while (block.find()) {
				String yaml = block.group(1);
				if (!yaml.lines().anyMatch((line) -> line.startsWith("resilience:"))) {
					continue;
				}
				Object root;
				try {
					root = new Yaml().load(yaml);
				}
				catch (RuntimeException ex) {
					fail("YAML block in " + docs.relativize(file) + " does not parse: " + ex.getMessage());
					return;
				}
				List<List<String>> leaves = new ArrayList<>();
				flatten(List.of(), root, leaves);
				for (List<String> path : leaves) {
					if (!path.get(0).equals("resilience")) {
						continue;
					}
					checked++;
					if (!metadata.containsKey(asDefaultsKey(path))) {
						unknown.add(docs.relativize(file) + ": " + String.join(".", path));
					}
				}
			}
		}
		assertThat(checked).as("resilience keys found in the YAML examples of docs/").isPositive();
		assertThat(unknown).as("keys in YAML examples that the configuration metadata does not know").isEmpty();
	}

	/**
	 * The metadata key a YAML path is checked against: an instance's key
	 * ({@code resilience.retry.instances.inventory.max-attempts}) as its defaults key
	 * ({@code resilience.retry.defaults.max-attempts}), whatever the instance name
	 * contains.
	 */
	private static String asDefaultsKey(List<String> path) {
		if (path.size() > 4 && path.get(2).equals("instances")) {
			List<String> defaults = new ArrayList<>(path.subList(0, 2));
			defaults.add("defaults");
			defaults.addAll(path.subList(4, path.size()));
			return String.join(".", defaults);
		}
		return String.join(".", path);
	}

	/** Paths of the leaves of a parsed YAML tree; lists and empty maps are leaves. */
	private static void flatten(List<String> path, Object node, List<List<String>> leaves) {
		if (node instanceof Map<?, ?> map && !map.isEmpty()) {
			map.forEach((key, value) -> {
				List<String> child = new ArrayList<>(path);
				child.add(String.valueOf(key));
				flatten(child, value, leaves);
			});
		}
		else if (!path.isEmpty()) {
			leaves.add(path);
		}
	}

	private static boolean sameDefault(JsonNode property, String documented) {
		JsonNode expected = property.get("defaultValue");
		if (expected == null || expected.isNull()) {
			return NO_DEFAULT.equals(documented);
		}
		String literal = unquote(documented);
		if (literal == null) {
			return false;
		}
		if (expected.isArray()) {
			return expected.size() == 0 && literal.equals("[]");
		}
		if (expected.isNumber()) {
			try {
				return new BigDecimal(literal).compareTo(expected.decimalValue()) == 0;
			}
			catch (NumberFormatException ex) {
				return false;
			}
		}
		if (expected.isBoolean()) {
			return literal.equals(expected.asText());
		}
		if ("java.time.Duration".equals(property.path("type").asText())) {
			try {
				return DurationStyle.detectAndParse(literal).equals(DurationStyle.detectAndParse(expected.asText()));
			}
			catch (IllegalArgumentException ex) {
				return false;
			}
		}
		return literal.equals(expected.asText());
	}

	/**
	 * The value inside one pair of backticks, or {@code null} if the cell is not written
	 * so.
	 */
	private static String unquote(String cell) {
		if (cell.length() >= 2 && cell.startsWith("`") && cell.endsWith("`")
				&& cell.indexOf('`', 1) == cell.length() - 1) {
			return cell.substring(1, cell.length() - 1);
		}
		return null;
	}

	private static Map<String, Row> documentedRows() throws IOException {
		Path reference = docs.resolve("configuration.md");
		assertThat(reference).as("configuration reference").isRegularFile();
		Map<String, Row> rows = new LinkedHashMap<>();
		for (String line : Files.readAllLines(reference, StandardCharsets.UTF_8)) {
			Matcher row = ROW.matcher(line.strip());
			if (!row.matches()) {
				continue;
			}
			String[] cells = line.strip().split("\\|", -1);
			// "| a | b | c | d |" splits into 6 parts: empty, four cells, empty
			if (cells.length != 6 || !cells[0].isBlank() || !cells[5].isBlank()) {
				fail("docs/configuration.md row does not have exactly four cells (key, type, default, description): "
						+ line);
			}
			String key = row.group(1);
			if (rows.put(key, new Row(cells[2].strip(), cells[3].strip(), cells[4].strip())) != null) {
				fail("docs/configuration.md documents " + key + " twice");
			}
		}
		assertThat(rows).as("rows of docs/configuration.md").isNotEmpty();
		return rows;
	}

	private static List<Path> markdownFiles() throws IOException {
		try (Stream<Path> files = Files.walk(docs)) {
			return files.filter((file) -> file.toString().endsWith(".md")).sorted().toList();
		}
	}

	/**
	 * Properties under {@code resilience.}, generated entries merged with the
	 * hand-written additions.
	 */
	private static Map<String, JsonNode> loadMetadata() throws IOException {
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		ObjectMapper mapper = new ObjectMapper();
		ClassLoader classLoader = ConfigurationReferenceDocTests.class.getClassLoader();
		for (String resource : List.of("META-INF/spring-configuration-metadata.json",
				"META-INF/additional-spring-configuration-metadata.json")) {
			for (URL url : Collections.list(classLoader.getResources(resource))) {
				try (InputStream in = url.openStream()) {
					for (JsonNode property : mapper.readTree(in).path("properties")) {
						String name = property.path("name").asText();
						if (!name.startsWith("resilience.")) {
							continue;
						}
						JsonNode existing = properties.get(name);
						if (existing instanceof ObjectNode merged) {
							merged.setAll((ObjectNode) property);
						}
						else {
							properties.put(name, property.deepCopy());
						}
					}
				}
			}
		}
		return properties;
	}

	private record Row(String type, String defaultValue, String description) {
	}

}
