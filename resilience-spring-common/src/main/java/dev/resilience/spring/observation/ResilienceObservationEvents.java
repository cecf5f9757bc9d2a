package dev.resilience.spring.observation;

import java.util.Locale;
import java.util.Objects;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import dev.resilience.ResilienceRegistry;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadListener;
import dev.resilience.chaos.Chaos;
import dev.resilience.chaos.ChaosFault;
import dev.resilience.chaos.ChaosListener;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerListener;
import dev.resilience.fallback.FallbackListener;
import dev.resilience.hedge.Hedge;
import dev.resilience.hedge.HedgeListener;
import dev.resilience.hedge.HedgeOutcome;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.ratelimiter.RateLimiterListener;
import dev.resilience.ratelimiter.RateLimiterOutcome;
import dev.resilience.retry.Retry;
import dev.resilience.retry.RetryListener;
import dev.resilience.retry.RetryOutcome;
import dev.resilience.timeout.Timeout;
import dev.resilience.timeout.TimeoutListener;
import dev.resilience.timeout.TimeoutOutcome;

/**
 * Adds what the resilience patterns do to the current {@link Observation} as
 * {@link ResilienceObservationEvent}s, which Micrometer Tracing shows as span events:
 * <ul>
 * <li>{@code resilience.retry} (a retry decided, before its wait; keys {@code attempt},
 * the number of the attempt about to run, and {@code exception}, the simple class name of
 * the failure retried or {@code none} for a retried result) and
 * {@code resilience.retry.budget_exhausted};</li>
 * <li>{@code resilience.circuitbreaker.transition} ({@code from}, {@code to}) and
 * {@code resilience.circuitbreaker.not_permitted};</li>
 * <li>{@code resilience.fallback} ({@code name} is the protected method,
 * {@code exception} the failure's simple class name);</li>
 * <li>{@code resilience.bulkhead.rejected}, {@code resilience.ratelimiter.rejected},
 * {@code resilience.timeout.timed_out};</li>
 * <li>{@code resilience.hedge} (a hedged attempt about to start; {@code attempt}) and
 * {@code resilience.hedge.budget_exhausted};</li>
 * <li>{@code resilience.chaos} (an injected fault; {@code fault} = {@code error} or
 * {@code latency}).</li>
 * </ul>
 * Every event has the keys {@code pattern} and {@code name} (the instance).
 * <p>
 * Register it with {@link ResilienceRegistry#addListener} (and
 * {@code ChaosRegistry.addListener}, and as the pipelines' {@link FallbackListener}): it
 * then puts a listener of its own on every instance, existing or created later. An event
 * goes to the observation current on the thread that reports it, and is dropped when
 * there is none (or a no-op one). Successful calls report nothing that this class acts
 * on: the per-call callbacks of the engine return after one comparison, without reading
 * the current observation or allocating. Events of a refusal without extra keys are made
 * once per instance. Thread-safe.
 */
