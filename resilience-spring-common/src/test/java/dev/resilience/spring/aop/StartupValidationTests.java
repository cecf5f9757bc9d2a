package dev.resilience.spring.aop;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Idempotent;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration;
import dev.resilience.spring.testsupport.BootLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every annotation mistake stops the application while the bean is created, with a
 * message that names the class, the method and what was expected.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupValidationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class,
				ResilienceIdempotencyAutoConfiguration.class, BootLine.type(BootLine.JACKSON)));

	@Test
	void missingFallbackMethodFailsStartupNamingClassMethodAndSignature() {
		this.runner.withBean(MissingFallback.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(dev.resilience.fallback.FallbackResolutionException.class)
				.hasMessage("@Fallback(method = \"reserveFallback\") on MissingFallback.reserve(String, int): no method"
						+ " reserveFallback(String, int[, Throwable]) returning Integer in MissingFallback"));
	}

	@Test
	void fallbackWithIncompatibleReturnTypeFailsStartup() {
		this.runner.withBean(IncompatibleFallback.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("IncompatibleFallback.reserve(String)")
				.hasMessageContaining(
						"found reserveFallback(String) returning String, which is not assignable to int"));
	}

	@Test
	void idempotentKeyWithSpelSyntaxErrorFailsStartup() {
		this.runner.withBean(BadSpel.class)
			.run((context) -> assertThat(annotationFailure(context.getStartupFailure()))
				.hasMessageStartingWith("@Idempotent(key = \"#command.\") on BadSpel.charge: invalid SpEL expression"));
	}

	@Test
	void idempotentMethodReturningAStreamFailsStartup() {
		this.runner.withBean(Unreplayable.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessage("@Idempotent on Unreplayable.lines(String): return type Stream cannot be replayed from a"
						+ " stored result; return a value that serializes to JSON (a record, a List, a DTO) or void"));
	}

	@Test
	void threadPoolBulkheadOnAPlainMethodFailsStartup() {
		this.runner.withPropertyValues("resilience.bulkhead.instances.pool.type=thread-pool")
			.withBean(PlainMethodOnThreadPool.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageStartingWith("@Bulkhead(name = \"pool\") on PlainMethodOnThreadPool.load(): bulkhead 'pool'"
						+ " is a thread-pool bulkhead, which runs only methods returning CompletionStage"));
	}

	@Test
	void threadPoolBulkheadOnACompletableFutureMethodStarts() {
		this.runner.withPropertyValues("resilience.bulkhead.instances.pool.type=thread-pool")
			.withBean(AsyncMethodOnThreadPool.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(AsyncMethodOnThreadPool.class).load().join())
					.startsWith("resilience-bulkhead-pool");
			});
	}

	@Test
	void failureAnalysisReportsTheAnnotationMessage() {
		this.runner.withBean(Unreplayable.class).run((context) -> {
			FailureAnalysis analysis = new ResilienceAnnotationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Unreplayable.lines(String)");
			assertThat(analysis.getAction()).isNotBlank();
		});
	}

	@Test
	void unknownInstanceNameUsesDefaultsWithOneInfoLine(CapturedOutput output) {
		this.runner.withBean(TwoMethodsOneUndeclaredName.class).run((context) -> {
			assertThat(context).hasNotFailed();
			context.getBean(TwoMethodsOneUndeclaredName.class).first();
			context.getBean(TwoMethodsOneUndeclaredName.class).second();
		});
		String line = "@CircuitBreaker instance 'undeclared' has no resilience.circuit-breaker.instances.undeclared"
				+ " configuration; it uses resilience.circuit-breaker.defaults";
		assertThat(output.getOut().split(line, -1)).as("exactly one INFO line").hasSize(2);
	}

	@Test
	void placeholderInANameIsResolvedOnceAtStartup() {
		this.runner.withPropertyValues("downstream.name=inventory-eu")
			.withBean(PlaceholderName.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				context.getBean(PlaceholderName.class).call();
				assertThat(context.getBean(dev.resilience.ResilienceRegistry.class).findCircuitBreaker("inventory-eu"))
					.isPresent();
			});
	}

	@Test
	void unresolvablePlaceholderInANameFailsStartup() {
		this.runner.withBean(PlaceholderName.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("downstream.name"));
	}

	@Test
	void annotationOnAPrivateMethodFailsStartupInsteadOfProtectingNothing() {
		this.runner.withBean(PrivateAnnotated.class)
			.run((context) -> assertThat(annotationFailure(context.getStartupFailure()))
				.hasMessage("@Retry on PrivateAnnotated.load(): the method is private, so the Spring proxy cannot"
						+ " intercept it and the annotation would protect nothing; make it a non-final instance method"
						+ " that is not private, and call it through the bean"));
	}

	@Test
	void annotationOnAStaticMethodFailsStartup() {
		this.runner.withBean(StaticAnnotated.class)
			.run((context) -> assertThat(annotationFailure(context.getStartupFailure()))
				.hasMessageStartingWith("@CircuitBreaker on StaticAnnotated.load(): the method is static"));
	}

	@Test
	void annotationOnAFinalMethodFailsStartup() {
		this.runner.withBean(FinalAnnotated.class)
			.run((context) -> assertThat(annotationFailure(context.getStartupFailure()))
				.hasMessageStartingWith("@Bulkhead on FinalAnnotated.load(): the method is final"));
	}

	@Test
	void typeLevelAnnotationProtectsPublicMethodsButNotToString() {
		this.runner
			.withPropertyValues("resilience.circuit-breaker.instances.typed.minimum-number-of-calls=1",
					"resilience.circuit-breaker.instances.typed.sliding-window-size=1")
			.withBean(TypeAnnotated.class)
			.run((context) -> {
				TypeAnnotated bean = context.getBean(TypeAnnotated.class);
				assertThat(bean.toString()).isEqualTo("typed bean");
				assertThat(context.getBean(dev.resilience.ResilienceRegistry.class).findCircuitBreaker("typed"))
					.hasValueSatisfying((breaker) -> assertThat(breaker.getMetrics().getNumberOfBufferedCalls())
						.as("toString went around the breaker")
						.isZero());
				bean.work();
				assertThat(context.getBean(dev.resilience.ResilienceRegistry.class)
					.circuitBreaker("typed")
					.getMetrics()
					.getNumberOfBufferedCalls()).isEqualTo(1);
			});
	}

	@Test
	void beanImplementingAnInterfaceIsStillInjectableByItsClass() {
		this.runner.withBean(InterfaceImplementation.class).run((context) -> {
			assertThat(context).hasSingleBean(InterfaceImplementation.class);
			assertThat(context.getBean(Supplier.class).get()).isEqualTo("supplied");
		});
	}

	private static Throwable annotationFailure(Throwable failure) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (current instanceof ResilienceAnnotationException) {
				return current;
			}
		}
		throw new AssertionError("no ResilienceAnnotationException in the causes of " + failure);
	}

	static class PrivateAnnotated {

		public String call() {
			return load();
		}

		@dev.resilience.annotation.Retry(name = "private")
		private String load() {
			return "x";
		}

	}

	static class StaticAnnotated {

		@CircuitBreaker(name = "static")
		public static String load() {
			return "x";
		}

	}

	static class FinalAnnotated {

		@Bulkhead(name = "final")
		public final String load() {
			return "x";
		}

	}

	@CircuitBreaker(name = "typed")
	static class TypeAnnotated {

		public String work() {
			return "worked";
		}

		@Override
		public String toString() {
			return "typed bean";
		}

	}

	static class InterfaceImplementation implements Supplier<String> {

		@Override
		@CircuitBreaker(name = "supplier")
		public String get() {
			return "supplied";
		}

	}

	static class MissingFallback {

		@Fallback(method = "reserveFallback")
		public Integer reserve(String sku, int quantity) {
			return quantity;
		}

	}

	static class IncompatibleFallback {

		@Fallback(method = "reserveFallback")
		public int reserve(String sku) {
			return 1;
		}

		String reserveFallback(String sku) {
			return "none";
		}

	}

	static class BadSpel {

		@Idempotent(key = "#command.")
		public String charge(String command) {
			return command;
		}

	}

	static class Unreplayable {

		@Idempotent(key = "#p0")
		public Stream<String> lines(String key) {
			return Stream.of(key);
		}

	}

	static class PlainMethodOnThreadPool {

		@Bulkhead(name = "pool")
		public String load() {
			return "x";
		}

	}

	static class AsyncMethodOnThreadPool {

		@Bulkhead(name = "pool")
		public CompletableFuture<String> load() {
			return CompletableFuture.completedFuture(Thread.currentThread().getName());
		}

	}

	static class TwoMethodsOneUndeclaredName {

		@CircuitBreaker(name = "undeclared")
		public String first() {
			return "1";
		}

		@CircuitBreaker(name = "undeclared")
		public String second() {
			return "2";
		}

	}

	static class PlaceholderName {

		@CircuitBreaker(name = "${downstream.name}")
		public String call() {
			return "ok";
		}

	}

}
