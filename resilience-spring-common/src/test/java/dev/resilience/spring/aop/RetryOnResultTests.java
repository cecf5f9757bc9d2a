package dev.resilience.spring.aop;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import dev.resilience.ResilienceRegistry;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Retry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceRegistryCustomizer;
import dev.resilience.spring.metrics.ResilienceMeterBinder;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@code @Retry(retryOnResult = ...)}: a result for which the expression is true is
 * retried, on plain, {@code CompletionStage} and {@code Mono} methods; once attempts run
 * out the last result is returned and counted as {@code failed_with_retry}; the budget
 * bounds such retries; the breaker sees each attempt as a success; and every mistake in
 * the expression fails startup naming the method.
 */
class RetryOnResultTests {

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
		.withBean(ResilienceRegistryCustomizer.class,
				() -> (builder) -> builder.ticker(this.ticker).scheduler(this.scheduler))
		.withPropertyValues("resilience.retry.instances.orders.max-attempts=3",
				"resilience.retry.instances.orders.wait-duration=100ms",
				"resilience.retry.instances.orders.backoff=fixed", "resilience.retry.instances.orders.jitter=none",
				"resilience.retry.instances.orders.budget.enabled=false",
				"resilience.retry.instances.scarce.max-attempts=4",
				"resilience.retry.instances.scarce.wait-duration=100ms",
				"resilience.retry.instances.scarce.jitter=none", "resilience.retry.instances.scarce.budget.ratio=1.0",
				"resilience.retry.instances.scarce.budget.min-retries-per-second=0");

	@Test
	void retriesAResultTheExpressionRejectsUntilOneIsAccepted() {
		Answers answers = new Answers("PENDING", "PENDING", "DONE");
		run(answers, (context, orders) -> {
			assertThat(orders.status("o-1")).isEqualTo("DONE");
			assertThat(answers.calls).hasValue(3);
			assertThat(this.scheduler.requestedDelays()).containsExactly(100_000_000L, 100_000_000L);
			assertCounts(context, "orders", 0, 1, 0, 2);
		});
	}

	@Test
	void returnsTheLastResultWhenAttemptsRunOutCountedAsFailedWithRetry() {
		Answers answers = new Answers("PENDING");
		run(answers, (context, orders) -> {
			MeterRegistry meters = new SimpleMeterRegistry();
			new ResilienceMeterBinder(context.getBean(ResilienceRegistry.class)).bindTo(meters);
			assertThat(orders.status("o-1")).isEqualTo("PENDING");
			assertThat(answers.calls).hasValue(3);
			assertCounts(context, "orders", 0, 0, 1, 2);
			assertThat(meters.get("resilience.retry.calls")
				.tag("name", "orders")
				.tag("kind", "failed_with_retry")
				.functionCounter()
				.count()).isEqualTo(1.0);
			assertThat(meters.get("resilience.retry.attempts").tag("name", "orders").functionCounter().count())
				.isEqualTo(2.0);
		});
	}

	@Test
	void theExpressionSeesTheParameters() {
		Answers answers = new Answers(1, 3, 7);
		run(answers, (context, orders) -> {
			assertThat(orders.quantity(5)).isEqualTo(7);
			assertThat(answers.calls).hasValue(3);
		});
	}

	@Test
	void retriesTheValueOfACompletionStage() {
		Answers answers = new Answers("PENDING", "DONE");
		run(answers, (context, orders) -> {
			CompletableFuture<String> status = orders.statusAsync("o-1").toCompletableFuture();
			assertThat(status).isNotDone();
			this.scheduler.advance(Duration.ofMillis(100));
			assertThat(status).isCompletedWithValue("DONE");
			assertCounts(context, "orders", 0, 1, 0, 1);
		});
	}

