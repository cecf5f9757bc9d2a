package dev.resilience.circuitbreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The breaker's lifetime totals, which the call timers of the metrics read: exact under
 * many threads, kept across transitions, resets and reconfigurations, and refusals heard
 * by a listener that stays off the call path. The model test checks them against the
 * listeners after every random step.
 */
class CircuitBreakerTotalsTests {

	private static final int THREADS = 8;

	private static final int CALLS = 20_000;

	private final ExecutorService executor = Executors.newFixedThreadPool(THREADS);

	private final FakeTicker ticker = new FakeTicker();

	@AfterEach
	void stopThreads() {
		this.executor.shutdownNow();
	}

	/** Runs {@code task(thread)} on {@link #THREADS} threads released together. */
	private void race(ThreadTask task) throws Exception {
		CyclicBarrier start = new CyclicBarrier(THREADS);
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			int thread = t;
			futures.add(this.executor.submit(() -> {
				start.await();
				task.run(thread);
				return null;
			}));
		}
		for (Future<?> future : futures) {
			future.get();
		}
	}

	@FunctionalInterface
	interface ThreadTask {

		void run(int thread) throws Exception;

	}

	@Test
	void manyThreadsLoseNoCallAndNoNanosecond() throws Exception {
		// Never opens: a window of 100 calls that would need every one to fail.
		CircuitBreaker breaker = CircuitBreaker.of("totals",
				CircuitBreakerConfig.custom()
					.slidingWindowSize(100)
					.minimumNumberOfCalls(100)
					.failureRateThreshold(100)
					.slowCallRateThreshold(100)
					.slowCallDurationThreshold(Duration.ofNanos(1_000))
					.ignoreExceptions(List.of(IllegalStateException.class))
					.build(),
				this.ticker);
		race((thread) -> {
			for (int i = 0; i < CALLS; i++) {
				CircuitBreaker.Permission permission = breaker.tryAdmit();
				switch (i % 4) {
					case 0 -> permission.onSuccess(3);
					case 1 -> permission.onError(5, new IOException());
					case 2 -> permission.onSuccess(2_000);
					default -> permission.onError(7, new IllegalStateException());
				}
			}
		});
		CircuitBreaker.Metrics metrics = breaker.getMetrics();
		long each = (long) THREADS * CALLS / 4;
		assertThat(metrics.getTotalNumberOfCalls(CallOutcome.SUCCESS)).isEqualTo(each);
		assertThat(metrics.getTotalDurationNanos(CallOutcome.SUCCESS)).isEqualTo(3 * each);
		assertThat(metrics.getTotalNumberOfCalls(CallOutcome.FAILURE)).isEqualTo(each);
		assertThat(metrics.getTotalDurationNanos(CallOutcome.FAILURE)).isEqualTo(5 * each);
		assertThat(metrics.getTotalNumberOfCalls(CallOutcome.SLOW_SUCCESS)).isEqualTo(each);
		assertThat(metrics.getTotalDurationNanos(CallOutcome.SLOW_SUCCESS)).isEqualTo(2_000 * each);
		assertThat(metrics.getTotalNumberOfCalls(CallOutcome.IGNORED)).isEqualTo(each);
		assertThat(metrics.getTotalDurationNanos(CallOutcome.IGNORED)).isEqualTo(7 * each);
		assertThat(metrics.getTotalNumberOfCalls(CallOutcome.SLOW_FAILURE)).isZero();
		assertThat(metrics.getTotalNumberOfCalls(CallOutcome.NOT_PERMITTED)).isZero();
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void refusalsFromManyThreadsAreCountedOnceEachAndHeardOnceEach() throws Exception {
		CircuitBreaker breaker = CircuitBreaker.of("refusing", CircuitBreakerConfig.ofDefaults(), this.ticker);
		breaker.transitionToForcedOpenState();
		AtomicInteger heard = new AtomicInteger();
		breaker.addListener(new CircuitBreakerListener() {

			@Override
			public void onCallNotPermitted(CircuitBreaker refusing) {
				heard.incrementAndGet();
			}

		});
		race((thread) -> {
			for (int i = 0; i < CALLS / 10; i++) {
				switch ((thread + i) % 3) {
					case 0 -> assertThat(breaker.tryAcquirePermission()).isFalse();
					case 1 -> assertThat(breaker.tryAdmit()).isNull();
					default -> {
						try {
							breaker.execute((x) -> x, 1);
							throw new AssertionError("a forced-open breaker ran a call");
						}
						catch (CallNotPermittedException expected) {
							// counted
						}
						catch (Throwable unexpected) {
							throw new AssertionError(unexpected);
						}
					}
				}
			}
		});
		long refused = (long) THREADS * (CALLS / 10);
		assertThat(breaker.getMetrics().getTotalNumberOfCalls(CallOutcome.NOT_PERMITTED)).isEqualTo(refused);
		assertThat(breaker.getMetrics().getTotalDurationNanos(CallOutcome.NOT_PERMITTED)).isZero();
		assertThat(heard).hasValue((int) refused);
	}

	@Test
	void totalsSurviveResetTransitionsAndAWindowOfAnotherShape() {
		CircuitBreaker breaker = CircuitBreaker.of("kept",
				CircuitBreakerConfig.custom()
					.slidingWindowSize(2)
					.minimumNumberOfCalls(2)
					.waitDurationInOpenState(Duration.ofSeconds(5))
					.permittedNumberOfCallsInHalfOpenState(1)
					.build(),
				this.ticker);
		breaker.onSuccess(10);
		breaker.onError(20, new IOException());
		breaker.onError(30, new IOException());
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(breaker.tryAcquirePermission()).isFalse();
		this.ticker.advance(Duration.ofSeconds(5));
		CircuitBreaker.Permission trial = breaker.tryAdmit();
		trial.onSuccess(40);
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		breaker.reset();
		breaker.reconfigure(CircuitBreakerConfig.custom().slidingWindowSize(50).build());
		breaker.transitionToDisabledState();
		breaker.onSuccess(50);
		CircuitBreaker.Metrics metrics = breaker.getMetrics();
		assertThat(metrics.getNumberOfNotPermittedCalls()).as("the window's refusals are reset").isZero();
		assertThat(metrics.getTotalNumberOfCalls(CallOutcome.SUCCESS)).isEqualTo(3);
		assertThat(metrics.getTotalDurationNanos(CallOutcome.SUCCESS)).isEqualTo(10 + 40 + 50);
		assertThat(metrics.getTotalNumberOfCalls(CallOutcome.FAILURE)).isEqualTo(2);
		assertThat(metrics.getTotalDurationNanos(CallOutcome.FAILURE)).isEqualTo(50);
		assertThat(metrics.getTotalNumberOfCalls(CallOutcome.NOT_PERMITTED)).isEqualTo(1);
	}

	@Test
	void anAsynchronousCallCountsWhenItsOwnStageEndsWhateverTheCallerDoesToItsCopy() {
		CircuitBreaker breaker = CircuitBreaker.of("async", CircuitBreakerConfig.ofDefaults(), this.ticker);
		CompletableFuture<Integer> completedLater = new CompletableFuture<>();
		breaker.executeAsync((x) -> completedLater, 1).toCompletableFuture().cancel(true);
		CompletableFuture<Integer> timedOutByCaller = new CompletableFuture<>();
		breaker.executeAsync((x) -> timedOutByCaller, 1).toCompletableFuture().complete(0);
		assertThat(breaker.getMetrics().getTotalNumberOfCalls(CallOutcome.SUCCESS))
			.as("nothing ended yet: the caller only ended its copies")
			.isZero();
		this.ticker.advance(Duration.ofMillis(3));
		completedLater.complete(1);
		timedOutByCaller.completeExceptionally(new IOException());
		CompletableFuture<Integer> cancelledOwn = new CompletableFuture<>();
		breaker.executeAsync((x) -> cancelledOwn, 1);
		cancelledOwn.cancel(true);
		CircuitBreaker.Metrics metrics = breaker.getMetrics();
		assertThat(metrics.getTotalNumberOfCalls(CallOutcome.SUCCESS)).isEqualTo(1);
		assertThat(metrics.getTotalDurationNanos(CallOutcome.SUCCESS)).isEqualTo(Duration.ofMillis(3).toNanos());
		assertThat(metrics.getTotalNumberOfCalls(CallOutcome.FAILURE)).isEqualTo(1);
		long counted = 0;
		for (CallOutcome outcome : CallOutcome.values()) {
			counted += metrics.getTotalNumberOfCalls(outcome);
		}
		assertThat(counted).as("a call whose own stage was cancelled is no outcome, as for the window").isEqualTo(2);
	}

	@Test
	void aListenerThrowingAnErrorDoesNotLoseTheCount() {
		CircuitBreaker breaker = CircuitBreaker.of("broken", CircuitBreakerConfig.ofDefaults(), this.ticker);
		breaker.addListener(new CircuitBreakerListener() {

			@Override
			public void onCallRecorded(CircuitBreaker recorded, CallOutcome outcome, long durationNanos) {
				throw new StackOverflowError("listener");
			}

		});
		try {
			breaker.onSuccess(9);
			throw new AssertionError("a VirtualMachineError from a listener is rethrown");
		}
		catch (StackOverflowError expected) {
			// rethrown, as for every listener
		}
		assertThat(breaker.getMetrics().getTotalNumberOfCalls(CallOutcome.SUCCESS)).isEqualTo(1);
		assertThat(breaker.getMetrics().getTotalDurationNanos(CallOutcome.SUCCESS)).isEqualTo(9);
	}

	@Test
	void aTrialPermitReportedTwiceCountsOnce() {
		CircuitBreaker breaker = CircuitBreaker.of("trial",
				CircuitBreakerConfig.custom().permittedNumberOfCallsInHalfOpenState(2).build(), this.ticker);
		breaker.transitionToHalfOpenState();
		CircuitBreaker.Permission trial = breaker.tryAdmit();
		trial.onSuccess(5);
		trial.onSuccess(5);
		trial.release();
		assertThat(breaker.getMetrics().getTotalNumberOfCalls(CallOutcome.SUCCESS)).isEqualTo(1);
		assertThat(breaker.getMetrics().getTotalDurationNanos(CallOutcome.SUCCESS)).isEqualTo(5);
	}

}
