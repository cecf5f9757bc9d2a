package dev.resilience.spring.aop;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.ResilienceRegistry;
import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Retry;
import dev.resilience.circuitbreaker.CallOutcome;
import dev.resilience.circuitbreaker.CircuitBreakerListener;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The virtual-thread check of {@code docs/compatibility.md} ("What is tested"): 10,000
 * virtual threads call one method through {@code @Retry}, {@code @CircuitBreaker} and a
 * {@code @Bulkhead} of 16 permits that lets a call wait for one. The bulkhead never
 * admits more than 16, every permit comes back, every attempt is counted once by each
 * policy, and every thread ends. The method yields its carrier while it holds a permit,
 * so callers pile up in the bulkhead's wait and the limit is really contended.
 * <p>
 * The build's bytecode is Java 17, so virtual threads are reached by reflection; on a JDK
 * without them the test is skipped with a message.
 */
class VirtualThreadsTests {

	private static final int CALLS = 10_000;

	private static final int LIMIT = 16;

	private static final int MAX_ATTEMPTS = 3;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
		.withUserConfiguration(VirtualThreadsConfiguration.class)
		.withPropertyValues("resilience.bulkhead.instances.vthreads.max-concurrent-calls=" + LIMIT,
				// long enough that no call is refused: a refusal here means callers
				// waited on threads that could not run
				"resilience.bulkhead.instances.vthreads.max-wait-duration=2m",
				"resilience.retry.instances.vthreads.max-attempts=" + MAX_ATTEMPTS,
				"resilience.retry.instances.vthreads.wait-duration=1ms",
				"resilience.retry.instances.vthreads.jitter=none",
				"resilience.retry.instances.vthreads.budget.enabled=false",
				// a window wide enough that the planned failures (a quarter of attempts)
				// never open it
				"resilience.circuit-breaker.instances.vthreads.sliding-window-size=1000",
				"resilience.circuit-breaker.instances.vthreads.minimum-number-of-calls=1000");

	@Test
	void tenThousandVirtualThreadsNeverExceedTheBulkheadAndReturnEveryPermit() {
		assumeTrue(Runtime.version().feature() >= 21, () -> "virtual threads need JDK 21 or later; this JVM is "
				+ Runtime.version() + ", so the test is skipped");
		this.runner.run((context) -> {
			VirtualThreadsService service = context.getBean(VirtualThreadsService.class);
			Probe probe = service.probe();
			ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
			dev.resilience.bulkhead.Bulkhead bulkhead = registry.bulkhead("vthreads");
			dev.resilience.circuitbreaker.CircuitBreaker breaker = registry.circuitBreaker("vthreads");
			dev.resilience.retry.Retry retry = registry.retry("vthreads");
			assertThat(bulkhead.getConfig().getMaxWaitDuration()).isPositive();
			RecordedOutcomes recorded = new RecordedOutcomes();
			breaker.addListener(recorded);

			List<Future<Integer>> results = new ArrayList<>(CALLS);
			ExecutorService threads = newVirtualThreadPerTaskExecutor();
			try {
				for (int i = 0; i < CALLS; i++) {
					int call = i;
					results.add(threads.submit(() -> service.call(call)));
				}
				threads.shutdown();
				assertThat(threads.awaitTermination(5, TimeUnit.MINUTES))
					.as("every virtual thread ended (a guard against a hang, not a timing check)")
					.isTrue();
			}
			finally {
				threads.shutdownNow();
			}

			int succeeded = 0;
			int failedForGood = 0;
			for (int i = 0; i < CALLS; i++) {
				if (VirtualThreadsService.failsEveryAttempt(i)) {
					Throwable failure = catchThrowable(results.get(i)::get);
					assertThat(failure).as("call %d", i).isInstanceOf(ExecutionException.class);
					assertThat(failure.getCause()).as("call %d", i).isInstanceOf(PermanentFailure.class);
					failedForGood++;
				}
				else {
					assertThat(results.get(i).get()).as("call %d", i).isEqualTo(2 * i);
					succeeded++;
				}
			}
			int recovered = CALLS / 4;
			int firstTime = succeeded - recovered;
			long attempts = firstTime + 2L * recovered + (long) MAX_ATTEMPTS * failedForGood;
			long failedAttempts = recovered + (long) MAX_ATTEMPTS * failedForGood;

			assertThat(probe.maxInFlight).as("most calls at once inside the method").hasValueBetween(2, LIMIT);
			assertThat(probe.inFlight).hasValue(0);
			assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).as("permits back").isEqualTo(LIMIT);
			assertThat(bulkhead.getMetrics().getMaxAllowedConcurrentCalls()).isEqualTo(LIMIT);
			assertThat(bulkhead.getMetrics().getNumberOfRejectedCalls()).isZero();

			assertThat(probe.entries).as("attempts that reached the method").hasValue((int) attempts);
			assertThat(recorded.successes.sum()).as("successes recorded by the breaker")
				.isEqualTo(attempts - failedAttempts);
			assertThat(recorded.failures.sum()).as("failures recorded by the breaker").isEqualTo(failedAttempts);
			assertThat(recorded.others.sum()).as("other outcomes recorded by the breaker").isZero();
			assertThat(breaker.getState()).isEqualTo(dev.resilience.circuitbreaker.CircuitBreaker.State.CLOSED);

			dev.resilience.retry.Retry.Metrics retries = retry.getMetrics();
			assertThat(retries.getNumberOfSuccessfulCallsWithoutRetryAttempt()).isEqualTo(firstTime);
			assertThat(retries.getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(recovered);
			assertThat(retries.getNumberOfFailedCallsWithRetryAttempt()).isEqualTo(failedForGood);
			assertThat(retries.getNumberOfFailedCallsWithoutRetryAttempt()).isZero();
			assertThat(retries.getNumberOfRetryAttempts()).isEqualTo(attempts - CALLS);
		});
	}