	@Test
	void retriesTheValueOfAMonoAndAnEmptyMonoAsNull() {
		Answers answers = new Answers("PENDING", "", "DONE");
		run(answers, (context, orders) -> {
			List<String> values = new CopyOnWriteArrayList<>();
			orders.statusMono("o-1").subscribe(values::add);
			this.scheduler.advance(Duration.ofMillis(100));
			assertThat(answers.calls).hasValue(2);
			assertThat(values).isEmpty();
			this.scheduler.advance(Duration.ofMillis(100));
			assertThat(values).containsExactly("DONE");
			assertThat(answers.calls).hasValue(3);
			assertCounts(context, "orders", 0, 1, 0, 2);
		});
	}

	@Test
	void aMonoReturnsItsLastRejectedValueWhenAttemptsRunOut() {
		Answers answers = new Answers("PENDING");
		run(answers, (context, orders) -> {
			StepVerifier.withVirtualTime(() -> orders.statusMono("o-1"))
				.then(() -> this.scheduler.advance(Duration.ofMillis(200)))
				.expectNext("PENDING")
				.verifyComplete();
			assertCounts(context, "orders", 0, 0, 1, 2);
		});
	}

	@Test
	void theBudgetBoundsRetriesOfResults() {
		// Retries may equal calls: the call's first retry passes, its second is refused.
		Answers answers = new Answers("PENDING");
		run(answers, (context, orders) -> {
			assertThat(orders.scarce()).isEqualTo("PENDING");
			assertThat(answers.calls).hasValue(2);
			dev.resilience.retry.Retry.Metrics metrics = context.getBean(ResilienceRegistry.class)
				.retry("scarce")
				.getMetrics();
			assertThat(metrics.getNumberOfBudgetExhaustedCalls()).isEqualTo(1);
			assertThat(metrics.getNumberOfRetryAttempts()).isEqualTo(1);
		});
	}

	@Test
	void theBreakerRecordsEachRejectedResultAsASuccess() {
		Answers answers = new Answers("PENDING");
		run(answers, (context, orders) -> {
			assertThat(orders.guarded()).isEqualTo("PENDING");
			dev.resilience.circuitbreaker.CircuitBreaker.Metrics metrics = context.getBean(ResilienceRegistry.class)
				.circuitBreaker("orders")
				.getMetrics();
			assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo(3);
			assertThat(metrics.getNumberOfFailedCalls()).isZero();
		});
	}

	@Test
	void aValueThatIsNotABooleanFailsTheCallWithoutRetry() {
		Answers answers = new Answers("PENDING");
		run(answers, (context, orders) -> {
			assertThatIllegalStateException().isThrownBy(() -> orders.notBoolean())
				.withMessage(
						"@Retry(retryOnResult = \"#result\") on Orders.notBoolean() evaluated to a java.lang.String,"
								+ " not a boolean");
			assertThat(answers.calls).hasValue(1);
			assertCounts(context, "orders", 0, 0, 0, 0);
			assertThat(context.getBean(ResilienceRegistry.class)
				.retry("orders")
				.getMetrics()
				.getNumberOfFailedCallsWithoutRetryAttempt()).isEqualTo(1);
		});
	}

	@Test
	void aSyntaxErrorFailsStartupNamingTheMethodAndTheExpression() {
		this.runner.withBean(BadSyntax.class)
			.run((context) -> assertThat(annotationFailure(context))
				.hasMessageStartingWith("@Retry(retryOnResult = \"#result ==\") on BadSyntax.status")
				.hasMessageContaining("invalid SpEL expression"));
	}

	@Test
	void aVariableNamingNoParameterFailsStartup() {
		this.runner.withBean(UnknownVariable.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessageStartingWith("@Retry(retryOnResult = \"#result == #expected\") on UnknownVariable.status")
				.hasMessageContaining("#expected is neither #result nor a parameter of UnknownVariable.status(String)")
				.hasMessageContaining("#result, #id, #p0, #a0"));
	}

	@Test
	void anIndexPastTheParametersFailsStartup() {
		this.runner.withBean(IndexPastParameters.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessageContaining("#p1 is neither #result nor a parameter"));
	}

	@Test
	void retryOnResultOnAFluxFailsStartupNamingTheMethod() {
		this.runner.withBean(OnFlux.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessageStartingWith("@Retry(retryOnResult = \"#result == null\") on OnFlux.events")
				.hasMessageContaining("a Flux has no single result"));
	}

