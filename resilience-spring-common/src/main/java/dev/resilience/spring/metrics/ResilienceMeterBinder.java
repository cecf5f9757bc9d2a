package dev.resilience.spring.metrics;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;

import dev.resilience.ResilienceRegistry;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.circuitbreaker.CallOutcome;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerListener;
import dev.resilience.hedge.Hedge;
import dev.resilience.hedge.HedgeOutcome;
import dev.resilience.idempotency.IdempotencyOutcome;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.ratelimiter.RateLimiterConfig;
import dev.resilience.ratelimiter.RateLimiterOutcome;
import dev.resilience.retry.Retry;
import dev.resilience.retry.RetryOutcome;
import dev.resilience.timeout.Timeout;
import dev.resilience.timeout.TimeoutOutcome;

/**
 * Binds the meters of every instance of a {@link ResilienceRegistry} to a
 * {@link MeterRegistry}, with the names and tags of the public contract (see
 * {@code docs/metrics.md}):
 * <ul>
 * <li>{@code resilience.circuitbreaker.state} (one gauge per state, 1 for the current
 * one), {@code resilience.circuitbreaker.calls} (timer per outcome),
 * {@code resilience.circuitbreaker.failure.rate} (percent, -1 until enough calls),
 * {@code resilience.circuitbreaker.transitions} (counter per {@code from}/{@code to}),
 * and for a breaker with {@code adaptive-slow-call} on
 * {@code resilience.circuitbreaker.learned.slow.call.threshold} (seconds, -1 until
 * learned);</li>
 * <li>{@code resilience.retry.calls} (counter per {@code kind}),
 * {@code resilience.retry.attempts};</li>
 * <li>{@code resilience.bulkhead.available.concurrent.calls},
 * {@code resilience.bulkhead.rejected}, {@code resilience.bulkhead.limit};</li>
 * <li>{@code resilience.ratelimiter.calls} (counter per {@code kind}: permitted,
 * rejected, and store_unavailable for a limiter of cluster scope),
 * {@code resilience.ratelimiter.available.permissions};</li>
 * <li>{@code resilience.timeout.calls} (counter per {@code kind}: successful, failed,
 * timed_out);</li>
 * <li>{@code resilience.hedge.calls} (counter per {@code kind}: primary_won, hedge_won,
 * failed, budget_exhausted);</li>
 * <li>{@code resilience.fallback.calls} ({@link #recordFallback}) and
 * {@code resilience.idempotency.calls}
 * ({@link #recordIdempotencyOutcome(String, IdempotencyOutcome)}).</li>
 * </ul>
 * Instances created after binding are bound when the registry announces them. Gauges, the
 * retry, bulkhead, rate limiter and timeout counters, and the breaker's call timers read
 * the counters the engine keeps anyway, so they cost nothing per call: the call timers
 * are {@link FunctionTimer}s over the breaker's
 * {@link CircuitBreaker.Metrics#getTotalNumberOfCalls totals}, without the {@code _max}
 * series a function timer cannot have. When a meter filter gives
 * {@code resilience.circuitbreaker.calls} a distribution (histogram buckets, percentiles,
 * SLO boundaries, as {@code management.metrics.distribution.*} does), they are recording
 * timers told of every call by a listener instead, created when the breaker is bound so
 * that recording a call looks nothing up. The transition counters use a listener that the
 * breaker calls only on transitions. Until {@link #bindTo} is called nothing is
 * registered on any instance, so the call path of an application without a meter registry
 * is untouched.
 * <p>
 * Tag values are bounded by the code: instance names are fixed at startup, methods are
 * the annotated methods, exceptions are class names; no argument or idempotency key is
 * ever a tag.
 * <p>
 * Thread-safe. May be bound to several meter registries.
 */
public class ResilienceMeterBinder implements MeterBinder {

	private static final Binding[] NO_BINDINGS = {};

	/**
	 * The {@code outcome} tag values of {@code resilience.idempotency.calls}, indexed by
	 * ordinal.
	 */
	private static final String[] IDEMPOTENCY_OUTCOMES = tagValues(IdempotencyOutcome.values());

	private static final CircuitBreaker.State[] STATES = CircuitBreaker.State.values();

	private static final String[] STATE_TAGS = tagValues(STATES);

	private static final CallOutcome[] OUTCOMES = CallOutcome.values();

