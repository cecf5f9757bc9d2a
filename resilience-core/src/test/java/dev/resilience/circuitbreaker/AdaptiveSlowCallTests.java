package dev.resilience.circuitbreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Latency anomalies ({@code adaptive-slow-call.*}): a breaker with no absolute slow-call
 * threshold opens when the latency jumps far above what it learned from normal closed
 * calls, learns nothing from the outage, and accepts normal calls again after recovery.
 * Calls take their time on a fake ticker, advanced inside the call.
 */
class AdaptiveSlowCallTests {

	private static final Duration NORMAL = Duration.ofMillis(20);

	private static final Duration JUMP = Duration.ofMillis(200);

	private final FakeTicker ticker = new FakeTicker();

	private final RecordingListener listener = new RecordingListener();

	/**
	 * Window of 10 calls, at least 10 calls (so 10 latencies make a baseline), opens at
	 * 50% slow calls; the fixed slow-call threshold is left at its default, 60s; 3 trial
	 * calls after 5s.
	 */
	private static CircuitBreakerConfig.Builder config() {
		return CircuitBreakerConfig.custom()
			.slidingWindowSize(10)
			.minimumNumberOfCalls(10)
			.slowCallRateThreshold(50)
			.waitDurationInOpenState(Duration.ofSeconds(5))
			.permittedNumberOfCallsInHalfOpenState(3)
			.adaptiveSlowCallEnabled(true);
	}

	private CircuitBreaker breaker(CircuitBreakerConfig.Builder config) {
		CircuitBreaker breaker = CircuitBreaker.of("inventory", config.build(), this.ticker);
		breaker.addListener(this.listener);
		return breaker;
	}

	/** One call through the breaker that takes {@code latency}; false when refused. */
	private boolean call(CircuitBreaker breaker, Duration latency) {
		try {
			breaker.execute((argument) -> {
				this.ticker.advance(latency);
				return argument;
			}, "ok");
			return true;
		}
		catch (CallNotPermittedException ex) {
			return false;
		}
		catch (Throwable ex) {
			throw new AssertionError(ex);
		}
	}

	private void calls(CircuitBreaker breaker, Duration latency, int times) {
		for (int i = 0; i < times; i++) {
			assertThat(call(breaker, latency)).as("call %d of %s permitted", i, latency).isTrue();
		}
	}

	private CallOutcome lastOutcome() {
		return this.listener.outcomes.get(this.listener.outcomes.size() - 1);
	}

	private static long millis(long nanos) {
		return TimeUnit.NANOSECONDS.toMillis(nanos);
	}

	@Test
	void opensWhenLatencyJumpsWithNoAbsoluteThresholdConfigured() {
		CircuitBreaker breaker = breaker(config());
		calls(breaker, NORMAL, 50);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(this.listener.outcomes).containsOnly(CallOutcome.SUCCESS);
		int jumped = 0;
		while (breaker.getState() == State.CLOSED && jumped < 20) {
			calls(breaker, JUMP, 1);
			jumped++;
		}
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		// Half of a window of 10 calls.
		assertThat(jumped).isEqualTo(5);
		assertThat(this.listener.outcomes.subList(50, 55)).containsOnly(CallOutcome.SLOW_SUCCESS);
		assertThat(this.listener.transitions).singleElement()
			.satisfies((transition) -> assertThat(transition.reason()).startsWith("slow call rate 50.0%"));
	}

	@Test
	void withoutAdaptiveSlowCallsTheSameJumpNeverOpensTheBreaker() {
		CircuitBreaker breaker = breaker(config().adaptiveSlowCallEnabled(false));
		calls(breaker, NORMAL, 50);
		calls(breaker, JUMP, 50);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(this.listener.outcomes).containsOnly(CallOutcome.SUCCESS);
		assertThat(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos()).isEqualTo(-1);
	}

	@Test
	void thresholdIsTheFactorTimesTheLearnedQuantileAboveTheFloor() {
		CircuitBreaker breaker = breaker(config().adaptiveSlowCallMinThreshold(Duration.ofMillis(10)));
		calls(breaker, NORMAL, 30);
		long threshold = breaker.getMetrics().getAdaptiveSlowCallThresholdNanos();
		// 3 x 20ms, the quantile read within 1/16 above its value.
		assertThat(threshold).isBetween(Duration.ofMillis(60).toNanos(), Duration.ofMillis(64).toNanos());
		calls(breaker, Duration.ofMillis(55), 1);
		assertThat(lastOutcome()).isEqualTo(CallOutcome.SUCCESS);
		calls(breaker, Duration.ofMillis(70), 1);
		assertThat(lastOutcome()).isEqualTo(CallOutcome.SLOW_SUCCESS);
	}

