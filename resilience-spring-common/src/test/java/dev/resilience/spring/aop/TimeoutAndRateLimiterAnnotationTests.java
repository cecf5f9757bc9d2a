package dev.resilience.spring.aop;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.resilience.ResilienceRegistry;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.RateLimiter;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.ratelimiter.RequestNotPermittedException;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.timeout.TimeoutExceededException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @Timeout} and {@code @RateLimiter} on Spring beans: names resolved once (with
 * placeholders, unknown names on the defaults with one INFO line), type-level use, their
 * place in the pipeline (each retry attempt takes a permit and has its own deadline, a
 * timeout is a breaker failure), the INFO line for a timeout longer than the breaker's
 * slow-call threshold, and the startup errors they share with the other annotations.
 */
@ExtendWith(OutputCaptureExtension.class)
class TimeoutAndRateLimiterAnnotationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class));

	@Test
	void rateLimiterRefusesCallsBeyondTheLimitWithRetryAfter() {
		this.runner
			.withPropertyValues("resilience.rate-limiter.instances.orders.limit-for-period=2",
					"resilience.rate-limiter.instances.orders.limit-refresh-period=1h")
			.withBean(Orders.class)
			.run((context) -> {
				Orders orders = context.getBean(Orders.class);
				assertThat(orders.place()).isEqualTo("placed");
				assertThat(orders.place()).isEqualTo("placed");

				RequestNotPermittedException refusal = org.assertj.core.api.Assertions
					.catchThrowableOfType(RequestNotPermittedException.class, orders::place);

				assertThat(refusal.getInstanceName()).isEqualTo("orders");
				assertThat(refusal.getRetryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofHours(1));
				assertThat(orders.calls()).as("a refused call does not run").isEqualTo(2);
			});
	}

	@Test
	void eachRetryAttemptTakesARateLimiterPermit() {
		this.runner.withPropertyValues("resilience.rate-limiter.instances.flaky.limit-for-period=2",
				"resilience.rate-limiter.instances.flaky.limit-refresh-period=1h",
				"resilience.retry.instances.flaky.max-attempts=3", "resilience.retry.instances.flaky.wait-duration=0ms",
				"resilience.retry.instances.flaky.budget.enabled=false")
			.withBean(Flaky.class)
			.run((context) -> {
				Flaky flaky = context.getBean(Flaky.class);

				assertThatExceptionOfType(RequestNotPermittedException.class).isThrownBy(flaky::call);

				dev.resilience.ratelimiter.RateLimiter limiter = context.getBean(ResilienceRegistry.class)
					.rateLimiter("flaky");
				assertThat(flaky.attempts()).as("two attempts ran, the third was refused inside the retry")
					.isEqualTo(2);
				assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(2);
				assertThat(limiter.getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
			});
	}

	@Test
	void hungCallTimesOutIsRecordedByTheBreakerAndAnsweredByTheFallback() {
		this.runner
			.withPropertyValues("resilience.timeout.instances.inventory.duration=100ms",
					"resilience.circuit-breaker.instances.inventory.minimum-number-of-calls=1",
					"resilience.circuit-breaker.instances.inventory.sliding-window-size=1")
			.withBean(HangingInventory.class)
			.run((context) -> {
				HangingInventory inventory = context.getBean(HangingInventory.class);
				long start = System.nanoTime();

				assertThat(inventory.stock("sku-1")).isEqualTo(-1);

				assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answered near the deadline")
					.isLessThan(Duration.ofSeconds(5));
				assertThat(inventory.fallbackFailure()).isInstanceOf(TimeoutExceededException.class);
				assertThat(inventory.interrupted()).as("the hung thread was interrupted").isTrue();
				dev.resilience.circuitbreaker.CircuitBreaker breaker = context.getBean(ResilienceRegistry.class)
					.circuitBreaker("inventory");
				assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
				assertThat(breaker.getState()).isEqualTo(dev.resilience.circuitbreaker.CircuitBreaker.State.OPEN);
				assertThat(context.getBean(ResilienceRegistry.class)
					.timeout("inventory")
					.getMetrics()
					.getNumberOfTimedOutCalls()).isEqualTo(1);
			});
	}

	@Test
	void typeLevelAnnotationsProtectEveryPublicMethodWithPlaceholderNames() {
		this.runner
			.withPropertyValues("limits.name=catalog", "resilience.rate-limiter.instances.catalog.limit-for-period=7",
					"resilience.timeout.instances.catalog.duration=3s")
			.withBean(Catalog.class)
			.run((context) -> {
				assertThat(context.getBean(Catalog.class).list()).isEqualTo("items");
				ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
				assertThat(registry.rateLimiter("catalog").getMetrics().getNumberOfPermittedCalls()).isEqualTo(1);
				assertThat(registry.timeout("catalog").getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
				assertThat(registry.getRateLimiters()).extracting(dev.resilience.ratelimiter.RateLimiter::getName)
					.containsExactly("catalog");
				assertThat(registry.getTimeouts()).extracting(dev.resilience.timeout.Timeout::getName)
					.containsExactly("catalog");
			});
	}

	@Test
	void unknownNamesUseTheDefaultsWithOneInfoLineEach(CapturedOutput output) {
		this.runner.withBean(Undeclared.class).run((context) -> {
			assertThat(context).hasNotFailed();
			context.getBean(Undeclared.class).first();
			context.getBean(Undeclared.class).second();
		});
		String timeoutLine = "@Timeout instance 'undeclared' has no resilience.timeout.instances.undeclared"
				+ " configuration; it uses resilience.timeout.defaults";
		String limiterLine = "@RateLimiter instance 'undeclared' has no resilience.rate-limiter.instances.undeclared"
				+ " configuration; it uses resilience.rate-limiter.defaults";
		assertThat(output.getOut().split(timeoutLine, -1)).as("exactly one INFO line").hasSize(2);
		assertThat(output.getOut().split(limiterLine, -1)).as("exactly one INFO line").hasSize(2);
	}

	@Test
	void timeoutLongerThanTheBreakersSlowCallThresholdIsLoggedOnceNamingBoth(CapturedOutput output) {
		this.runner
			.withPropertyValues("resilience.timeout.instances.inventory.duration=90s",
					"resilience.circuit-breaker.instances.inventory.slow-call-duration-threshold=60s",
					"resilience.timeout.instances.quick.duration=2s")
			.withBean(SlowThresholds.class)
			.run((context) -> assertThat(context).hasNotFailed());
		String line = "Timeout 'inventory' (duration 90s) on SlowThresholds.first() is longer than the"
				+ " slow-call-duration-threshold (60s) of circuit breaker 'inventory'";
		assertThat(output.getOut().split(java.util.regex.Pattern.quote(line), -1)).as("exactly one INFO line")
			.hasSize(2);
		assertThat(output.getOut()).as("the second method shares the pair")
			.doesNotContain("on SlowThresholds.second()");
		assertThat(output.getOut()).as("a shorter timeout is not reported").doesNotContain("Timeout 'quick'");
	}

	@Test
	void emptyNameFailsStartup() {
		this.runner.withBean(EmptyTimeoutName.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessage("@Timeout(name = \" \") on EmptyTimeoutName.load(): the name must not be empty"));
	}

	@Test
	void unresolvablePlaceholderFailsStartup() {
		this.runner.withBean(UnresolvableLimiterName.class)
			.run((context) -> assertThat(context.getStartupFailure())
				.hasStackTraceContaining(
						"@RateLimiter(name = \"${missing.limiter}\") on UnresolvableLimiterName.load():"
								+ " cannot resolve the name")
				.hasStackTraceContaining("Could not resolve placeholder 'missing.limiter'"));
	}

	@Test
	void finalMethodWithTimeoutFailsStartupNamingTheAnnotation() {
		this.runner.withBean(FinalTimeout.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessageStartingWith("@Timeout on FinalTimeout.load(): the method is final"));
	}

	public static class Orders {

		private int calls;

		@RateLimiter(name = "orders")
		public String place() {
			this.calls++;
			return "placed";
		}

		/** Read through the proxy, which delegates to the bean. */
		public int calls() {
			return this.calls;
		}

	}

	public static class Flaky {

		private int attempts;

		public int attempts() {
			return this.attempts;
		}

		@Retry(name = "flaky")
		@RateLimiter(name = "flaky")
		public String call() {
			this.attempts++;
			throw new IllegalStateException("attempt " + this.attempts);
		}

	}

	public static class HangingInventory {

		volatile boolean interrupted;

		volatile Throwable fallbackFailure;

		public boolean interrupted() {
			return this.interrupted;
		}

		public Throwable fallbackFailure() {
			return this.fallbackFailure;
		}

		@Timeout(name = "inventory")
		@CircuitBreaker(name = "inventory")
		@Fallback(method = "stockFallback")
		public int stock(String sku) {
			try {
				// Hangs like a downstream that never answers, until the timeout
				// interrupts
				// it.
				new CountDownLatch(1).await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				this.interrupted = true;
				Thread.currentThread().interrupt();
			}
			return 5;
		}

		int stockFallback(String sku, Throwable failure) {
			this.fallbackFailure = failure;
			return -1;
		}

	}

	@RateLimiter(name = "${limits.name}")
	@Timeout(name = "${limits.name}")
	public static class Catalog {

		public String list() {
			return "items";
		}

	}

	public static class Undeclared {

		@Timeout(name = "undeclared")
		@RateLimiter(name = "undeclared")
		public void first() {
		}

		@Timeout(name = "undeclared")
		@RateLimiter(name = "undeclared")
		public void second() {
		}

	}

	public static class SlowThresholds {

		@Timeout(name = "inventory")
		@CircuitBreaker(name = "inventory")
		public void first() {
		}

		@Timeout(name = "inventory")
		@CircuitBreaker(name = "inventory")
		public void second() {
		}

		@Timeout(name = "quick")
		@CircuitBreaker(name = "inventory")
		public void third() {
		}

	}

	public static class EmptyTimeoutName {

		@Timeout(name = " ")
		public void load() {
		}

	}

	public static class UnresolvableLimiterName {

		@RateLimiter(name = "${missing.limiter}")
		public void load() {
		}

	}

	public static class FinalTimeout {

		@Timeout(name = "inventory")
		public final void load() {
		}

	}

}
