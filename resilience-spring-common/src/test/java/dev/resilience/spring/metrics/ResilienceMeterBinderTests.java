package dev.resilience.spring.metrics;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.resilience.ResilienceRegistry;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.idempotency.IdempotencyOutcome;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.ratelimiter.RateLimiterConfig;
import dev.resilience.retry.Retry;
import dev.resilience.retry.RetryConfig;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;
import dev.resilience.timeout.Timeout;
import dev.resilience.timeout.TimeoutConfig;
import dev.resilience.timeout.TimeoutExceededException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResilienceMeterBinderTests {

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final ResilienceRegistry registry = ResilienceRegistry.builder()
		.ticker(this.ticker)
		.scheduler(this.scheduler)
		.circuitBreakerConfigs((name) -> CircuitBreakerConfig.custom()
			.slidingWindowSize(4)
			.minimumNumberOfCalls(4)
			.failureRateThreshold(50)
			.slowCallDurationThreshold(Duration.ofSeconds(1))
			.waitDurationInOpenState(Duration.ofMinutes(1))
			.build())
		.retryConfigs((name) -> RetryConfig.custom()
			.maxAttempts(3)
			.waitDuration(Duration.ofMillis(10))
			.jitter(RetryConfig.Jitter.NONE)
			.budget(RetryConfig.BudgetConfig.disabled())
			.build())
		.bulkheadConfigs((name) -> name.startsWith("pool")
				? BulkheadConfig.custom().type(BulkheadConfig.Type.THREAD_POOL).coreSize(1).maxSize(2).build()
				: BulkheadConfig.custom().maxConcurrentCalls(3).build())
		.rateLimiterConfigs((
				name) -> RateLimiterConfig.custom().limitForPeriod(2).limitRefreshPeriod(Duration.ofMinutes(1)).build())
		.timeoutConfigs((name) -> TimeoutConfig.custom().duration(Duration.ofSeconds(1)).build())
		.build();

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final ResilienceMeterBinder binder = new ResilienceMeterBinder(this.registry);

	@Test
	void stateGaugeIsOneForTheCurrentStateOnlyAndFollowsTransitions() {
		CircuitBreaker breaker = this.registry.circuitBreaker("inventory");
		this.binder.bindTo(this.meters);
		assertThat(stateGauges("inventory")).containsExactly(1.0, 0.0, 0.0, 0.0, 0.0);

		breaker.transitionToOpenState();
		assertThat(stateGauges("inventory")).containsExactly(0.0, 1.0, 0.0, 0.0, 0.0);

		this.ticker.advance(Duration.ofMinutes(1));
		assertThat(stateGauges("inventory")).as("wait elapsed: half-open").containsExactly(0.0, 0.0, 1.0, 0.0, 0.0);

		breaker.transitionToForcedOpenState();
		breaker.transitionToDisabledState();
		assertThat(stateGauges("inventory")).containsExactly(0.0, 0.0, 0.0, 0.0, 1.0);
		assertThat(transitions("inventory", "closed", "open")).isEqualTo(1.0);
		assertThat(transitions("inventory", "open", "half_open")).isEqualTo(1.0);
		assertThat(transitions("inventory", "half_open", "forced_open")).isEqualTo(1.0);
		assertThat(transitions("inventory", "forced_open", "disabled")).isEqualTo(1.0);
		assertThat(this.meters.find("resilience.circuitbreaker.transitions").counters()).hasSize(4);
	}

	@Test
	void callsAreTimedPerOutcomeFromTheBreakersTotalsAndFailureRateIsMinusOneUntilEnoughCalls() {
		CircuitBreaker breaker = this.registry.circuitBreaker("inventory");
		record(breaker, Duration.ofMillis(200), null);
		this.binder.bindTo(this.meters);
		assertThat(this.meters.find("resilience.circuitbreaker.calls").functionTimers())
			.as("all six exist from the start, read from the breaker")
			.hasSize(6);
		assertThat(this.meters.find("resilience.circuitbreaker.calls").timers()).as("no recording timer").isEmpty();
		assertThat(callCount("inventory", "success")).as("a call made before binding is in the totals").isEqualTo(1);

		recordCallsOfEveryKind(breaker);
		assertThat(callCount("inventory", "success")).isEqualTo(1);
		assertThat(callMillis("inventory", "success")).isEqualTo(200.0);
		assertThat(callMillis("inventory", "slow_success")).isEqualTo(2000.0);
		assertThat(callMillis("inventory", "failure")).isEqualTo(300.0);
		assertThat(callCount("inventory", "slow_failure")).isEqualTo(1);
		assertThat(callCount("inventory", "not_permitted")).isEqualTo(1);
		assertThat(callCount("inventory", "ignored")).isZero();
		assertThat(stateGauges("inventory").get(1)).isEqualTo(1.0);

		breaker.reset();
		assertThat(callCount("inventory", "success")).as("a reset does not make a counter go back").isEqualTo(1);
		assertThat(callCount("inventory", "not_permitted")).isEqualTo(1);
	}

	@Test
	void aDistributionConfiguredForTheCallsMakesThemRecordingTimersWithMaxAndBuckets() {
		this.meters.config().meterFilter(new CallsWithObjective());
		this.binder.bindTo(this.meters);
		CircuitBreaker breaker = this.registry.circuitBreaker("inventory");
		assertThat(this.meters.find("resilience.circuitbreaker.calls").timers()).hasSize(6);
		assertThat(this.meters.find("resilience.circuitbreaker.calls").functionTimers()).isEmpty();

		record(breaker, Duration.ofMillis(200), null);
		recordCallsOfEveryKind(breaker);
		Timer success = this.meters.get("resilience.circuitbreaker.calls")
			.tag("name", "inventory")
			.tag("outcome", "success")
			.timer();
		assertThat(success.count()).isEqualTo(1);
		assertThat(success.max(TimeUnit.MILLISECONDS)).isEqualTo(200.0);
		assertThat(success.takeSnapshot().histogramCounts()).isNotEmpty();
		assertThat(callMillis("inventory", "slow_success")).isEqualTo(2000.0);
		assertThat(callMillis("inventory", "failure")).isEqualTo(300.0);
		assertThat(callCount("inventory", "slow_failure")).isEqualTo(1);
		assertThat(callCount("inventory", "not_permitted")).isEqualTo(1);
	}

	/**
	 * A slow success, a failure, a slow failure, which opens the breaker (2 of 4 failed),
	 * and a refusal; the failure rate is -1 until the fourth call.
	 */
	private void recordCallsOfEveryKind(CircuitBreaker breaker) {
		record(breaker, Duration.ofSeconds(2), null);
		assertThat(failureRate("inventory")).isEqualTo(-1.0);
		record(breaker, Duration.ofMillis(300), new IllegalStateException());
		record(breaker, Duration.ofSeconds(3), new IllegalStateException());
		assertThat(breaker.tryAcquirePermission()).isFalse();
		assertThat(failureRate("inventory")).isEqualTo(50.0);
	}

	@Test
	void retryKindsAndAttemptsReadTheEngineCounters() {
		this.binder.bindTo(this.meters);
		Retry retry = this.registry.retry("inventory");
		int[] failures = { 1 };
		retry.executeSupplier(() -> {
			if (failures[0]-- > 0) {
				throw new IllegalStateException();
			}
			return "ok";
		});
		assertThatIllegalStateException().isThrownBy(() -> retry.executeSupplier(() -> {
			throw new IllegalStateException();
		}));
		retry.executeSupplier(() -> "ok");

		assertThat(retryCalls("inventory", "successful_with_retry")).isEqualTo(1.0);
		assertThat(retryCalls("inventory", "failed_with_retry")).isEqualTo(1.0);
		assertThat(retryCalls("inventory", "successful_without_retry")).isEqualTo(1.0);
		assertThat(retryCalls("inventory", "failed_without_retry")).isZero();
		assertThat(retryCalls("inventory", "budget_exhausted")).isZero();
		assertThat(this.meters.get("resilience.retry.attempts").tag("name", "inventory").functionCounter().count())
			.isEqualTo(3.0);
	}

	@Test
	void bulkheadGaugeAndRejectionsOfSemaphoreAndThreadPoolBulkheads() {
		this.binder.bindTo(this.meters);
		Bulkhead bulkhead = this.registry.bulkhead("narrow");
		Bulkhead pool = this.registry.bulkhead("pool-a");
		for (int i = 0; i < 3; i++) {
			bulkhead.acquirePermission();
		}
		assertThat(bulkhead.tryAcquirePermission()).isFalse();

		assertThat(available("narrow")).isZero();
		assertThat(available("pool-a")).isEqualTo(2.0);
		assertThat(this.meters.get("resilience.bulkhead.rejected").tag("name", "narrow").functionCounter().count())
			.isEqualTo(1.0);
		bulkhead.releasePermission();
		assertThat(available("narrow")).isEqualTo(1.0);

		CompletableFuture<String> running = new CompletableFuture<>();
		CompletionStage<String> call = pool.executeCompletionStage(() -> running);
		assertThat(available("pool-a")).as("a call in flight counts from admission").isEqualTo(1.0);
		running.complete("done");
		assertThat(call.toCompletableFuture().join()).isEqualTo("done");
		assertThat(available("pool-a")).isEqualTo(2.0);
		assertThat(this.meters.get("resilience.bulkhead.rejected").tag("name", "pool-a").functionCounter().count())
			.isZero();
		this.registry.close();
	}

	@Test
	void fallbackCountersAreCreatedOncePerMethodAndExceptionClass() {
		this.binder.bindTo(this.meters);

		this.binder.recordFallback("InventoryClient.reserve", new IllegalStateException("a"));
		this.binder.recordFallback("InventoryClient.reserve", new IllegalStateException("b"));
		this.binder.recordFallback("InventoryClient.reserve", new IllegalArgumentException());

		Counter illegalState = this.meters.get("resilience.fallback.calls")
			.tag("method", "InventoryClient.reserve")
			.tag("exception", "IllegalStateException")
			.counter();
		assertThat(illegalState.count()).isEqualTo(2.0);
		assertThat(this.meters.find("resilience.fallback.calls").counters()).hasSize(2);
	}

	@Test
	void anonymousExceptionClassesStillGetANonEmptyTag() {
		this.binder.bindTo(this.meters);

		this.binder.recordFallback("A.b", new RuntimeException() {
		});

		assertThat(this.meters.find("resilience.fallback.calls").counter().getId().getTag("exception"))
			.isEqualTo("ResilienceMeterBinderTests$1");
	}

	@Test
	void idempotencyOutcomesOfANameAllExistOnceOneIsRecorded() {
		this.binder.bindTo(this.meters);

		this.binder.recordIdempotencyOutcome("payments", IdempotencyOutcome.REPLAYED);
		this.binder.recordIdempotencyOutcome("payments", IdempotencyOutcome.REPLAYED);

		assertThat(this.meters.find("resilience.idempotency.calls").tag("name", "payments").counters()).hasSize(7);
		assertThat(this.meters.get("resilience.idempotency.calls")
			.tag("name", "payments")
			.tag("outcome", "replayed")
			.counter()
			.count()).isEqualTo(2.0);
		assertThat(this.meters.get("resilience.idempotency.calls")
			.tag("name", "payments")
			.tag("outcome", "executed")
			.counter()
			.count()).isZero();
	}

	@Test
	void eachIdempotencyOutcomeCountsUnderItsDocumentedTag() {
		this.binder.bindTo(this.meters);

		for (IdempotencyOutcome outcome : IdempotencyOutcome.values()) {
			this.binder.recordIdempotencyOutcome("payments", outcome);
		}

		assertThat(this.meters.find("resilience.idempotency.calls").counters())
			.map((counter) -> counter.getId().getTag("outcome"))
			.containsExactlyInAnyOrder("executed", "replayed", "in_progress", "key_reused", "invalid_key", "lease_lost",
					"store_unavailable");
		assertThat(this.meters.find("resilience.idempotency.calls").counters())
			.allSatisfy((counter) -> assertThat(counter.count()).isEqualTo(1.0));
	}

	@Test
	void recordsIntoEveryBoundRegistry() {
		MeterRegistry second = new SimpleMeterRegistry();
		this.binder.bindTo(this.meters);
		this.binder.bindTo(second);
		CircuitBreaker breaker = this.registry.circuitBreaker("inventory");

		breaker.transitionToForcedOpenState();
		this.binder.recordFallback("A.b", new IllegalStateException());

		for (MeterRegistry registry : new MeterRegistry[] { this.meters, second }) {
			assertThat(registry.get("resilience.circuitbreaker.transitions").tag("to", "forced_open").counter().count())
				.isEqualTo(1.0);
			assertThat(registry.get("resilience.fallback.calls").counter().count()).isEqualTo(1.0);
		}
	}

	@Test
	void nothingIsRecordedBeforeBinding() {
		CircuitBreaker breaker = this.registry.circuitBreaker("inventory");
		breaker.transitionToOpenState();
		this.binder.recordFallback("A.b", new IllegalStateException());

		this.binder.bindTo(this.meters);

		assertThat(this.meters.find("resilience.circuitbreaker.transitions").counters()).isEmpty();
		assertThat(this.meters.find("resilience.fallback.calls").counters()).isEmpty();
		assertThat(stateGauges("inventory").get(1)).as("gauges read the live state").isEqualTo(1.0);
	}

	@Test
	void rateLimiterKindsAndAvailablePermissionsReadTheEngineCounters() {
		this.binder.bindTo(this.meters);
		RateLimiter limiter = this.registry.rateLimiter("orders");
		assertThat(permissions("orders")).isEqualTo(2.0);
		assertThat(rateLimiterCalls("orders", "permitted")).as("every kind exists from creation").isZero();
		assertThat(rateLimiterCalls("orders", "rejected")).isZero();

		assertThat(limiter.tryAcquirePermission()).isTrue();
		assertThat(limiter.tryAcquirePermission()).isTrue();
		assertThat(limiter.tryAcquirePermission()).isFalse();

		assertThat(rateLimiterCalls("orders", "permitted")).isEqualTo(2.0);
		assertThat(rateLimiterCalls("orders", "rejected")).isEqualTo(1.0);
		assertThat(permissions("orders")).isZero();
		this.ticker.advance(Duration.ofMinutes(1));
		assertThat(permissions("orders")).as("a new period starts full").isEqualTo(2.0);
	}

	@Test
	void timeoutKindsReadTheEngineCountersOfInstancesCreatedBeforeBinding() {
		Timeout timeout = this.registry.timeout("inventory");
		this.binder.bindTo(this.meters);
		assertThat(timeoutCalls("inventory", "timed_out")).as("every kind exists from binding").isZero();

		assertThat(timeout.executeSupplier(() -> "ok")).isEqualTo("ok");
		assertThatIllegalStateException().isThrownBy(() -> timeout.executeSupplier(() -> {
			throw new IllegalStateException();
		}));
		CompletionStage<String> hung = timeout.executeCompletionStage(CompletableFuture::new);
		this.scheduler.advance(Duration.ofSeconds(1));

		assertThatThrownBy(() -> hung.toCompletableFuture().join()).hasCauseInstanceOf(TimeoutExceededException.class);
		assertThat(timeoutCalls("inventory", "successful")).isEqualTo(1.0);
		assertThat(timeoutCalls("inventory", "failed")).isEqualTo(1.0);
		assertThat(timeoutCalls("inventory", "timed_out")).isEqualTo(1.0);
	}

	private void record(CircuitBreaker breaker, Duration duration, Throwable failure) {
		breaker.acquirePermission();
		if (failure == null) {
			breaker.onSuccess(duration.toNanos());
		}
		else {
			breaker.onError(duration.toNanos(), failure);
		}
	}

	private java.util.List<Double> stateGauges(String name) {
		return java.util.stream.Stream.of("closed", "open", "half_open", "forced_open", "disabled")
			.map((state) -> this.meters.get("resilience.circuitbreaker.state")
				.tag("name", name)
				.tag("state", state)
				.gauge()
				.value())
			.toList();
	}

	private double transitions(String name, String from, String to) {
		return this.meters.get("resilience.circuitbreaker.transitions")
			.tag("name", name)
			.tag("from", from)
			.tag("to", to)
			.counter()
			.count();
	}

	private double failureRate(String name) {
		return this.meters.get("resilience.circuitbreaker.failure.rate").tag("name", name).gauge().value();
	}

	/** The count of a call timer, recording or function. */
	private double callCount(String name, String outcome) {
		return callStatistic(name, outcome, Statistic.COUNT);
	}

	private double callMillis(String name, String outcome) {
		return callStatistic(name, outcome, Statistic.TOTAL_TIME) * 1000;
	}

	private double callStatistic(String name, String outcome, Statistic statistic) {
		Meter meter = this.meters.get("resilience.circuitbreaker.calls")
			.tag("name", name)
			.tag("outcome", outcome)
			.meter();
		for (Measurement measurement : meter.measure()) {
			if (measurement.getStatistic() == statistic) {
				return measurement.getValue();
			}
		}
		throw new AssertionError(meter.getId() + " has no " + statistic);
	}

	private double retryCalls(String name, String kind) {
		return this.meters.get("resilience.retry.calls").tag("name", name).tag("kind", kind).functionCounter().count();
	}

	private double permissions(String name) {
		return this.meters.get("resilience.ratelimiter.available.permissions").tag("name", name).gauge().value();
	}

	private double rateLimiterCalls(String name, String kind) {
		return this.meters.get("resilience.ratelimiter.calls")
			.tag("name", name)
			.tag("kind", kind)
			.functionCounter()
			.count();
	}

	private double timeoutCalls(String name, String kind) {
		return this.meters.get("resilience.timeout.calls")
			.tag("name", name)
			.tag("kind", kind)
			.functionCounter()
			.count();
	}

	private double available(String name) {
		return this.meters.get("resilience.bulkhead.available.concurrent.calls").tag("name", name).gauge().value();
	}

	/**
	 * Gives the call timers an SLO boundary, as
	 * {@code management.metrics.distribution.slo.resilience.circuitbreaker.calls} does.
	 */
	private static final class CallsWithObjective implements MeterFilter {

		@Override
		public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
			if (!id.getName().equals("resilience.circuitbreaker.calls")) {
				return config;
			}
			return DistributionStatisticConfig.builder()
				.serviceLevelObjectives(Duration.ofMillis(250).toNanos())
				.build()
				.merge(config);
		}

	}

}