	private static final String CALLS = "resilience.circuitbreaker.calls";

	private static final String CALLS_DESCRIPTION = "Calls recorded or refused by the circuit breaker, by outcome";

	private static final String[] OUTCOME_TAGS = tagValues(OUTCOMES);

	private final ResilienceRegistry registry;

	private volatile Binding[] bindings = NO_BINDINGS;

	public ResilienceMeterBinder(ResilienceRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
	}

	@Override
	public void bindTo(MeterRegistry meterRegistry) {
		Binding binding = new Binding(meterRegistry);
		synchronized (this) {
			Binding[] current = this.bindings;
			Binding[] updated = Arrays.copyOf(current, current.length + 1);
			updated[current.length] = binding;
			this.bindings = updated;
		}
		this.registry.addListener(binding);
	}

	/**
	 * Counts a fallback that answered for {@code method} after {@code failure}, in
	 * {@code resilience.fallback.calls{method, exception}} where {@code exception} is the
	 * failure's simple class name. The counter of each (method, exception class) is
	 * created once.
	 */
	public void recordFallback(String method, Throwable failure) {
		Objects.requireNonNull(method, "method");
		Class<?> exception = (failure != null) ? failure.getClass() : Throwable.class;
		for (Binding binding : this.bindings) {
			binding.fallbackCounter(method, exception).increment();
		}
	}

	/**
	 * Counts one outcome of an {@code @Idempotent} call in
	 * {@code resilience.idempotency.calls{name, outcome}}, the outcome tag being the
	 * constant's name in lower case ({@code executed}, {@code replayed}, ...). The
	 * counters of a name are created, one per outcome, the first time the name is seen.
	 * @param name the idempotency instance name
	 * @param outcome what became of the call
	 */
	public void recordIdempotencyOutcome(String name, IdempotencyOutcome outcome) {
		Objects.requireNonNull(name, "name");
		int outcomeIndex = outcome.ordinal();
		for (Binding binding : this.bindings) {
			binding.idempotencyCounters(name)[outcomeIndex].increment();
		}
	}

	/**
	 * Whether the meter filters gave {@code timer} a distribution (histogram buckets,
	 * percentiles or SLO boundaries), which only a recording timer can publish.
	 */
	static boolean publishesDistribution(Timer timer) {
		HistogramSnapshot snapshot = timer.takeSnapshot();
		return snapshot.histogramCounts().length > 0 || snapshot.percentileValues().length > 0;
	}

	private static double learnedSlowCallThresholdSeconds(CircuitBreaker.Metrics metrics) {
		long nanos = metrics.getAdaptiveSlowCallThresholdNanos();
		return (nanos < 0) ? -1 : nanos / 1e9;
	}

