package dev.resilience.circuitbreaker;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import dev.resilience.CheckedFunction;
import dev.resilience.Policy;
import dev.resilience.Ticker;
import dev.resilience.circuitbreaker.internal.CircuitBreakerStateMachine;

/**
 * A named circuit breaker: it counts the outcomes of the calls it protects in a sliding
 * window and stops calling a failing dependency for a while.
 * <p>
 * States: {@link State#CLOSED} permits calls and opens when, with at least
 * {@code minimum-number-of-calls} in the window, the failure rate or the slow-call rate
 * reaches its threshold, or after {@code consecutive-failure-threshold} failures in a
 * row. {@link State#OPEN} refuses calls; once {@code wait-duration-in-open-state} has
 * passed (checked when a permission is asked for and when the state is read) it becomes
 * {@link State#HALF_OPEN}, which permits exactly
 * {@code permitted-number-of-calls-in-half-open-state} trial calls, refuses the others,
 * and once every trial call is recorded closes or reopens by the same thresholds over the
 * trial calls; with a {@code max-wait-duration-in-half-open-state}, it reopens when its
 * trial calls have not all ended that long after it became half-open.
 * {@link State#FORCED_OPEN} refuses and {@link State#DISABLED} permits every call until a
 * manual transition; neither records anything. Every transition starts a fresh window.
 * <p>
 * Thread-safe. Asking for a permission in {@code CLOSED} takes no lock; recording an
 * outcome holds the window's lock for a few writes, so that the window is linearizable;
 * neither allocates. State changes are compare-and-set, and the one thread that wins a
 * transition notifies the listeners of it, once.
 * <p>
 * A breaker records each call in the state that admitted it. {@link #execute},
 * {@link #executeAsync} and a {@link Permission} from {@link #tryAdmit()} tie a call to
 * that state: a call admitted while closed that ends after the breaker opened is not
 * counted as a trial call, nor in the window of a later closed state (that of its own
 * closed state is gone); a trial call that ends after its half-open state was left counts
 * nowhere, and gives its permit back only to the half-open state that handed it out. Only
 * the token-less {@link #tryAcquirePermission()} with {@link #onSuccess},
 * {@link #onError} and {@link #releasePermission()} cannot tell: they act on the state
 * current when they are called, so they suit calls that cannot outlive a transition.
 */
public interface CircuitBreaker extends Policy {

	/** A breaker timed by the JVM's monotonic clock. */
	static CircuitBreaker of(String name, CircuitBreakerConfig config) {
		return of(name, config, Ticker.system());
	}

	/**
	 * A breaker that reads every time (call durations, open wait, window buckets) from
	 * {@code ticker}.
	 */
	static CircuitBreaker of(String name, CircuitBreakerConfig config, Ticker ticker) {
		return new CircuitBreakerStateMachine(name, config, ticker);
	}

	String getName();

	CircuitBreakerConfig getConfig();

	/**
	 * The current state. Reading it turns an {@code OPEN} breaker whose wait has elapsed
	 * into {@code HALF_OPEN}, so observers see the state a call would meet.
	 */
	State getState();

	/**
	 * Live view of the current state's window; the same object for the breaker's
	 * lifetime.
	 */
	Metrics getMetrics();

	/**
	 * Asks for a permission to call, without allocating. A refusal is counted in
	 * {@link Metrics#getNumberOfNotPermittedCalls()} and reported to listeners as
	 * {@link CallOutcome#NOT_PERMITTED}. A granted permission must be followed by
	 * {@link #onSuccess}, {@link #onError} or {@link #releasePermission()}.
	 * @return whether the call may go ahead
	 */
	boolean tryAcquirePermission();

	/**
	 * Like {@link #tryAcquirePermission()}, but throws on refusal.
	 * @throws CallNotPermittedException naming the breaker and its state when the call is
	 * refused
	 */
	void acquirePermission();

