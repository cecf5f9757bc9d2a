package dev.resilience.circuitbreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads on one breaker, started together by a barrier, with an invariant checked
 * after each round. Each of these fails on a breaker that admits a trial call too many,
 * loses or double-counts a recorded call, or announces a transition more than once.
 */
class CircuitBreakerConcurrencyTests {

	private static final int THREADS = 32;

	private static final int ROUNDS = 200;

	private static final IOException FAILURE = new IOException("downstream failed");

	private static final long SLOW = Duration.ofSeconds(5).toNanos();

	private final ExecutorService executor = Executors.newFixedThreadPool(THREADS);

	private final FakeTicker ticker = new FakeTicker();

	@AfterEach
	void stopThreads() {
		this.executor.shutdownNow();
	}

	/**
	 * Runs {@code task(threadIndex)} on {@code threads} threads released at the same
	 * moment.
	 */
	private void race(int threads, ThreadTask task) throws Exception {
		CyclicBarrier start = new CyclicBarrier(threads);
		List<Future<?>> futures = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			int index = i;
			futures.add(this.executor.submit(() -> {
				start.await();
				task.run(index);
				return null;
			}));
		}
		for (Future<?> future : futures) {
			future.get();
		}
	}

	@FunctionalInterface
	interface ThreadTask {

		void run(int threadIndex) throws Exception;

	}

	private static CircuitBreakerConfig.Builder config() {
		return CircuitBreakerConfig.custom()
			.slidingWindowSize(100)
			.minimumNumberOfCalls(100)
			.failureRateThreshold(50)
			.slowCallDurationThreshold(Duration.ofSeconds(1))
			.waitDurationInOpenState(Duration.ofSeconds(30))
			.permittedNumberOfCallsInHalfOpenState(10);
	}

	private static void recordOutcome(CircuitBreaker breaker, int kind) {
		switch (kind) {
			case 0 -> breaker.onSuccess(0);
			case 1 -> breaker.onError(0, FAILURE);
			case 2 -> breaker.onSuccess(SLOW);
			default -> breaker.onError(SLOW, FAILURE);
		}
	}

	@Test
	void halfOpenAdmitsExactlyThePermittedTrialCallsToRacingThreads() throws Exception {
		CircuitBreaker breaker = CircuitBreaker.of("race", config().build(), this.ticker);
		int attemptsPerThread = 3;
		for (int round = 0; round < ROUNDS; round++) {
			breaker.transitionToOpenState();
			breaker.transitionToHalfOpenState();
			long refusedBefore = breaker.getMetrics().getNumberOfNotPermittedCalls();
			AtomicInteger admitted = new AtomicInteger();
			race(THREADS, (thread) -> {
				for (int attempt = 0; attempt < attemptsPerThread; attempt++) {
					if (breaker.tryAcquirePermission()) {
						admitted.incrementAndGet();
					}
				}
			});
			assertThat(admitted).as("trial calls admitted in round %d", round).hasValue(10);
			assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls() - refusedBefore)
				.isEqualTo(THREADS * attemptsPerThread - 10);
		}
	}

	@Test
	void halfOpenDecidesOnceWhenRacingTrialCallsComplete() throws Exception {
		CircuitBreaker breaker = CircuitBreaker.of("race", config().build(), this.ticker);
		RecordingListener listener = new RecordingListener();
		breaker.addListener(listener);
		for (int round = 0; round < ROUNDS; round++) {
			breaker.transitionToOpenState();
			breaker.transitionToHalfOpenState();
			listener.transitions.clear();
			AtomicInteger admitted = new AtomicInteger();
			// Everyone asks before anyone records, or late threads would meet the closed
			// breaker.
			CyclicBarrier allAsked = new CyclicBarrier(THREADS);
			race(THREADS, (thread) -> {
				int trial = breaker.tryAcquirePermission() ? admitted.incrementAndGet() : 0;
				allAsked.await();
				if (trial > 0) {
					// 4 of 10 trial calls fail: below the 50% threshold, so the breaker
					// closes.
					recordOutcome(breaker, (trial <= 4) ? 1 : 0);
				}
			});
			assertThat(admitted).hasValue(10);
			assertThat(listener.transitions).as("transitions of round %d", round)
				.singleElement()
				.satisfies((transition) -> {
					assertThat(transition.from()).isEqualTo(State.HALF_OPEN);
					assertThat(transition.to()).isEqualTo(State.CLOSED);
				});
		}
	}

	@Test
	void openBreakerTurnsHalfOpenOnceWhenRacingThreadsSeeTheWaitElapse() throws Exception {
		CircuitBreaker breaker = CircuitBreaker.of("race", config().build(), this.ticker);
		RecordingListener listener = new RecordingListener();
		breaker.addListener(listener);
		for (int round = 0; round < ROUNDS; round++) {
			breaker.transitionToOpenState();
			this.ticker.advance(Duration.ofSeconds(30));
			listener.transitions.clear();
			AtomicInteger admitted = new AtomicInteger();
			race(THREADS, (thread) -> {
				if ((thread % 2 == 0) && breaker.getState() == State.OPEN) {
					throw new AssertionError("state read as OPEN after the wait elapsed");
				}
				if (breaker.tryAcquirePermission()) {
					admitted.incrementAndGet();
				}
			});
			assertThat(admitted).hasValue(10);
			assertThat(listener.transitions).as("transitions of round %d", round)
				.singleElement()
				.extracting(RecordingListener.Transition::to)
				.isEqualTo(State.HALF_OPEN);
		}
	}

	@Test
	void countBasedWindowCountsStayExactUnderContention() throws Exception {
		int window = 4096;
		// Never opens: the rates below stay under 100%.
		CircuitBreaker breaker = CircuitBreaker.of("counts",
				config().slidingWindowSize(window)
					.minimumNumberOfCalls(window)
					.failureRateThreshold(100)
					.slowCallRateThreshold(100)
					.build(),
				this.ticker);
		int threads = 16;
		// Churn first, so the counted calls evict other calls, not empty slots.
		race(threads, (thread) -> {
			for (int i = 0; i < 3 * window; i++) {
				recordOutcome(breaker, (i + thread) % 4);
			}
		});
		// Then exactly one window's worth: per thread 256 calls, of which 64 of each kind
		// except that kinds cycle 0,0,1,2 so a quarter fail, a quarter are slow, none are
		// slow failures.
		int perThread = window / threads;
		race(threads, (thread) -> {
			for (int i = 0; i < perThread; i++) {
				int kind = switch (i % 4) {
					case 0, 1 -> 0;
					case 2 -> 1;
					default -> 2;
				};
				recordOutcome(breaker, kind);
			}
		});
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		CircuitBreaker.Metrics metrics = breaker.getMetrics();
		assertThat(metrics.getNumberOfBufferedCalls()).isEqualTo(4096);
		assertThat(metrics.getNumberOfFailedCalls()).isEqualTo(1024);
		assertThat(metrics.getNumberOfSlowCalls()).isEqualTo(1024);
		assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo(3072);
		assertThat(metrics.getFailureRate()).isEqualTo(25f);
	}

	@Test
	void timeBasedWindowCountsStayExactUnderContentionAndRollOvers() throws Exception {
		CircuitBreaker breaker = CircuitBreaker.of("counts",
				config().slidingWindowType(SlidingWindowType.TIME_BASED)
					.slidingWindowSize(3600)
					.minimumNumberOfCalls(1)
					.failureRateThreshold(100)
					.slowCallRateThreshold(100)
					.build(),
				this.ticker);
		int recorders = 16;
		int perThread = 5000;
		race(recorders + 1, (thread) -> {
			if (thread == recorders) {
				// Rolls buckets over while the others record; 600 seconds stay inside the
				// window.
				for (int second = 0; second < 600; second++) {
					this.ticker.advance(Duration.ofSeconds(1));
					breaker.getMetrics().getNumberOfBufferedCalls();
				}
				return;
			}
			for (int i = 0; i < perThread; i++) {
				// Starts with a success so that no moment shows a 100% failure rate.
				recordOutcome(breaker, (i % 5 == 1 || i % 5 == 3) ? 1 : 0);
			}
		});
		CircuitBreaker.Metrics metrics = breaker.getMetrics();
		assertThat(breaker.getState())
			.as("at most 40% of calls failed at any moment: a read of failures newer than calls would open it")
			.isEqualTo(State.CLOSED);
		assertThat(metrics.getNumberOfBufferedCalls()).isEqualTo(80_000);
		assertThat(metrics.getNumberOfFailedCalls()).isEqualTo(32_000);
		this.ticker.advance(Duration.ofSeconds(3600));
		assertThat(metrics.getNumberOfBufferedCalls()).as("every bucket expired with the counts it added").isZero();
		assertThat(metrics.getNumberOfFailedCalls()).isZero();
	}

	@Test
	void manyThreadsCrossingTheFailureRateAtOnceCauseOneTransition() throws Exception {
		CircuitBreaker breaker = CircuitBreaker.of("threshold", config().build(), this.ticker);
		AtomicInteger openings = new AtomicInteger();
		breaker.addListener(new CircuitBreakerListener() {

			@Override
			public void onStateTransition(CircuitBreaker breaker, State from, State to, String reason) {
				if (to == State.OPEN) {
					openings.incrementAndGet();
				}
			}

		});
		for (int round = 0; round < ROUNDS; round++) {
			breaker.reset();
			openings.set(0);
			for (int i = 0; i < 100; i++) {
				recordOutcome(breaker, (i < 51) ? 0 : 1);
			}
			assertThat(breaker.getState()).isEqualTo(State.CLOSED);
			race(THREADS, (thread) -> recordOutcome(breaker, 1));
			assertThat(breaker.getState()).isEqualTo(State.OPEN);
			assertThat(openings).as("openings announced in round %d", round).hasValue(1);
		}
	}

	@Test
	void manyThreadsReachingConsecutiveFailuresAtOnceCauseOneTransition() throws Exception {
		CircuitBreaker breaker = CircuitBreaker.of("threshold", config().consecutiveFailureThreshold(5).build(),
				this.ticker);
		RecordingListener listener = new RecordingListener();
		breaker.addListener(listener);
		for (int round = 0; round < ROUNDS; round++) {
			breaker.reset();
			listener.transitions.clear();
			race(THREADS, (thread) -> recordOutcome(breaker, 1));
			assertThat(listener.transitions).as("transitions of round %d", round)
				.singleElement()
				.extracting(RecordingListener.Transition::reason)
				.isEqualTo("5 consecutive failures");
		}
	}

}