	private static Throwable annotationFailure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		for (Throwable failure = context.getStartupFailure(); failure != null; failure = failure.getCause()) {
			if (failure instanceof ResilienceAnnotationException) {
				return failure;
			}
		}
		throw new AssertionError("no ResilienceAnnotationException in " + context.getStartupFailure());
	}

	private void run(Answers answers, ContextTest test) {
		this.runner.withBean(Orders.class, () -> new Orders(answers)).run((context) -> {
			assertThat(context).hasNotFailed();
			test.run(context, context.getBean(Orders.class));
		});
	}

	private static void assertCounts(AssertableApplicationContext context, String name, long successfulWithoutRetry,
			long successfulWithRetry, long failedWithRetry, long retryAttempts) {
		dev.resilience.retry.Retry.Metrics metrics = context.getBean(ResilienceRegistry.class).retry(name).getMetrics();
		assertThat(new long[] { metrics.getNumberOfSuccessfulCallsWithoutRetryAttempt(),
				metrics.getNumberOfSuccessfulCallsWithRetryAttempt(), metrics.getNumberOfFailedCallsWithRetryAttempt(),
				metrics.getNumberOfRetryAttempts() })
			.as("successfulWithoutRetry, successfulWithRetry, failedWithRetry, retryAttempts")
			.containsExactly(successfulWithoutRetry, successfulWithRetry, failedWithRetry, retryAttempts);
	}

	@FunctionalInterface
	interface ContextTest {

		void run(AssertableApplicationContext context, Orders orders) throws Exception;

	}

	/** The answers of successive calls, the last repeating; "" stands for empty. */
	static final class Answers {

		private final Object[] answers;

		final AtomicInteger calls = new AtomicInteger();

		Answers(Object... answers) {
			this.answers = answers;
		}

		@SuppressWarnings("unchecked")
		<T> T next() {
			return (T) this.answers[Math.min(this.calls.getAndIncrement(), this.answers.length - 1)];
		}

	}

	public static class Orders {

		private final Answers answers;

		public Orders(Answers answers) {
			this.answers = answers;
		}

		@Retry(name = "orders", retryOnResult = "#result == 'PENDING'")
		public String status(String id) {
			return this.answers.next();
		}

		@Retry(name = "orders", retryOnResult = "#result < #minimum")
		public int quantity(int minimum) {
			return this.answers.<Integer>next();
		}

		@Retry(name = "orders", retryOnResult = "#result == 'PENDING'")
		public CompletionStage<String> statusAsync(String id) {
			return CompletableFuture.completedFuture(this.answers.next());
		}

		@Retry(name = "orders", retryOnResult = "#result == null or #result == 'PENDING'")
		public Mono<String> statusMono(String id) {
			return Mono.fromSupplier(() -> {
				String answer = this.answers.next();
				return answer.isEmpty() ? null : answer;
			});
		}

		@Retry(name = "scarce", retryOnResult = "#result == 'PENDING'")
		public String scarce() {
			return this.answers.next();
		}

		@Retry(name = "orders", retryOnResult = "#result == 'PENDING'")
		@CircuitBreaker(name = "orders")
		public String guarded() {
			return this.answers.next();
		}

		@Retry(name = "orders", retryOnResult = "#result")
		public String notBoolean() {
			return this.answers.next();
		}

	}

	public static class BadSyntax {

		@Retry(name = "orders", retryOnResult = "#result ==")
		public String status(String id) {
			return id;
		}

	}

	public static class UnknownVariable {

		@Retry(name = "orders", retryOnResult = "#result == #expected")
		public String status(String id) {
			return id;
		}

	}

	public static class IndexPastParameters {

		@Retry(name = "orders", retryOnResult = "#result == #p1")
		public String status(String id) {
			return id;
		}

	}

	public static class OnFlux {

		@Retry(name = "orders", retryOnResult = "#result == null")
		public Flux<String> events() {
			return Flux.empty();
		}

	}

}