	/**
	 * Asks for a permission tied to the state that grants it: the outcome reported to it
	 * is recorded in that state, or dropped if the breaker has left it. A refusal is
	 * counted as with {@link #tryAcquirePermission()}. In {@code CLOSED} it allocates
	 * nothing.
	 * @return the permission, to be ended once with {@link Permission#onSuccess},
	 * {@link Permission#onError} or {@link Permission#release()}; {@code null} when
	 * refused
	 */
	Permission tryAdmit();

	/**
	 * Gives back a permission whose call never ran, so that a {@code HALF_OPEN} trial
	 * slot does not leak. Records nothing.
	 */
	void releasePermission();

	/** Records a call that returned normally after {@code durationNanos}. */
	void onSuccess(long durationNanos);

	/**
	 * Records a call that threw {@code error} after {@code durationNanos}. A
	 * {@link CompletionException} or {@link ExecutionException} is unwrapped to its cause
	 * before being matched against {@code ignore-exceptions} (which win) and
	 * {@code record-exceptions} (empty means all). An ignored exception counts as neither
	 * success nor failure and gives the permission back; an exception outside a non-empty
	 * record list counts as a success.
	 */
	void onError(long durationNanos, Throwable error);

	/**
	 * Runs {@code call.apply(argument)} if permitted, timing it with the ticker and
	 * recording its outcome. Exceptions of the call are rethrown as they are.
	 * @throws CallNotPermittedException when the breaker refuses the call
	 */
	<A, T> T execute(CheckedFunction<? super A, ? extends T> call, A argument) throws Throwable;

