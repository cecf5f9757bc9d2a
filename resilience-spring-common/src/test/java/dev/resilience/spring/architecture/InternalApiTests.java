package dev.resilience.spring.architecture;

import java.time.Duration;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import dev.resilience.internal.Durations;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The starter uses the engine through its API and SPI only: no class of the Spring layer
 * (the shared sources and the classes of this Boot line) depends on an engine
 * {@code internal} package, which carries no compatibility promise. Runs in both
 * autoconfigure modules, against each one's main classes. The rule is also run against a
 * class that breaks it, so it cannot pass for want of looking.
 */
class InternalApiTests {

	private static final JavaClasses SPRING_LAYER = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.resilience.spring");

	private static final ArchRule NO_ENGINE_INTERNALS = noClasses().that()
		.resideInAPackage("dev.resilience.spring..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("dev.resilience..internal..")
		.because("the engine's internal packages carry no compatibility promise; use its API and SPI");

	@Test
	void springLayerDoesNotDependOnEngineInternals() {
		assertThat(SPRING_LAYER).as("main classes of the Spring layer").isNotEmpty();
		NO_ENGINE_INTERNALS.check(SPRING_LAYER);
	}

	@Test
	void theRuleFlagsASpringClassThatUsesAnEngineInternal() {
		JavaClasses offender = new ClassFileImporter().importClasses(UsesEngineInternals.class);
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> NO_ENGINE_INTERNALS.check(offender))
			.withMessageContaining(UsesEngineInternals.class.getName())
			.withMessageContaining(Durations.class.getName());
	}

	/** Breaks the rule, for the check of the rule only. */
	static final class UsesEngineInternals {

		String describe(Duration duration) {
			return Durations.format(duration);
		}

	}

}
