package dev.resilience.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/** Keeps the engine plain Java and its time injectable. */
class CoreArchitectureTests {

	private static final JavaClasses CORE = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.resilience");

	/** The only source file allowed to read the real clock or park on real time. */
	private static final String SYSTEM_TIME = "SystemTime.java";

	private static final Pattern REAL_TIME = Pattern.compile(
			"Thread\\.sleep|System\\s*\\.\\s*(nanoTime|currentTimeMillis)|Instant\\.now\\(|LocalDateTime\\.now\\(|Clock\\.system|LockSupport\\.parkNanos");

	@Test
	void coreDoesNotDependOnSpring() {
		noClasses().should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework..")
			.because("resilience-core is the plain-Java engine; Spring integration lives in resilience-autoconfigure")
			.check(CORE);
	}

	@Test
	void coreMainAndTestCodeTakeTimeOnlyFromTheInjectedTicker() throws IOException {
		List<String> offenders;
		try (Stream<Path> files = Stream.concat(Files.walk(Path.of("src/main/java")),
				Files.walk(Path.of("src/test/java")))) {
			offenders = files.filter((file) -> file.toString().endsWith(".java"))
				.filter((file) -> !file.getFileName().toString().equals(SYSTEM_TIME))
				.filter((file) -> !file.getFileName().toString().equals("CoreArchitectureTests.java"))
				.filter(CoreArchitectureTests::readsRealTime)
				.map(Path::toString)
				.toList();
		}
		assertThat(offenders).as("files reading the real clock or sleeping instead of using Ticker/Scheduler")
			.isEmpty();
	}

	private static boolean readsRealTime(Path file) {
		try {
			return REAL_TIME.matcher(Files.readString(file)).find();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