	@Test
	void minThresholdIsTheFloorOfTheLearnedThreshold() {
		CircuitBreaker breaker = breaker(config());
		calls(breaker, NORMAL, 30);
		assertThat(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos())
			.isEqualTo(Duration.ofMillis(100).toNanos());
		// 80ms is four times the learned 20ms, but under the 100ms floor.
		calls(breaker, Duration.ofMillis(80), 30);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(this.listener.outcomes).containsOnly(CallOutcome.SUCCESS);
		calls(breaker, Duration.ofMillis(101), 1);
		assertThat(lastOutcome()).isEqualTo(CallOutcome.SLOW_SUCCESS);
	}

	@Test
	void onlyTheFixedThresholdAppliesUntilEnoughLatenciesAreLearned() {
		CircuitBreaker breaker = breaker(config().slowCallDurationThreshold(Duration.ofSeconds(1)));
		calls(breaker, NORMAL, 9);
		assertThat(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos()).isEqualTo(-1);
		calls(breaker, Duration.ofMillis(900), 1);
		assertThat(lastOutcome()).as("not slow by the fixed rule, and nothing learned yet")
			.isEqualTo(CallOutcome.SUCCESS);
		calls(breaker, Duration.ofSeconds(1), 1);
		assertThat(lastOutcome()).as("slow by the fixed rule").isEqualTo(CallOutcome.SLOW_SUCCESS);
		// The tenth normal latency (the 900ms one counted) makes the baseline, at once:
		// no waiting for the estimator's refresh.
		assertThat(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos()).isGreaterThan(0);
	}

	@Test
	void aCallIsSlowByEitherRule() {
		CircuitBreaker breaker = breaker(config().slowCallDurationThreshold(Duration.ofMillis(50)));
		calls(breaker, NORMAL, 30);
		assertThat(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos())
			.isEqualTo(Duration.ofMillis(100).toNanos());
		calls(breaker, Duration.ofMillis(60), 1);
		assertThat(lastOutcome()).as("slow by the fixed rule only").isEqualTo(CallOutcome.SLOW_SUCCESS);
		calls(breaker, Duration.ofMillis(40), 1);
		assertThat(lastOutcome()).isEqualTo(CallOutcome.SUCCESS);
	}

	@Test
	void callsSlowByTheFixedRuleAreNotLearned() {
		CircuitBreaker breaker = breaker(config().slowCallDurationThreshold(Duration.ofMillis(50))
			.slowCallRateThreshold(100)
			.slidingWindowSize(100));
		calls(breaker, NORMAL, 1);
		calls(breaker, Duration.ofMillis(60), 30);
		calls(breaker, NORMAL, 8);
		assertThat(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos()).as("9 latencies learned, not 39")
			.isEqualTo(-1);
		calls(breaker, NORMAL, 1);
		assertThat(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos()).isPositive();
	}

	@Test
	void failuresAreNotLearnedButCanBeSlow() {
		CircuitBreaker breaker = breaker(config().slidingWindowSize(100).failureRateThreshold(100));
		calls(breaker, NORMAL, 9);
		for (int i = 0; i < 30; i++) {
			breaker.acquirePermission();
			breaker.onError(Duration.ofMillis(5).toNanos(), new IOException("boom"));
		}
		assertThat(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos()).as("9 latencies learned, not 39")
			.isEqualTo(-1);
		calls(breaker, NORMAL, 1);
		assertThat(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos())
			.isEqualTo(Duration.ofMillis(100).toNanos());
		breaker.acquirePermission();
		breaker.onError(JUMP.toNanos(), new IOException("boom"));
		assertThat(lastOutcome()).isEqualTo(CallOutcome.SLOW_FAILURE);
		breaker.acquirePermission();
		breaker.onError(NORMAL.toNanos(), new IOException("boom"));
		assertThat(lastOutcome()).isEqualTo(CallOutcome.FAILURE);
	}