public class ResilienceObservationEvents
		implements ResilienceRegistry.RegistryListener, ChaosListener, FallbackListener {

	private final ObservationRegistry observations;

	public ResilienceObservationEvents(ObservationRegistry observations) {
		this.observations = Objects.requireNonNull(observations, "observations");
	}

	@Override
	public void onCircuitBreakerAdded(CircuitBreaker circuitBreaker) {
		circuitBreaker.addListener(new BreakerEvents(circuitBreaker.getName()));
	}

	@Override
	public void onRetryAdded(Retry retry) {
		retry.addListener(new RetryEvents(retry.getName()));
	}

	@Override
	public void onRateLimiterAdded(RateLimiter rateLimiter) {
		rateLimiter.addListener(new RateLimiterEvents(rateLimiter.getName()));
	}

	@Override
	public void onTimeoutAdded(Timeout timeout) {
		timeout.addListener(new TimeoutEvents(timeout.getName()));
	}

	@Override
	public void onHedgeAdded(Hedge hedge) {
		hedge.addListener(new HedgeEvents(hedge.getName()));
	}

	@Override
	public void onBulkheadAdded(Bulkhead bulkhead) {
		bulkhead.addListener(new BulkheadEvents(bulkhead.getName()));
	}

	@Override
	public void onInjection(Chaos chaos, ChaosFault fault) {
		Observation observation = current();
		if (observation != null) {
			observation.event(new ResilienceObservationEvent("resilience.chaos", "chaos", chaos.getName(), "fault",
					tagValue(fault)));
		}
	}

	@Override
	public void onFallback(String method, Throwable failure) {
		Observation observation = current();
		if (observation != null) {
			observation.event(new ResilienceObservationEvent("resilience.fallback", "fallback", method, "exception",
					exceptionName(failure)));
		}
	}

	/** The current observation, or {@code null} when there is none to add events to. */
	private Observation current() {
		Observation observation = this.observations.getCurrentObservation();
		return (observation != null && !observation.isNoop()) ? observation : null;
	}

	private void emit(ResilienceObservationEvent event) {
		Observation observation = current();
		if (observation != null) {
			observation.event(event);
		}
	}

	static String tagValue(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

	static String exceptionName(Throwable failure) {
		if (failure == null) {
			return "none";
		}
		Class<?> type = failure.getClass();
		String simpleName = type.getSimpleName();
		if (!simpleName.isEmpty()) {
			return simpleName;
		}
		String name = type.getName();
		return name.substring(name.lastIndexOf('.') + 1);
	}

	private final class BreakerEvents implements CircuitBreakerListener {

		private final String name;

		private final ResilienceObservationEvent notPermitted;

		BreakerEvents(String name) {
			this.name = name;
			this.notPermitted = new ResilienceObservationEvent("resilience.circuitbreaker.not_permitted",
					"circuitbreaker", name);
		}

		// Refusals only, so that the breaker does not call this listener for every call
		// that goes through.
		@Override
		public void onCallNotPermitted(CircuitBreaker breaker) {
			emit(this.notPermitted);
		}

		@Override
		public void onStateTransition(CircuitBreaker breaker, CircuitBreaker.State from, CircuitBreaker.State to,
				String reason) {
			Observation observation = current();
			if (observation != null) {
				observation.event(new ResilienceObservationEvent("resilience.circuitbreaker.transition",
						"circuitbreaker", this.name, "from", tagValue(from), "to", tagValue(to)));
			}
		}

	}

	private final class RetryEvents implements RetryListener {

		private final String name;

		private final ResilienceObservationEvent budgetExhausted;

		RetryEvents(String name) {
			this.name = name;
			this.budgetExhausted = new ResilienceObservationEvent("resilience.retry.budget_exhausted", "retry", name);
		}

		@Override
		public void onRetry(Retry retry, int nextAttempt, Throwable failure, long delayNanos) {
			Observation observation = current();
			if (observation != null) {
				observation.event(new ResilienceObservationEvent("resilience.retry", "retry", this.name, "attempt",
						Integer.toString(nextAttempt), "exception", exceptionName(failure)));
			}
		}

		@Override
		public void onOutcome(Retry retry, RetryOutcome outcome, int attempts) {
			if (outcome == RetryOutcome.BUDGET_EXHAUSTED) {
				emit(this.budgetExhausted);
			}
		}

	}

	private final class BulkheadEvents implements BulkheadListener {

		private final ResilienceObservationEvent rejected;

		BulkheadEvents(String name) {
			this.rejected = new ResilienceObservationEvent("resilience.bulkhead.rejected", "bulkhead", name);
		}

		@Override
		public void onCallRejected(String bulkheadName) {
			emit(this.rejected);
		}

	}

	private final class RateLimiterEvents implements RateLimiterListener {

		private final ResilienceObservationEvent rejected;

		private final ResilienceObservationEvent storeUnavailable;

		RateLimiterEvents(String name) {
			this.rejected = new ResilienceObservationEvent("resilience.ratelimiter.rejected", "ratelimiter", name);
			this.storeUnavailable = new ResilienceObservationEvent("resilience.ratelimiter.store_unavailable",
					"ratelimiter", name);
		}

		@Override
		public void onOutcome(RateLimiter rateLimiter, RateLimiterOutcome outcome) {
			if (outcome == RateLimiterOutcome.REJECTED) {
				emit(this.rejected);
			}
			else if (outcome == RateLimiterOutcome.STORE_UNAVAILABLE) {
				emit(this.storeUnavailable);
			}
		}

	}

	private final class TimeoutEvents implements TimeoutListener {

		private final ResilienceObservationEvent timedOut;

		TimeoutEvents(String name) {
			this.timedOut = new ResilienceObservationEvent("resilience.timeout.timed_out", "timeout", name);
		}

		@Override
		public void onOutcome(Timeout timeout, TimeoutOutcome outcome, long durationNanos) {
			if (outcome == TimeoutOutcome.TIMED_OUT) {
				emit(this.timedOut);
			}
		}

	}

	private final class HedgeEvents implements HedgeListener {

		private final String name;

		private final ResilienceObservationEvent budgetExhausted;

		HedgeEvents(String name) {
			this.name = name;
			this.budgetExhausted = new ResilienceObservationEvent("resilience.hedge.budget_exhausted", "hedge", name);
		}

		@Override
		public void onHedge(Hedge hedge, int attempt) {
			Observation observation = current();
			if (observation != null) {
				observation.event(new ResilienceObservationEvent("resilience.hedge", "hedge", this.name, "attempt",
						Integer.toString(attempt)));
			}
		}

		@Override
		public void onOutcome(Hedge hedge, HedgeOutcome outcome) {
			if (outcome == HedgeOutcome.BUDGET_EXHAUSTED) {
				emit(this.budgetExhausted);
			}
		}

	}

}
