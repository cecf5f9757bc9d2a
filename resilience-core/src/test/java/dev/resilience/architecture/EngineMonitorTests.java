package dev.resilience.architecture;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.Source;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.thirdparty.org.objectweb.asm.ClassReader;
import com.tngtech.archunit.thirdparty.org.objectweb.asm.ClassVisitor;
import com.tngtech.archunit.thirdparty.org.objectweb.asm.Label;
import com.tngtech.archunit.thirdparty.org.objectweb.asm.MethodVisitor;
import com.tngtech.archunit.thirdparty.org.objectweb.asm.Opcodes;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

/**
 * Nothing in the engine blocks while holding a monitor. The engine holds no monitor at
 * all: it declares no {@code synchronized} method, has no {@code synchronized} block and
 * never calls {@code Object.wait}. Mutual exclusion uses
 * {@code java.util.concurrent.locks}, which a virtual thread waits for without pinning
 * its carrier on any JDK.
 * <p>
 * ArchUnit's rules see modifiers and calls but not {@code synchronized} blocks, so those
 * are found by reading the compiled engine classes for {@code MONITORENTER} instructions
 * with the ASM that ArchUnit bundles. Each check is also run against a class that breaks
 * it, so none of them passes for want of looking.
 */
class EngineMonitorTests {

	private static final JavaClasses ENGINE = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.resilience");

	/**
	 * {@code wait()}, {@code wait(long)}, {@code wait(long, int)}: final in Object, so
	 * any owner means Object's.
	 */
	private static final Set<List<String>> WAIT_SIGNATURES = Set.of(List.of(), List.of("long"), List.of("long", "int"));

	private static final DescribedPredicate<JavaMethodCall> OBJECT_WAIT = DescribedPredicate.describe("Object.wait",
			(call) -> call.getName().equals("wait") && WAIT_SIGNATURES
				.contains(call.getTarget().getRawParameterTypes().stream().map(JavaClass::getName).toList()));

	private static final ArchRule NO_SYNCHRONIZED_METHODS = noMethods().should()
		.haveModifier(JavaModifier.SYNCHRONIZED)
		.because(
				"a virtual thread blocked in or waiting for a monitor may pin its carrier; use java.util.concurrent.locks");

	private static final ArchRule NO_OBJECT_WAIT = noClasses().should()
		.callMethodWhere(OBJECT_WAIT)
		.because("Object.wait parks while owning a monitor; use java.util.concurrent.locks.Condition");

	@Test
	void engineDeclaresNoSynchronizedMethod() {
		NO_SYNCHRONIZED_METHODS.check(ENGINE);
	}

	@Test
	void engineNeverCallsObjectWait() {
		NO_OBJECT_WAIT.check(ENGINE);
	}

	@Test
	void engineHasNoSynchronizedBlock() {
		assertThat(ENGINE.contain("dev.resilience.bulkhead.internal.SemaphoreBulkhead"))
			.as("the engine's classes were found")
			.isTrue();
		List<String> monitors = new ArrayList<>();
		for (JavaClass engineClass : ENGINE) {
			monitors.addAll(monitorEntries(engineClass));
		}
		assertThat(monitors).as("synchronized blocks (MONITORENTER) in the engine").isEmpty();
	}

	@Test
	void rulesFindMonitorsWhereThereAreSome() {
		JavaClasses offender = new ClassFileImporter().importClasses(MonitorUser.class);
		assertThat(NO_SYNCHRONIZED_METHODS.evaluate(offender).getFailureReport().getDetails()).singleElement(STRING)
			.contains("awaitSignal");
		assertThat(NO_OBJECT_WAIT.evaluate(offender).getFailureReport().getDetails()).hasSize(3);
		assertThat(monitorEntries(offender.get(MonitorUser.class))).singleElement(STRING)
			.startsWith(MonitorUser.class.getName() + ".increment line ");
	}

	/**
	 * Every MONITORENTER in the class file of {@code type}, as
	 * {@code class.method line n}.
	 */
	private static List<String> monitorEntries(JavaClass type) {
		URI uri = type.getSource()
			.map(Source::getUri)
			.orElseThrow(() -> new IllegalStateException("no class file for " + type.getName()));
		ClassReader reader;
		try (InputStream in = uri.toURL().openStream()) {
			reader = new ClassReader(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<String> found = new ArrayList<>();
		reader.accept(new ClassVisitor(Opcodes.ASM9) {

			@Override
			public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
					String[] exceptions) {
				return new MethodVisitor(Opcodes.ASM9) {

					private int line;

					@Override
					public void visitLineNumber(int line, Label start) {
						this.line = line;
					}

					@Override
					public void visitInsn(int opcode) {
						if (opcode == Opcodes.MONITORENTER) {
							found.add(type.getName() + "." + name + " line " + this.line);
						}
					}

				};
			}

		}, 0);
		return found;
	}

	/** Breaks each check once (twice for the calls to wait): the checks must see it. */
	@SuppressWarnings("unused")
	static final class MonitorUser {

		private final Object lock = new Object();

		private int count;

		void increment() {
			synchronized (this.lock) {
				this.count++;
			}
		}

		synchronized void awaitSignal() throws InterruptedException {
			wait();
			wait(1);
			wait(1, 1);
		}

	}

}