	/**
	 * Runs an asynchronous call if permitted; its outcome is recorded when the returned
	 * stage completes, before dependants of the returned stage run. Never throws: a
	 * refusal ({@link CallNotPermittedException}), an exception thrown by {@code call}
	 * itself, or a {@code null} stage (a {@link NullPointerException}, recorded as a
	 * failure) give a failed stage.
	 */
	<A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call, A argument);

	/** Moves to {@code CLOSED} with a fresh window; does nothing when already closed. */
	void transitionToClosedState();

	/** Moves to {@code OPEN}, starting the wait; does nothing when already open. */
	void transitionToOpenState();

	/**
	 * Moves to {@code HALF_OPEN} with all trial permits; does nothing when already
	 * half-open.
	 */
	void transitionToHalfOpenState();

	/** Moves to {@code FORCED_OPEN}; does nothing when already forced open. */
	void transitionToForcedOpenState();

	/** Moves to {@code DISABLED}; does nothing when already disabled. */
	void transitionToDisabledState();

	/**
	 * Returns to {@code CLOSED} with an empty window and a zero not-permitted count,
	 * whatever the current state. Listeners hear of it only when the state changes.
	 */
	void reset();

	/**
	 * Makes {@code config} this breaker's configuration for its next calls, in place: the
	 * same object, with its listeners, keeps its state. A closed breaker keeps the calls
	 * counted in its window when the window's type and size are unchanged and judges them
	 * by the new thresholds from the next recorded call; with another window type or size
	 * it stays closed with an empty window of the new shape. An open breaker waits the
	 * new wait duration, counted from when it opened. A half-open breaker ends its trial
	 * by the configuration it entered half-open with. The not-permitted count is kept.
	 * @throws IllegalArgumentException when {@code config} is {@code null} or changes the
	 * adaptive slow-call settings, which a running breaker cannot take; nothing is
	 * changed then
	 * @throws UnsupportedOperationException when this implementation cannot be
	 * reconfigured
	 */
	default void reconfigure(CircuitBreakerConfig config) {
		throw new UnsupportedOperationException("circuit breaker '" + getName() + "' cannot be reconfigured");
	}

	/** Adds a listener; adding one already registered does nothing. */
	void addListener(CircuitBreakerListener listener);

	/** Removes a listener; removing one not registered does nothing. */
	void removeListener(CircuitBreakerListener listener);

	/**
	 * A call admitted by one state of a breaker, from {@link CircuitBreaker#tryAdmit()}.
	 * Its methods classify like the breaker's own {@link CircuitBreaker#onSuccess} and
	 * {@link CircuitBreaker#onError}. A trial permit of a half-open breaker ends at its
	 * first outcome or release; later ones are ignored. Thread-safe.
	 */
	interface Permission {

		/** Records a call that returned normally after {@code durationNanos}. */
		void onSuccess(long durationNanos);

		/** Records a call that threw {@code error} after {@code durationNanos}. */
		void onError(long durationNanos, Throwable error);

		/** Gives the permission back without recording anything: the call never ran. */
		void release();

	}

	/** States of a breaker. */
	enum State {

		/** Permits calls and records their outcomes. */
		CLOSED,

		/** Refuses calls until the wait duration has elapsed. */
		OPEN,

		/** Permits a fixed number of trial calls, then closes or reopens. */
		HALF_OPEN,

		/** Refuses every call until a manual transition. */
		FORCED_OPEN,

		/** Permits every call and records nothing until a manual transition. */
		DISABLED

	}

	/**
	 * Live counts of the current state's window. In {@code OPEN} it shows the window that
	 * opened the breaker (frozen, since nothing is recorded while open); in
	 * {@code FORCED_OPEN} and {@code DISABLED} it is empty. Each getter reads the window
	 * once; two getters called in turn under load may see different moments. Thread-safe.
	 */
	interface Metrics {

		/**
		 * Failed calls in percent of the buffered calls, or {@code -1} while fewer than
		 * the minimum number of calls (the number of trial calls in {@code HALF_OPEN})
		 * are buffered.
		 */
		float getFailureRate();

		/**
		 * Slow calls in percent of the buffered calls, or {@code -1} like
		 * {@link #getFailureRate()}.
		 */
		float getSlowCallRate();

		/** Calls in the window, ignored calls excluded. */
		int getNumberOfBufferedCalls();

		/** Failed calls in the window, slow or not. */
		int getNumberOfFailedCalls();

		/** Slow calls in the window, failed or not. */
		int getNumberOfSlowCalls();

		/** Calls in the window that did not fail, slow or not. */
		int getNumberOfSuccessfulCalls();

		/**
		 * Calls refused since the breaker was created or last
		 * {@link CircuitBreaker#reset() reset}.
		 */
		long getNumberOfNotPermittedCalls();

		/**
		 * The learned slow-call threshold in nanoseconds (see
		 * {@link CircuitBreakerConfig#isAdaptiveSlowCallEnabled()}): the larger of the
		 * minimum threshold and the factor times the learned quantile of normal
		 * latencies. {@code -1} when adaptive slow calls are off, and until enough normal
		 * latencies were learned (then only the fixed threshold applies). Unlike the
		 * counts, it belongs to the breaker, not to the current state's window.
		 */
		default long getAdaptiveSlowCallThresholdNanos() {
			return -1;
		}

		/**
		 * Calls that ended with {@code outcome} since the breaker was created, in every
		 * state (trial calls, calls of a disabled breaker and calls that ended after
		 * their state was left included); for {@link CallOutcome#NOT_PERMITTED} the calls
		 * refused. Unlike the window's counts it only grows: neither a transition nor
		 * {@link CircuitBreaker#reset()} clears it, so it can back a monotonic counter.
		 * @param outcome how the calls ended
		 * @return the number of such calls
		 */
		long getTotalNumberOfCalls(CallOutcome outcome);

		/**
		 * The summed duration, in nanoseconds of the breaker's ticker, of the calls
		 * counted by {@link #getTotalNumberOfCalls(CallOutcome)}; {@code 0} for
		 * {@link CallOutcome#NOT_PERMITTED}, whose calls did not run.
		 * @param outcome how the calls ended
		 * @return their summed duration in nanoseconds
		 */
		long getTotalDurationNanos(CallOutcome outcome);

	}

}