	@Test
	void exceptionsCountedAsSuccessAreNotLearnedButCanBeSlow() {
		CircuitBreaker breaker = breaker(config().recordExceptions(List.of(IOException.class)));
		for (int i = 0; i < 30; i++) {
			breaker.acquirePermission();
			breaker.onError(Duration.ofMillis(5).toNanos(), new IllegalStateException("not recorded"));
		}
		assertThat(this.listener.outcomes).containsOnly(CallOutcome.SUCCESS);
		assertThat(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos()).isEqualTo(-1);
		calls(breaker, NORMAL, 10);
		breaker.acquirePermission();
		breaker.onError(JUMP.toNanos(), new IllegalStateException("not recorded"));
		assertThat(lastOutcome()).isEqualTo(CallOutcome.SLOW_SUCCESS);
	}

	@Test
	void theLearnedThresholdDoesNotFollowTheOutage() {
		CircuitBreaker breaker = breaker(config().adaptiveSlowCallMinThreshold(Duration.ofMillis(10)));
		calls(breaker, NORMAL, 50);
		long before = breaker.getMetrics().getAdaptiveSlowCallThresholdNanos();
		assertThat(millis(before)).isBetween(60L, 64L);
		// Under a minute of outage (the learning window): open, half-open trials that
		// are slow, open again.
		int opened = 0;
		for (int second = 0; second < 30; second++) {
			for (int i = 0; i < 3; i++) {
				call(breaker, JUMP);
			}
			if (breaker.getState() == State.OPEN) {
				opened++;
			}
			this.ticker.advance(Duration.ofSeconds(1));
		}
		assertThat(opened).as("seconds ending open").isGreaterThan(20);
		assertThat(this.listener.transitions).extracting(RecordingListener.Transition::to)
			.contains(State.HALF_OPEN)
			.doesNotContain(State.CLOSED);
		assertThat(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos()).isEqualTo(before);
	}

	@Test
	void afterRecoveryTheBreakerClosesAndNormalCallsAreNotSlow() {
		CircuitBreaker breaker = breaker(config());
		calls(breaker, NORMAL, 50);
		long before = breaker.getMetrics().getAdaptiveSlowCallThresholdNanos();
		calls(breaker, JUMP, 5);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		this.ticker.advance(Duration.ofSeconds(5));
		calls(breaker, JUMP, 3);
		assertThat(breaker.getState()).as("slow trial calls reopen it").isEqualTo(State.OPEN);
		this.ticker.advance(Duration.ofSeconds(5));
		calls(breaker, NORMAL, 3);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		int recorded = this.listener.outcomes.size();
		calls(breaker, NORMAL, 50);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(this.listener.outcomes.subList(recorded, recorded + 50)).containsOnly(CallOutcome.SUCCESS);
		assertThat(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos()).isEqualTo(before);
	}

