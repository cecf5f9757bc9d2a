package dev.resilience.architecture;

import java.time.Duration;
import java.util.List;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import dev.resilience.internal.Durations;
import dev.resilience.internal.ListenerList;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Keeps the engine's {@code internal} packages internal: only the engine's own classes
 * depend on them, and no public signature of an API or SPI package takes, returns or
 * extends an internal type, so users never have to name one. The Spring layer checks the
 * same from its side ({@code dev.resilience.spring.architecture.InternalApiTests}). Each
 * rule is also run against a class that breaks it, so neither passes for want of looking.
 */
class InternalPackagesTests {

	/**
	 * Every internal package of the engine: the shared toolkit and each policy's
	 * implementation.
	 */
	static final String INTERNAL = "dev.resilience..internal..";

	/**
	 * The engine: {@code dev.resilience} and its subpackages, but not the Spring
	 * integration.
	 */
	static final DescribedPredicate<JavaClass> THE_ENGINE = resideInAPackage("dev.resilience..")
		.and(not(resideInAPackage("dev.resilience.spring..")))
		.as("the engine");

	private static final JavaClasses ENGINE = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.resilience");

	private static final JavaClasses FIXTURES = new ClassFileImporter().importClasses(ExposesInternalTypes.class,
			UsesInternalTypes.class, Durations.class);

	static ArchRule internalPackagesAreUsedOnlyBy(DescribedPredicate<JavaClass> engine) {
		return classes().that()
			.resideInAPackage(INTERNAL)
			.should()
			.onlyHaveDependentClassesThat(engine)
			.because("internal packages carry no compatibility promise and are the engine's own");
	}

	static ArchRule publicSignaturesExposeNoInternalType() {
		return classes().that()
			.arePublic()
			.and()
			.resideOutsideOfPackage(INTERNAL)
			.should(exposeNoInternalType())
			.because("a user of the API must never have to name an internal type");
	}

	@Test
	void onlyTheEngineDependsOnItsInternalPackages() {
		internalPackagesAreUsedOnlyBy(THE_ENGINE).check(ENGINE);
	}

	@Test
	void publicSignaturesOfApiAndSpiPackagesExposeNoInternalType() {
		publicSignaturesExposeNoInternalType().check(ENGINE);
	}

	@Test
	void theDependencyRuleFlagsAClassOutsideTheEngine() {
		DescribedPredicate<JavaClass> engineWithoutFixture = THE_ENGINE.and(not(equivalentTo(UsesInternalTypes.class)));
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> internalPackagesAreUsedOnlyBy(engineWithoutFixture).check(FIXTURES))
			.withMessageContaining(UsesInternalTypes.class.getName())
			.withMessageContaining(Durations.class.getName());
	}

	@Test
	void theSignatureRuleFlagsEveryWayOfExposingAnInternalType() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> publicSignaturesExposeNoInternalType().check(FIXTURES))
			.withMessageContaining(ExposesInternalTypes.class.getName() + ".listeners> has type")
			.withMessageContaining(".<init>(" + Durations.class.getName() + ")> takes")
			.withMessageContaining(ExposesInternalTypes.class.getName() + ".take(java.util.List)> takes")
			.withMessageContaining(ExposesInternalTypes.class.getName() + ".give()> returns")
			.withMessageNotContaining("hidden()");
	}

	private static ArchCondition<JavaClass> exposeNoInternalType() {
		return new ArchCondition<>("expose no type of an internal package in a public or protected signature") {

			@Override
			public void check(JavaClass type, ConditionEvents events) {
				type.getSuperclass().ifPresent((superclass) -> report(type, "extends", superclass, events));
				type.getInterfaces().forEach((contract) -> report(type, "implements", contract, events));
				for (JavaMember member : type.getMembers()) {
					if (!isExposed(member)) {
						continue;
					}
					if (member instanceof JavaField field) {
						report(field, "has type", field.getType(), events);
					}
					else if (member instanceof JavaCodeUnit codeUnit) {
						report(codeUnit, "returns", codeUnit.getReturnType(), events);
						codeUnit.getParameterTypes()
							.forEach((parameter) -> report(codeUnit, "takes", parameter, events));
						codeUnit.getThrowsClause()
							.getTypes()
							.forEach((thrown) -> report(codeUnit, "throws", thrown, events));
					}
				}
			}

			private boolean isExposed(JavaMember member) {
				return !member.getModifiers().contains(JavaModifier.SYNTHETIC)
						&& (member.getModifiers().contains(JavaModifier.PUBLIC)
								|| member.getModifiers().contains(JavaModifier.PROTECTED));
			}

			private void report(Object owner, String relation, JavaType signatureType, ConditionEvents events) {
				for (JavaClass involved : signatureType.getAllInvolvedRawTypes()) {
					if (involved.getPackageName().startsWith("dev.resilience.")
							&& isInternalPackage(involved.getPackageName())) {
						String description = ownerDescription(owner) + " " + relation + " " + involved.getName();
						events.add(SimpleConditionEvent.violated(owner, description));
					}
				}
			}

			private String ownerDescription(Object owner) {
				return (owner instanceof JavaMember member) ? member.getDescription()
						: "Class <" + ((JavaClass) owner).getName() + ">";
			}

		};
	}

	private static boolean isInternalPackage(String packageName) {
		return packageName.endsWith(".internal") || packageName.contains(".internal.");
	}

	/**
	 * Uses the toolkit from outside the engine (for the check of the dependency rule
	 * only).
	 */
	static final class UsesInternalTypes {

		String describe(Duration duration) {
			return Durations.format(duration);
		}

	}

	/**
	 * Every kind of public signature that names an internal type, and one that hides it.
	 */
	public static class ExposesInternalTypes {

		public ListenerList<Runnable> listeners;

		public ExposesInternalTypes(Durations unused) {
		}

		public void take(List<ListenerList<Runnable>> lists) {
		}

		public ListenerList<Runnable> give() {
			return null;
		}

		private ListenerList<Runnable> hidden() {
			return null;
		}

	}

}
