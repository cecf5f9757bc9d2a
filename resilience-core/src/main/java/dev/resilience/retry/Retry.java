package dev.resilience.retry;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.Policy;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.retry.internal.RetryImpl;

/**
 * A named retry policy: runs an attempt, and after a retryable failure waits a backoff
 * and runs it again, up to {@link RetryConfig#getMaxAttempts()} attempts in all.
 * <p>
 * A failure is retried when it is an instance of one of the
 * {@linkplain RetryConfig#getRetryExceptions() retry exceptions} (or that list is empty),
 * is not an instance of any {@linkplain RetryConfig#getIgnoreExceptions() ignored
 * exception}, and is none of what is never retried, whatever the lists say: a
 * {@link CallNotPermittedException}, an {@link Error}, and an interruption (an
 * {@link InterruptedException}, or an {@link java.io.InterruptedIOException} other than a
 * {@link java.net.SocketTimeoutException}, which reports a timeout). A
 * {@link CompletionException} or {@link ExecutionException} is classified by its cause. A
 * synchronous attempt that fails on a thread whose interrupt flag is set is not retried
 * either, even with a zero backoff; the call stops at once and the thread stays
 * interrupted (the flag is set again after an interruption exception).
 * <p>
 * With the {@linkplain RetryConfig#getBudget() retry budget} enabled, every call made
 * through this instance deposits into one shared budget and every retry withdraws from
 * it; a retry the budget refuses is not made, the call fails with the last failure and
 * ends as {@link RetryOutcome#BUDGET_EXHAUSTED}.
 * <p>
 * Thread-safe: one instance serves any number of concurrent calls. A successful
 * synchronous call allocates nothing in the policy. Synchronous calls wait with
 * {@link Scheduler#sleep(long)}; asynchronous calls never block a thread: each retry is
 * handed to {@link Scheduler#schedule(Runnable, long)} as a task wrapped once per call,
 * on the caller's thread, by the {@link ContextPropagator} (so the wrapped task may run
 * several times, once per retry).
 */
public interface Retry extends Policy {

	/**
	 * A retry on the system ticker and scheduler, propagating no context.
	 */
	static Retry of(String name, RetryConfig config) {
		return of(name, config, Ticker.system(), Scheduler.system(), ContextPropagator.NONE);
	}

	/**
	 * A retry taking time from {@code ticker} (for the budget's window), waiting through
	 * {@code scheduler}, and carrying the caller's context to asynchronous retries with
	 * {@code propagator}.
	 */
	static Retry of(String name, RetryConfig config, Ticker ticker, Scheduler scheduler, ContextPropagator propagator) {
		return new RetryImpl(name, config, ticker, scheduler, propagator);
	}

	String getName();

	RetryConfig getConfig();

	/**
	 * Makes {@code config} this retry's configuration for the calls that start from now
	 * on, in place: the same object, with its listeners and counters. A call already
	 * running ends with the configuration it started with. The retry budget keeps what it
	 * counted when its settings are unchanged.
	 * @throws NullPointerException when {@code config} is {@code null}
	 * @throws UnsupportedOperationException when this implementation cannot be
	 * reconfigured
	 */
	default void reconfigure(RetryConfig config) {
		throw new UnsupportedOperationException("retry '" + getName() + "' cannot be reconfigured");
	}

	Metrics getMetrics();

	/**
	 * Adds a listener, called after those added before it. Adding one that is already
	 * registered (the same object) does nothing: a listener hears each event once.
	 */
	void addListener(RetryListener listener);

	/** Removes {@code listener}; a no-op if it is not registered. */
	void removeListener(RetryListener listener);

	/**
	 * Runs {@code attempt.apply(argument)} once per attempt on the calling thread.
	 * @return the result of the first successful attempt
	 * @throws Throwable the last failure, as the attempt threw it, once the call gives
	 * up. If the thread is interrupted, during an attempt or while waiting for a retry,
	 * no further attempt is made, its interrupt flag is set again and the last failure is
	 * thrown.
	 */
	<A, T> T execute(CheckedFunction<? super A, ? extends T> attempt, A argument) throws Throwable;