	private static ExecutorService newVirtualThreadPerTaskExecutor() throws ReflectiveOperationException {
		return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
	}

	/**
	 * Every call {@code i} returns {@code 2 * i}; a quarter of the calls fail on their
	 * first attempt only, and a few fail on every attempt. Counts the attempts that reach
	 * it and the most that are inside it at once.
	 */
	public static class VirtualThreadsService {

		private final Probe probe = new Probe();

		static boolean failsEveryAttempt(int call) {
			return call % 50 == 1;
		}

		/** Through a method: the class-based proxy has fields of its own. */
		public Probe probe() {
			return this.probe;
		}

		@Retry(name = "vthreads")
		@CircuitBreaker(name = "vthreads")
		@Bulkhead(name = "vthreads")
		public int call(int call) {
			Probe probe = this.probe;
			int now = probe.inFlight.incrementAndGet();
			try {
				probe.maxInFlight.accumulateAndGet(now, Math::max);
				probe.entries.incrementAndGet();
				// hands the carrier to another virtual thread while this one holds its
				// permit
				Thread.yield();
				if (failsEveryAttempt(call)) {
					throw new PermanentFailure(call);
				}
				if (call % 4 == 0 && probe.failedOnce.add(call)) {
					throw new IllegalStateException("call " + call + " fails on its first attempt");
				}
				return 2 * call;
			}
			finally {
				probe.inFlight.decrementAndGet();
			}
		}

	}

	public static final class Probe {

		final AtomicInteger inFlight = new AtomicInteger();

		final AtomicInteger maxInFlight = new AtomicInteger();

		final AtomicInteger entries = new AtomicInteger();

		final Set<Integer> failedOnce = ConcurrentHashMap.newKeySet();

	}

	static class PermanentFailure extends RuntimeException {

		PermanentFailure(int call) {
			super("call " + call + " fails on every attempt");
		}

	}

	static class RecordedOutcomes implements CircuitBreakerListener {

		final LongAdder successes = new LongAdder();

		final LongAdder failures = new LongAdder();

		final LongAdder others = new LongAdder();

		@Override
		public void onCallRecorded(dev.resilience.circuitbreaker.CircuitBreaker breaker, CallOutcome outcome,
				long durationNanos) {
			switch (outcome) {
				case SUCCESS, SLOW_SUCCESS -> this.successes.increment();
				case FAILURE, SLOW_FAILURE -> this.failures.increment();
				default -> this.others.increment();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class VirtualThreadsConfiguration {

		@Bean
		VirtualThreadsService virtualThreadsService() {
			return new VirtualThreadsService();
		}

	}

}
