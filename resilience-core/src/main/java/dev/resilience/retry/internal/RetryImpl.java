package dev.resilience.retry.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.internal.ListenerList;
import dev.resilience.retry.ResultPredicate;
import dev.resilience.retry.Retry;
import dev.resilience.retry.RetryAfterReader;
import dev.resilience.retry.RetryConfig;
import dev.resilience.retry.RetryListener;
import dev.resilience.retry.RetryOutcome;

import static dev.resilience.internal.Requirements.requireArgument;
import static dev.resilience.internal.Requirements.requireNonNull;

// Over 300 lines: the synchronous loop, and the one decision after an attempt
// (afterAttempt) with the recording every path shares, belong together.
/**
 * The {@link Retry} implementation: the synchronous loop, and what both paths share (the
 * budget, the backoff, the classification of failures, the counters and the listeners).
 * Thread-safe; the synchronous path keeps its per-call state (attempt number, previous
 * delay) in locals so that a successful call allocates nothing, and the asynchronous path
 * keeps it in one {@link AsyncRetryCall} per call. Counters live in {@link RetryMetrics},
 * the retry rules in {@link RetryClassifier}, the waits in {@link BackoffCalculator}.
 */
public final class RetryImpl implements Retry {

	private static final Logger logger = System.getLogger("dev.resilience.retry");

	/**
	 * Non-capturing, and the attempt count travels as a {@code long}: firing allocates
	 * nothing.
	 */
	private static final ListenerList.LongEvent<RetryListener, Retry, RetryOutcome> ON_OUTCOME = (listener, retry,
			outcome, attempts) -> listener.onOutcome(retry, outcome, (int) attempts);

	private final String name;

	private final Ticker ticker;

	private final Scheduler scheduler;

	private final ContextPropagator propagator;

	/**
	 * What the configuration means, replaced whole by {@link #reconfigure}: a call reads
	 * it once when it starts and keeps it to its end.
	 */
	private volatile Tuning tuning;

	private final RetryMetrics metrics = new RetryMetrics();

	/** Serializes reconfigurations; never taken by a call. */
	private final ReentrantLock reconfiguring = new ReentrantLock();

	private final ListenerList<RetryListener> listeners;

	/**
	 * Made once per instance; fired on the retry path only, never on a successful first
	 * attempt.
	 */
	private final ListenerList.LongEvent<RetryListener, Integer, Throwable> onRetry = (listener, nextAttempt, failure,
			delayNanos) -> listener.onRetry(this, nextAttempt, failure, delayNanos);

	public RetryImpl(String name, RetryConfig config, Ticker ticker, Scheduler scheduler,
			ContextPropagator propagator) {
		requireNonNull(name, "name");
		requireArgument(!name.isBlank(), "Retry name must not be blank");
		this.name = name;
		requireNonNull(config, "config");
		this.ticker = requireNonNull(ticker, "ticker");
		this.scheduler = requireNonNull(scheduler, "scheduler");
		this.propagator = requireNonNull(propagator, "propagator");
		this.tuning = new Tuning(config, ticker, null);
		this.listeners = new ListenerList<>(logger, "Retry '" + name + "'");
	}