	/**
	 * Runs {@code attempt.apply(argument)} once per attempt without ever blocking: the
	 * first attempt runs on the calling thread, retries on the scheduler after their
	 * backoff. An attempt that throws or returns {@code null} instead of a stage is a
	 * failed attempt.
	 * @return a stage completed once: with the first successful result, or with the last
	 * failure (unwrapped from a {@link CompletionException}). Cancelling it stops further
	 * retries.
	 */
	<A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> attempt,
			A argument);

	/**
	 * Like {@link #execute(CheckedFunction, Object)}, and a result for which
	 * {@code retryOnResult} answers {@code true} is retried as a failure would be; once
	 * no retry is left, that last result is returned (see {@link ResultPredicate}).
	 */
	<A, T> T execute(CheckedFunction<? super A, ? extends T> attempt, A argument,
			ResultPredicate<? super A, ? super T> retryOnResult) throws Throwable;

	/**
	 * Like {@link #executeAsync(CheckedFunction, Object)}, and a stage's value for which
	 * {@code retryOnResult} answers {@code true} is retried as a failure would be; once
	 * no retry is left, the returned stage completes with that last value.
	 */
	<A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> attempt, A argument,
			ResultPredicate<? super A, ? super T> retryOnResult);

	/**
	 * Starts a call whose attempts the caller runs itself, such as a reactive operator
	 * that re-subscribes: the retry decides, counts and tells its listeners exactly as
	 * {@link #executeAsync} does, and the caller runs each attempt and waits for each
	 * delay (without blocking a thread). Deposits into the retry budget like any call.
	 * @return the state of this one call; not to be shared between calls
	 */
	AttemptContext begin();

	/**
	 * Like {@link #begin()}, for a call whose results are judged by
	 * {@code retryOnResult}, asked with {@code argument}: report each result to
	 * {@link AttemptContext#onResult(Object)}.
	 */
	<A> AttemptContext begin(A argument, ResultPredicate<? super A, Object> retryOnResult);

	/**
	 * One call driven by its caller, from {@link #begin()}: report each attempt's failure
	 * to {@link #onError}, start the next attempt after the delay it returns with
	 * {@link #onRetry()}, and end the call with {@link #onSuccess()}, with the failure
	 * {@code onError} gave up on, or with {@link #onCancel()}. Each call ends in exactly
	 * one outcome; reports after the end are ignored. Thread-safe as long as one attempt
	 * at a time is outstanding.
	 */
	interface AttemptContext {

		/** The current attempt succeeded: records the call's outcome. */
		void onSuccess();

		/**
		 * The current attempt failed with {@code failure}.
		 * @return the delay in nanoseconds before the next attempt ({@code >= 0}; the
		 * listeners have heard of the retry), or {@code -1} when the call gives up (not
		 * retryable, attempts or budget exhausted): its outcome is then recorded and the
		 * caller ends with {@code failure}
		 */
		long onError(Throwable failure);

		/**
		 * The current attempt produced {@code result} (a reactive attempt that completes
		 * empty reports {@code null}). Without a result predicate this is
		 * {@link #onSuccess()}.
		 * @return {@code -1} when the call ends with this result (its outcome is
		 * recorded: a success, or a failed call when the predicate asked for a retry that
		 * attempts or budget did not allow), else the delay in nanoseconds before the
		 * next attempt, as {@link #onError} returns it
		 * @throws RuntimeException what the predicate threw; the call is then recorded as
		 * failed and is to end with it
		 */
		long onResult(Object result);

		/** The delay has elapsed and the next attempt starts: counts the retry. */
		void onRetry();

		/**
		 * The caller stopped waiting (a cancelled subscription): no further attempt, and
		 * a call not yet ended is recorded as failed, as {@link #executeAsync} records a
		 * call cancelled during its backoff.
		 */
		void onCancel();

	}

	/**
	 * Counters since this retry was created, one per {@link RetryOutcome} plus the
	 * retries made. Each call ends in exactly one outcome counter; reads are cheap and
	 * never block calls.
	 */
	interface Metrics {

		long getNumberOfSuccessfulCallsWithoutRetryAttempt();

		long getNumberOfSuccessfulCallsWithRetryAttempt();

		long getNumberOfFailedCallsWithRetryAttempt();

		long getNumberOfFailedCallsWithoutRetryAttempt();

		long getNumberOfBudgetExhaustedCalls();

		/** Retries made, first attempts not included. */
		long getNumberOfRetryAttempts();

	}

}
