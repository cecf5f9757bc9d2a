package dev.resilience.hedge;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.hedge.internal.HedgeImpl;

import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * Hedges asynchronous calls: when a call's first attempt has not succeeded after the
 * delay, another attempt of the same call starts beside it, and so on up to
 * {@link HedgeConfig#getMaxHedgedAttempts()} hedged attempts, one delay apart. The first
 * attempt to succeed is the call's result; the others are cancelled
 * ({@code toCompletableFuture().cancel(true)} on their stages). A failed attempt never
 * sends a hedge: hedges go out on the timer only, and when every attempt sent so far has
 * failed, the call fails at once with the last failure (retrying failures is the job of a
 * retry, outside the hedge).
 * <p>
 * Every call deposits into the hedge budget and every hedge withdraws from it: a hedge is
 * sent only while hedges over the budget window stay at or below {@code ratio × calls}; a
 * refused hedge is counted as {@link HedgeOutcome#BUDGET_EXHAUSTED} and the call goes on
 * with its attempts. With a delay quantile, the delay is the larger of the configured one
 * and the quantile learned from the latencies of recent successful attempts.
 * <p>
 * Hedges run on the {@link Scheduler}'s thread, in the caller's context as the
 * {@link ContextPropagator} captured it. Cancelling the returned stage cancels every
 * attempt and the pending hedge; completing it yourself only stops you waiting. Only
 * asynchronous calls can be hedged: there is no synchronous {@code execute}.
 * <p>
 * Thread-safe.
 */
public interface Hedge {

	/** A hedge on the system ticker and scheduler, propagating no context. */
	static Hedge of(String name, HedgeConfig config) {
		return of(name, config, Ticker.system(), Scheduler.system(), ContextPropagator.NONE);
	}

	/**
	 * A hedge timing attempts on {@code ticker}, sending hedges from {@code scheduler} in
	 * the context {@code propagator} carries.
	 */
	static Hedge of(String name, HedgeConfig config, Ticker ticker, Scheduler scheduler, ContextPropagator propagator) {
		return new HedgeImpl(name, config, ticker, scheduler, propagator);
	}

	/** The instance name, carried by its metrics and listeners' events. */
	String getName();

	HedgeConfig getConfig();

	/**
	 * Runs {@code call.apply(argument)} once, and again for each hedge. Never throws: an
	 * attempt that throws, or returns {@code null}, is a failed attempt.
	 * @return the first successful attempt's result, or the last failure when every
	 * attempt failed
	 */
	<A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call, A argument);

	/** {@link #executeAsync} for a supplier of a stage. */
	default <T> CompletionStage<T> executeCompletionStage(Supplier<? extends CompletionStage<T>> supplier) {
		requireNonNull(supplier, "supplier");
		return executeAsync(Supplier::get, supplier);
	}

	/**
	 * How long a call starting now would wait before its first hedge: the delay, or the
	 * learned quantile when it is known and longer.
	 */
	Duration getCurrentDelay();

	/** Live counters; the same object on every call. */
	Metrics getMetrics();

	/** Adds a listener; adding one already registered does nothing. */
	void addListener(HedgeListener listener);

	/** Removes a listener; removing one not registered does nothing. */
	void removeListener(HedgeListener listener);

	/** Counters since the hedge was created. */
	interface Metrics {

		/** Calls whose first attempt succeeded first. */
		long getNumberOfPrimaryWonCalls();

		/** Calls a hedged attempt won. */
		long getNumberOfHedgeWonCalls();

		/** Calls whose every attempt failed. */
		long getNumberOfFailedCalls();

		/** Hedges the budget refused (at most one per call). */
		long getNumberOfBudgetExhaustedCalls();

		/** Hedged attempts sent. */
		long getNumberOfHedgedAttempts();

	}

}