	/**
	 * Calls that start from now on use {@code config}; a call already running ends with
	 * the configuration it started with. The budget keeps what it counted when its
	 * settings are unchanged, and starts empty when they change.
	 */
	@Override
	public void reconfigure(RetryConfig config) {
		this.reconfiguring.lock();
		try {
			requireNonNull(config, "config");
			this.tuning = new Tuning(config, this.ticker, this.tuning);
		}
		finally {
			this.reconfiguring.unlock();
		}
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public RetryConfig getConfig() {
		return this.tuning.config;
	}

	@Override
	public Metrics getMetrics() {
		return this.metrics;
	}

	@Override
	public void addListener(RetryListener listener) {
		this.listeners.add(listener);
	}

	@Override
	public void removeListener(RetryListener listener) {
		this.listeners.remove(listener);
	}

	@Override
	public <A, T> T execute(CheckedFunction<? super A, ? extends T> attempt, A argument) throws Throwable {
		return execute(attempt, argument, null);
	}

	@Override
	public <A, T> T execute(CheckedFunction<? super A, ? extends T> attempt, A argument,
			ResultPredicate<? super A, ? super T> retryOnResult) throws Throwable {
		Objects.requireNonNull(attempt, "attempt");
		Tuning tuning = this.tuning;
		tuning.deposit();
		long previousDelay = tuning.backoff.initialPreviousDelay();
		int attempts = 1;
		while (true) {
			T result = null;
			Throwable failure = null;
			try {
				result = attempt.apply(argument);
			}
			catch (Throwable ex) {
				if (RetryClassifier.isInterruption(ex)) {
					// Whoever threw it has cleared the flag; the caller must still see
					// it.
					Thread.currentThread().interrupt();
				}
				failure = ex;
			}
			if (failure == null
					&& (retryOnResult == null || !retriesResult(retryOnResult, argument, result, attempts))) {
				recordSuccess(attempts);
				return result;
			}
			long delay = afterAttempt(tuning, attempts, previousDelay, failure, failure,
					Thread.currentThread().isInterrupted(), null);
			if (delay < 0) {
				return resultOrThrow(result, failure);
			}
			previousDelay = delay;
			try {
				this.scheduler.sleep(delay);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				recordFailure(attempts, failure);
				return resultOrThrow(result, failure);
			}
			attempts++;
			recordRetryAttempt();
		}
	}

	private static <T> T resultOrThrow(T result, Throwable failure) throws Throwable {
		if (failure != null) {
			throw failure;
		}
		return result;
	}

	/**
	 * Asks {@code predicate} about a result; what it throws ends the call as a failure.
	 */
	<A, T> boolean retriesResult(ResultPredicate<? super A, ? super T> predicate, A argument, T result, int attempts) {
		try {
			return predicate.shouldRetry(argument, result);
		}
		catch (RuntimeException | Error ex) {
			recordFailure(attempts, ex);
			throw ex;
		}
	}

	/**
	 * The one decision that follows an attempt that did not end the call: a failure, or
	 * (with {@code failure} {@code null}) a result its predicate asked to retry. Gives up
	 * when the call must stop, no attempt is left, the failure is not retryable, the wait
	 * the failure carries exceeds {@code max-wait-duration}, or the budget refuses the
	 * retry; otherwise tells the listeners of the retry.
	 * @param reported the failure as the caller is handed it ({@code null} for a result)
	 * @param ended claimed before an outcome is recorded, for a caller whose call can
	 * also end elsewhere (a cancel); {@code null} when this thread owns the call
	 * @return the wait before the next attempt in nanoseconds, or {@code -1} once the
	 * call's outcome is recorded and it is to end with the failure or the result
	 */
	long afterAttempt(Tuning tuning, int attempts, long previousDelay, Throwable failure, Throwable reported,
			boolean stop, AtomicBoolean ended) {
		if (stop || attempts >= tuning.maxAttempts || (failure != null && !tuning.classifier.isRetryable(failure))) {
			if (claim(ended)) {
				recordFailure(attempts, reported);
			}
			return -1;
		}
		long delay = tuning.backoff.delayNanos(attempts, previousDelay);
		if (failure != null && tuning.respectRetryAfter) {
			long cap = tuning.backoff.capNanos();
			long serverWait = ServerWait.nanos(failure, tuning.retryAfterReader, cap);
			if (serverWait > cap) {
				if (claim(ended)) {
					if (logger.isLoggable(Level.DEBUG)) {
						logger.log(Level.DEBUG,
								"Retry ''{0}'': the server asked for a wait beyond max-wait-duration, failing after {1} attempts with {2}",
								this.name, attempts, reported.getClass().getName());
					}
					recordFailure(attempts, reported);
				}
				return -1;
			}
			delay = Math.max(delay, serverWait);
		}
		if (!tuning.tryWithdraw()) {
			if (claim(ended)) {
				recordBudgetExhausted(attempts, reported);
			}
			return -1;
		}
		beforeRetry(attempts + 1, reported, delay);
		return delay;
	}

	private static boolean claim(AtomicBoolean ended) {
		return ended == null || ended.compareAndSet(false, true);
	}

	@Override
	public <A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> attempt,
			A argument) {
		Objects.requireNonNull(attempt, "attempt");
		Tuning tuning = this.tuning;
		tuning.deposit();
		AsyncRetryCall<A, T> call = new AsyncRetryCall<>(this, tuning, attempt, argument, null);
		call.invoke();
		return call.result;
	}