	@Test
	void trialCallsAreNotLearned() {
		CircuitBreaker breaker = breaker(config().permittedNumberOfCallsInHalfOpenState(20));
		breaker.transitionToHalfOpenState();
		calls(breaker, NORMAL, 20);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos()).isEqualTo(-1);
		calls(breaker, NORMAL, 10);
		assertThat(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos()).isGreaterThan(0);
	}

	@Test
	void callsOfADisabledBreakerAreNotLearned() {
		CircuitBreaker breaker = breaker(config());
		breaker.transitionToDisabledState();
		calls(breaker, NORMAL, 30);
		breaker.transitionToClosedState();
		assertThat(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos()).isEqualTo(-1);
	}

	@Test
	void callsAdmittedWhileClosedThatEndAfterItOpenedAreNotLearned() {
		CircuitBreaker breaker = breaker(config().slidingWindowSize(100).minimumNumberOfCalls(10));
		List<CircuitBreaker.Permission> admitted = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			admitted.add(breaker.tryAdmit());
		}
		breaker.transitionToOpenState();
		admitted.forEach((permission) -> permission.onSuccess(NORMAL.toNanos()));
		breaker.transitionToClosedState();
		assertThat(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos()).isEqualTo(-1);
		// The same calls, ending while their state is current, are learned.
		admitted.clear();
		for (int i = 0; i < 30; i++) {
			admitted.add(breaker.tryAdmit());
		}
		admitted.forEach((permission) -> permission.onSuccess(NORMAL.toNanos()));
		assertThat(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos()).isGreaterThan(0);
	}

	@Test
	void aBaselineNotRefreshedForTwoLearningWindowsIsForgottenAndALastingChangeAccepted() {
		long created = this.ticker.read();
		CircuitBreaker breaker = breaker(config());
		calls(breaker, NORMAL, 50);
		Duration lasting = Duration.ofMillis(300);
		calls(breaker, lasting, 5);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		Duration window = CircuitBreakerConfig.ADAPTIVE_SLOW_CALL_LEARNING_WINDOW;
		long elapsed = 0;
		while (breaker.getState() != State.CLOSED && elapsed < 4 * window.toSeconds()) {
			call(breaker, lasting);
			this.ticker.advance(Duration.ofSeconds(1));
			elapsed++;
		}
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(Duration.ofNanos(this.ticker.read() - created)).as("time before the new latency is accepted")
			.isGreaterThanOrEqualTo(window.multipliedBy(2))
			.isLessThanOrEqualTo(window.multipliedBy(3));
		calls(breaker, lasting, 30);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		this.ticker.advance(Duration.ofSeconds(8));
		assertThat(millis(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos())).isBetween(900L, 960L);
	}

	@Test
	void manyThreadsLearnWithoutLosingLatenciesOrFailing() throws Exception {
		int threads = 8;
		int perThread = 20_000;
		// No recording listener: its list would make the test quadratic.
		CircuitBreaker breaker = CircuitBreaker.of("inventory",
				config().slidingWindowSize(1000)
					.minimumNumberOfCalls(100)
					.adaptiveSlowCallMinThreshold(Duration.ofMillis(1))
					.build(),
				this.ticker);
		CyclicBarrier start = new CyclicBarrier(threads);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				long latency = Duration.ofMillis(10 + t).toNanos();
				done.add(pool.submit(() -> {
					start.await(10, TimeUnit.SECONDS);
					for (int i = 0; i < perThread; i++) {
						breaker.acquirePermission();
						breaker.onSuccess(latency);
						breaker.getMetrics().getAdaptiveSlowCallThresholdNanos();
					}
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(breaker.getMetrics().getNumberOfSlowCalls()).isZero();
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(1000);
		// The 99th percentile of 8 equal shares of 10ms..17ms is 17ms, so the threshold
		// is 3 x 17ms, read within 1/16 above.
		this.ticker.advance(Duration.ofSeconds(10));
		assertThat(millis(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos())).isBetween(51L, 55L);
	}

	@Test
	void builderRejectsOutOfRangeSettingsNamingThem() {
		CircuitBreakerConfig.Builder builder = CircuitBreakerConfig.custom();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.adaptiveSlowCallQuantile(0))
			.withMessageContaining("adaptiveSlowCallQuantile");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.adaptiveSlowCallQuantile(1))
			.withMessageContaining("adaptiveSlowCallQuantile");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.adaptiveSlowCallQuantile(Double.NaN))
			.withMessageContaining("adaptiveSlowCallQuantile");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.adaptiveSlowCallFactor(1))
			.withMessageContaining("adaptiveSlowCallFactor");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.adaptiveSlowCallFactor(Double.POSITIVE_INFINITY))
			.withMessageContaining("adaptiveSlowCallFactor");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.adaptiveSlowCallMinThreshold(Duration.ZERO))
			.withMessageContaining("adaptiveSlowCallMinThreshold");
		CircuitBreakerConfig config = builder.adaptiveSlowCallEnabled(true)
			.adaptiveSlowCallQuantile(0.9)
			.adaptiveSlowCallFactor(1.5)
			.adaptiveSlowCallMinThreshold(Duration.ofMillis(5))
			.build();
		CircuitBreakerConfig copy = config.toBuilder().build();
		assertThat(copy.isAdaptiveSlowCallEnabled()).isTrue();
		assertThat(copy.getAdaptiveSlowCallQuantile()).isEqualTo(0.9);
		assertThat(copy.getAdaptiveSlowCallFactor()).isEqualTo(1.5);
		assertThat(copy.getAdaptiveSlowCallMinThreshold()).isEqualTo(Duration.ofMillis(5));
		assertThat(CircuitBreakerConfig.ofDefaults().isAdaptiveSlowCallEnabled()).isFalse();
	}

}