	static String tagValue(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

	private static String[] tagValues(Enum<?>[] values) {
		String[] tags = new String[values.length];
		for (int i = 0; i < values.length; i++) {
			tags[i] = tagValue(values[i]);
		}
		return tags;
	}

	private static String exceptionTag(Class<?> type) {
		String simpleName = type.getSimpleName();
		if (!simpleName.isEmpty()) {
			return simpleName;
		}
		// Anonymous and hidden classes have no simple name; their binary name is still
		// bounded.
		String name = type.getName();
		return name.substring(name.lastIndexOf('.') + 1);
	}

	/** The meters of one meter registry. */
	private static final class Binding implements ResilienceRegistry.RegistryListener {

		private final MeterRegistry meterRegistry;

		private final Map<String, Map<Class<?>, Counter>> fallbackCounters = new ConcurrentHashMap<>();

		private final Map<String, Counter[]> idempotencyCounters = new ConcurrentHashMap<>();

		Binding(MeterRegistry meterRegistry) {
			this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
		}

		@Override
		public void onCircuitBreakerAdded(CircuitBreaker breaker) {
			Tags tags = Tags.of("name", breaker.getName());
			for (int i = 0; i < STATES.length; i++) {
				CircuitBreaker.State state = STATES[i];
				Gauge.builder("resilience.circuitbreaker.state", breaker, (b) -> (b.getState() == state) ? 1 : 0)
					.tags(tags)
					.tag("state", STATE_TAGS[i])
					.description("Whether the circuit breaker is in this state (1) or not (0)")
					.strongReference(true)
					.register(this.meterRegistry);
			}
			Gauge
				.builder("resilience.circuitbreaker.failure.rate", breaker.getMetrics(),
						CircuitBreaker.Metrics::getFailureRate)
				.tags(tags)
				.description("Failure rate of the circuit breaker's window in percent, -1 until enough calls")
				.strongReference(true)
				.register(this.meterRegistry);
			if (breaker.getConfig().isAdaptiveSlowCallEnabled()) {
				Gauge
					.builder("resilience.circuitbreaker.learned.slow.call.threshold", breaker.getMetrics(),
							ResilienceMeterBinder::learnedSlowCallThresholdSeconds)
					.tags(tags)
					.baseUnit("seconds")
					.description("Slow-call threshold learned from recent normal latencies (adaptive-slow-call), "
							+ "-1 until learned")
					.strongReference(true)
					.register(this.meterRegistry);
			}
			Timer first = callTimer(tags, 0);
			if (!publishesDistribution(first)) {
				// Nothing asked for buckets or percentiles: the calls are read from the
				// breaker's own totals when scraped, so recording a call costs nothing
				// here. Only the _max series is lost, which a function timer cannot
				// have.
				this.meterRegistry.remove(first);
				CircuitBreaker.Metrics metrics = breaker.getMetrics();
				for (int i = 0; i < OUTCOMES.length; i++) {
					CallOutcome outcome = OUTCOMES[i];
					FunctionTimer
						.builder(CALLS, metrics, (m) -> m.getTotalNumberOfCalls(outcome),
								(m) -> m.getTotalDurationNanos(outcome), TimeUnit.NANOSECONDS)
						.tags(tags)
						.tag("outcome", OUTCOME_TAGS[i])
						.description(CALLS_DESCRIPTION)
						.register(this.meterRegistry);
				}
				breaker.addListener(new CircuitBreakerMeters(this.meterRegistry, tags));
				return;
			}
			// A histogram, percentiles or SLO boundaries are configured for the meter
			// (management.metrics.distribution.*): only a timer told of every call can
			// build them.
			Timer[] timers = new Timer[OUTCOMES.length];
			timers[0] = first;
			for (int i = 1; i < OUTCOMES.length; i++) {
				timers[i] = callTimer(tags, i);
			}
			breaker.addListener(new RecordingCircuitBreakerMeters(this.meterRegistry, tags, timers));
		}

		private Timer callTimer(Tags tags, int outcome) {
			return Timer.builder(CALLS)
				.tags(tags)
				.tag("outcome", OUTCOME_TAGS[outcome])
				.description(CALLS_DESCRIPTION)
				.register(this.meterRegistry);
		}

		@Override
		public void onRetryAdded(Retry retry) {
			Tags tags = Tags.of("name", retry.getName());
			Retry.Metrics metrics = retry.getMetrics();
			retryCalls(tags, RetryOutcome.SUCCESSFUL_WITHOUT_RETRY, metrics,
					Retry.Metrics::getNumberOfSuccessfulCallsWithoutRetryAttempt);
			retryCalls(tags, RetryOutcome.SUCCESSFUL_WITH_RETRY, metrics,
					Retry.Metrics::getNumberOfSuccessfulCallsWithRetryAttempt);
			retryCalls(tags, RetryOutcome.FAILED_WITH_RETRY, metrics,
					Retry.Metrics::getNumberOfFailedCallsWithRetryAttempt);
			retryCalls(tags, RetryOutcome.FAILED_WITHOUT_RETRY, metrics,
					Retry.Metrics::getNumberOfFailedCallsWithoutRetryAttempt);
			retryCalls(tags, RetryOutcome.BUDGET_EXHAUSTED, metrics, Retry.Metrics::getNumberOfBudgetExhaustedCalls);
			FunctionCounter.builder("resilience.retry.attempts", metrics, (m) -> m.getNumberOfRetryAttempts())
				.tags(tags)
				.description("Retries made, first attempts not included")
				.register(this.meterRegistry);
		}

		private void retryCalls(Tags tags, RetryOutcome kind, Retry.Metrics metrics,
				ToLongFunction<Retry.Metrics> count) {
			FunctionCounter.builder("resilience.retry.calls", metrics, (m) -> count.applyAsLong(m))
				.tags(tags)
				.tag("kind", tagValue(kind))
				.description("Calls made through the retry, by how they ended")
				.register(this.meterRegistry);
		}

		/** Either kind of bulkhead, read through the one {@link Bulkhead.Metrics}. */
		@Override
		public void onBulkheadAdded(Bulkhead bulkhead) {
			Bulkhead.Metrics metrics = bulkhead.getMetrics();
			Tags tags = Tags.of("name", bulkhead.getName());
			Gauge
				.builder("resilience.bulkhead.available.concurrent.calls", metrics,
						Bulkhead.Metrics::getAvailableConcurrentCalls)
				.tags(tags)
				.description("Calls the bulkhead would admit right now")
				.strongReference(true)
				.register(this.meterRegistry);
			FunctionCounter.builder("resilience.bulkhead.rejected", metrics, (m) -> m.getNumberOfRejectedCalls())
				.tags(tags)
				.description("Calls the bulkhead refused")
				.register(this.meterRegistry);
			// Every kind, so that a dashboard draws the limit next to the available calls
			// for any bulkhead: the configured maximum, or an adaptive one's current
			// limit.
			Gauge.builder("resilience.bulkhead.limit", metrics, Bulkhead.Metrics::getLimit)
				.tags(tags)
				.description("Calls the bulkhead allows in flight at once right now")
				.strongReference(true)
				.register(this.meterRegistry);
		}

		@Override
		public void onRateLimiterAdded(RateLimiter rateLimiter) {
			RateLimiter.Metrics metrics = rateLimiter.getMetrics();
			Tags tags = Tags.of("name", rateLimiter.getName());
			Gauge
				.builder("resilience.ratelimiter.available.permissions", metrics,
						RateLimiter.Metrics::getAvailablePermissions)
				.tags(tags)
				.description("Permits left in the rate limiter's current period, negative while calls wait")
				.strongReference(true)
				.register(this.meterRegistry);
			rateLimiterCalls(tags, RateLimiterOutcome.PERMITTED, metrics,
					RateLimiter.Metrics::getNumberOfPermittedCalls);
			rateLimiterCalls(tags, RateLimiterOutcome.REJECTED, metrics, RateLimiter.Metrics::getNumberOfRejectedCalls);
			if (rateLimiter.getConfig().getScope() == RateLimiterConfig.Scope.CLUSTER) {
				rateLimiterCalls(tags, RateLimiterOutcome.STORE_UNAVAILABLE, metrics,
						RateLimiter.Metrics::getNumberOfStoreUnavailableCalls);
			}
		}

		private void rateLimiterCalls(Tags tags, RateLimiterOutcome kind, RateLimiter.Metrics metrics,
				ToLongFunction<RateLimiter.Metrics> count) {
			FunctionCounter.builder("resilience.ratelimiter.calls", metrics, (m) -> count.applyAsLong(m))
				.tags(tags)
				.tag("kind", tagValue(kind))
				.description("Permit decisions of the rate limiter, by kind")
				.register(this.meterRegistry);
		}

		@Override
		public void onTimeoutAdded(Timeout timeout) {
			Timeout.Metrics metrics = timeout.getMetrics();
			Tags tags = Tags.of("name", timeout.getName());
			timeoutCalls(tags, TimeoutOutcome.SUCCESSFUL, metrics, Timeout.Metrics::getNumberOfSuccessfulCalls);
			timeoutCalls(tags, TimeoutOutcome.FAILED, metrics, Timeout.Metrics::getNumberOfFailedCalls);
			timeoutCalls(tags, TimeoutOutcome.TIMED_OUT, metrics, Timeout.Metrics::getNumberOfTimedOutCalls);
		}

		private void timeoutCalls(Tags tags, TimeoutOutcome kind, Timeout.Metrics metrics,
				ToLongFunction<Timeout.Metrics> count) {
			FunctionCounter.builder("resilience.timeout.calls", metrics, (m) -> count.applyAsLong(m))
				.tags(tags)
				.tag("kind", tagValue(kind))
				.description("Calls bounded by the timeout, by how they ended")
				.register(this.meterRegistry);
		}

		@Override
		public void onHedgeAdded(Hedge hedge) {
			Hedge.Metrics metrics = hedge.getMetrics();
			Tags tags = Tags.of("name", hedge.getName());
			hedgeCalls(tags, HedgeOutcome.PRIMARY_WON, metrics, Hedge.Metrics::getNumberOfPrimaryWonCalls);
			hedgeCalls(tags, HedgeOutcome.HEDGE_WON, metrics, Hedge.Metrics::getNumberOfHedgeWonCalls);
			hedgeCalls(tags, HedgeOutcome.FAILED, metrics, Hedge.Metrics::getNumberOfFailedCalls);
			hedgeCalls(tags, HedgeOutcome.BUDGET_EXHAUSTED, metrics, Hedge.Metrics::getNumberOfBudgetExhaustedCalls);
		}

		private void hedgeCalls(Tags tags, HedgeOutcome kind, Hedge.Metrics metrics,
				ToLongFunction<Hedge.Metrics> count) {
			FunctionCounter.builder("resilience.hedge.calls", metrics, (m) -> count.applyAsLong(m))
				.tags(tags)
				.tag("kind", tagValue(kind))
				.description("Hedged calls by how they ended; budget_exhausted counts refused hedges on top")
				.register(this.meterRegistry);
		}

		Counter fallbackCounter(String method, Class<?> exception) {
			Map<Class<?>, Counter> byException = this.fallbackCounters.get(method);
			if (byException == null) {
				byException = this.fallbackCounters.computeIfAbsent(method, (key) -> new ConcurrentHashMap<>());
			}
			Counter counter = byException.get(exception);
			if (counter == null) {
				counter = byException.computeIfAbsent(exception,
						(type) -> Counter.builder("resilience.fallback.calls")
							.tag("method", method)
							.tag("exception", exceptionTag(type))
							.description("Fallbacks that answered in place of the protected method, by failure")
							.register(this.meterRegistry));
			}
			return counter;
		}

		Counter[] idempotencyCounters(String name) {
			Counter[] counters = this.idempotencyCounters.get(name);
			if (counters == null) {
				counters = this.idempotencyCounters.computeIfAbsent(name, (key) -> {
					Counter[] created = new Counter[IDEMPOTENCY_OUTCOMES.length];
					for (int i = 0; i < created.length; i++) {
						created[i] = Counter.builder("resilience.idempotency.calls")
							.tag("name", key)
							.tag("outcome", IDEMPOTENCY_OUTCOMES[i])
							.description("Calls of @Idempotent methods, by outcome")
							.register(this.meterRegistry);
					}
					return created;
				});
			}
			return counters;
		}

	}

	/**
	 * Counts the transitions of one breaker in one meter registry; a transition, which is
	 * rare, creates its counter the first time. It does not override
	 * {@code onCallRecorded}, so the breaker never calls it for a call.
	 */
	private static class CircuitBreakerMeters implements CircuitBreakerListener {

		private final MeterRegistry meterRegistry;

		private final Tags tags;

		private final AtomicReferenceArray<Counter> transitions = new AtomicReferenceArray<>(
				STATES.length * STATES.length);

		CircuitBreakerMeters(MeterRegistry meterRegistry, Tags tags) {
			this.meterRegistry = meterRegistry;
			this.tags = tags;
		}

		@Override
		public void onStateTransition(CircuitBreaker breaker, CircuitBreaker.State from, CircuitBreaker.State to,
				String reason) {
			int index = from.ordinal() * STATES.length + to.ordinal();
			Counter counter = this.transitions.get(index);
			if (counter == null) {
				// Registering is idempotent, so two racing first transitions share one
				// counter.
				counter = Counter.builder("resilience.circuitbreaker.transitions")
					.tags(this.tags)
					.tag("from", STATE_TAGS[from.ordinal()])
					.tag("to", STATE_TAGS[to.ordinal()])
					.description("State transitions of the circuit breaker")
					.register(this.meterRegistry);
				this.transitions.set(index, counter);
			}
			counter.increment();
		}

	}

	/**
	 * Also records every call in a timer created at bind time, for a meter configured
	 * with a distribution: a call indexes its outcome's timer and looks nothing up.
	 */
	private static final class RecordingCircuitBreakerMeters extends CircuitBreakerMeters {

		private final Timer[] timers;

		RecordingCircuitBreakerMeters(MeterRegistry meterRegistry, Tags tags, Timer[] timers) {
			super(meterRegistry, tags);
			this.timers = timers;
		}

		@Override
		public void onCallRecorded(CircuitBreaker breaker, CallOutcome outcome, long durationNanos) {
			this.timers[outcome.ordinal()].record(durationNanos, TimeUnit.NANOSECONDS);
		}

	}

}