	@Override
	public <A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> attempt,
			A argument, ResultPredicate<? super A, ? super T> retryOnResult) {
		Objects.requireNonNull(attempt, "attempt");
		Tuning tuning = this.tuning;
		tuning.deposit();
		AsyncRetryCall<A, T> call = new AsyncRetryCall<>(this, tuning, attempt, argument, retryOnResult);
		call.invoke();
		return call.result;
	}

	@Override
	public AttemptContext begin() {
		Tuning tuning = this.tuning;
		tuning.deposit();
		return new CallerDrivenRetryCall(this, tuning);
	}

	@Override
	public <A> AttemptContext begin(A argument, ResultPredicate<? super A, Object> retryOnResult) {
		Tuning tuning = this.tuning;
		tuning.deposit();
		@SuppressWarnings("unchecked")
		ResultPredicate<Object, Object> predicate = (ResultPredicate<Object, Object>) retryOnResult;
		return CallerDrivenRetryCall.judgingResults(this, tuning, argument, predicate);
	}

	// What an AsyncRetryCall needs of the instance that runs it.

	Scheduler scheduler() {
		return this.scheduler;
	}

	Runnable propagate(Runnable task) {
		return this.propagator.wrap(task);
	}

	void recordRetryAttempt() {
		this.metrics.recordRetryAttempt();
	}

	/** A retry has been decided: tells the listeners before the wait. */
	void beforeRetry(int nextAttempt, Throwable failure, long delayNanos) {
		if (!this.listeners.isEmpty()) {
			this.listeners.fireWithLong(this.onRetry, nextAttempt, failure, delayNanos);
		}
	}

	void recordSuccess(int attempts) {
		recordOutcome((attempts == 1) ? RetryOutcome.SUCCESSFUL_WITHOUT_RETRY : RetryOutcome.SUCCESSFUL_WITH_RETRY,
				attempts);
	}

	void recordFailure(int attempts, Throwable failure) {
		if (attempts == 1) {
			recordOutcome(RetryOutcome.FAILED_WITHOUT_RETRY, attempts);
			return;
		}
		if (logger.isLoggable(Level.DEBUG)) {
			logger.log(Level.DEBUG, "Retry ''{0}'' gave up after {1} attempts with {2}", this.name, attempts,
					(failure != null) ? failure.getClass().getName() : "a result to retry");
		}
		recordOutcome(RetryOutcome.FAILED_WITH_RETRY, attempts);
	}

	void recordBudgetExhausted(int attempts, Throwable failure) {
		if (logger.isLoggable(Level.DEBUG)) {
			logger.log(Level.DEBUG, "Retry ''{0}'': retry budget exhausted, failing after {1} attempts with {2}",
					this.name, attempts, (failure != null) ? failure.getClass().getName() : "a result to retry");
		}
		recordOutcome(RetryOutcome.BUDGET_EXHAUSTED, attempts);
	}

	private void recordOutcome(RetryOutcome outcome, int attempts) {
		this.metrics.record(outcome);
		this.listeners.fireWithLong(ON_OUTCOME, this, outcome, attempts);
	}

	@Override
	public String toString() {
		return "Retry[" + this.name + ", " + this.tuning.config + "]";
	}

	/**
	 * One configuration worked out for the calls: the classifier, the backoff and the
	 * budget. Immutable, apart from the budget's own counts.
	 */
	static final class Tuning {

		final RetryConfig config;

		final int maxAttempts;

		final RetryClassifier classifier;

		final BackoffCalculator backoff;

		/** {@code null} when the budget is disabled or no retry can ever happen. */
		final RetryBudget budget;

		final boolean respectRetryAfter;

		final RetryAfterReader retryAfterReader;

		/**
		 * @param previous the tuning replaced, whose budget is kept when its settings are
		 * the same; {@code null} at creation
		 */
		Tuning(RetryConfig config, Ticker ticker, Tuning previous) {
			this.config = config;
			this.maxAttempts = config.getMaxAttempts();
			this.classifier = new RetryClassifier(config);
			this.backoff = new BackoffCalculator(config);
			this.budget = (config.getBudget().isEnabled() && this.maxAttempts > 1)
					? keptOrNewBudget(config.getBudget(), ticker, previous) : null;
			this.respectRetryAfter = config.isRespectRetryAfter();
			this.retryAfterReader = config.getRetryAfterReader();
		}

		private static RetryBudget keptOrNewBudget(RetryConfig.BudgetConfig budget, Ticker ticker, Tuning previous) {
			if (previous != null && previous.budget != null) {
				RetryConfig.BudgetConfig before = previous.config.getBudget();
				if (before.getRatio() == budget.getRatio()
						&& before.getMinRetriesPerSecond() == budget.getMinRetriesPerSecond()
						&& before.getWindow().equals(budget.getWindow())) {
					return previous.budget;
				}
			}
			return new RetryBudget(budget, ticker);
		}

		void deposit() {
			RetryBudget budget = this.budget;
			if (budget != null) {
				budget.deposit();
			}
		}

		/** Takes a token for one retry; always granted with the budget disabled. */
		boolean tryWithdraw() {
			RetryBudget budget = this.budget;
			return budget == null || budget.tryWithdraw();
		}

	}

}
