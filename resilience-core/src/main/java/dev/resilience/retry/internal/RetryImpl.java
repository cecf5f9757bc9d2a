package dev.resilience.retry.internal;

import java.io.InterruptedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.retry.Retry;
import dev.resilience.retry.RetryConfig;
import dev.resilience.retry.RetryListener;
import dev.resilience.retry.RetryOutcome;

import static dev.resilience.internal.Requirements.requireArgument;
import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * The {@link Retry} implementation. Thread-safe; the synchronous path keeps its per-call state
 * (attempt number, previous delay) in locals so that a successful call allocates nothing, and the
 * asynchronous path keeps it in one {@link AsyncCall} per call. Counters are {@link LongAdder}s;
 * listeners live in a copy-on-write volatile array that is not iterated when empty.
 */
public final class RetryImpl implements Retry {

	private static final Logger logger = System.getLogger("dev.resilience.retry");

	private static final RetryListener[] NO_LISTENERS = {};

	private static final RetryOutcome[] OUTCOMES = RetryOutcome.values();

	/** Stands for the failure of a call its caller cancelled; only its class name is ever logged. */
	private static final Throwable CANCELLED = new CancellationException();

	/** Nesting of {@link CompletionException}s unwrapped before classifying, against cycles. */
	private static final int MAX_UNWRAP_DEPTH = 8;

	private static final VarHandle AWAITING_STAGE;

	static {
		try {
			AWAITING_STAGE = MethodHandles.lookup().findVarHandle(AsyncCall.class, "awaitingStage", boolean.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final String name;

	private final RetryConfig config;

	private final Scheduler scheduler;

	private final ContextPropagator propagator;

	private final int maxAttempts;

	private final Class<?>[] retryExceptions;

	private final Class<?>[] ignoreExceptions;

	private final BackoffCalculator backoff;

	/** {@code null} when the budget is disabled or no retry can ever happen. */
	private final RetryBudget budget;

	private final LongAdder[] outcomes = new LongAdder[OUTCOMES.length];

	private final LongAdder retryAttempts = new LongAdder();

	private final Metrics metrics = new RetryMetrics();

	private final ReentrantLock listenersLock = new ReentrantLock();

	private volatile RetryListener[] listeners = NO_LISTENERS;

	public RetryImpl(String name, RetryConfig config, Ticker ticker, Scheduler scheduler,
			ContextPropagator propagator) {
		requireNonNull(name, "name");
		requireArgument(!name.isBlank(), "Retry name must not be blank");
		this.name = name;
		this.config = requireNonNull(config, "config");
		requireNonNull(ticker, "ticker");
		this.scheduler = requireNonNull(scheduler, "scheduler");
		this.propagator = requireNonNull(propagator, "propagator");
		this.maxAttempts = config.getMaxAttempts();
		this.retryExceptions = config.getRetryExceptions().toArray(new Class<?>[0]);
		this.ignoreExceptions = config.getIgnoreExceptions().toArray(new Class<?>[0]);
		this.backoff = new BackoffCalculator(config);
		this.budget = (config.getBudget().isEnabled() && this.maxAttempts > 1)
				? new RetryBudget(config.getBudget(), ticker) : null;
		for (int i = 0; i < this.outcomes.length; i++) {
			this.outcomes[i] = new LongAdder();
		}
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public RetryConfig getConfig() {
		return this.config;
	}

	@Override
	public Metrics getMetrics() {
		return this.metrics;
	}

	@Override
	public void addListener(RetryListener listener) {
		requireNonNull(listener, "listener");
		this.listenersLock.lock();
		try {
			RetryListener[] current = this.listeners;
			RetryListener[] updated = Arrays.copyOf(current, current.length + 1);
			updated[current.length] = listener;
			this.listeners = updated;
		}
		finally {
			this.listenersLock.unlock();
		}
	}

	@Override
	public void removeListener(RetryListener listener) {
		this.listenersLock.lock();
		try {
			RetryListener[] current = this.listeners;
			for (int i = 0; i < current.length; i++) {
				if (current[i] == listener) {
					RetryListener[] updated = new RetryListener[current.length - 1];
					System.arraycopy(current, 0, updated, 0, i);
					System.arraycopy(current, i + 1, updated, i, current.length - i - 1);
					this.listeners = updated;
					return;
				}
			}
		}
		finally {
			this.listenersLock.unlock();
		}
	}

	@Override
	public <A, T> T execute(CheckedFunction<? super A, ? extends T> attempt, A argument) throws Throwable {
		Objects.requireNonNull(attempt, "attempt");
		RetryBudget budget = this.budget;
		if (budget != null) {
			budget.deposit();
		}
		long previousDelay = this.backoff.initialPreviousDelay();
		int attempts = 1;
		while (true) {
			T result;
			try {
				result = attempt.apply(argument);
			}
			catch (Throwable failure) {
				if (isInterruption(failure)) {
					// Whoever threw it has cleared the flag; the caller must still see it.
					Thread.currentThread().interrupt();
				}
				if (attempts >= this.maxAttempts || !isRetryable(failure) || Thread.currentThread().isInterrupted()) {
					recordFailure(attempts, failure);
					throw failure;
				}
				if (budget != null && !budget.tryWithdraw()) {
					recordBudgetExhausted(attempts, failure);
					throw failure;
				}
				long delay = this.backoff.delayNanos(attempts, previousDelay);
				previousDelay = delay;
				fireOnRetry(attempts + 1, failure, delay);
				try {
					this.scheduler.sleep(delay);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					recordFailure(attempts, failure);
					throw failure;
				}
				attempts++;
				this.retryAttempts.increment();
				continue;
			}
			recordSuccess(attempts);
			return result;
		}
	}

	@Override
	public <A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> attempt,
			A argument) {
		Objects.requireNonNull(attempt, "attempt");
		if (this.budget != null) {
			this.budget.deposit();
		}
		AsyncCall<A, T> call = new AsyncCall<>(attempt, argument);
		call.invoke();
		return call.result;
	}

	boolean isRetryable(Throwable failure) {
		Throwable cause = failure;
		for (int depth = 0; depth < MAX_UNWRAP_DEPTH
				&& (cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null; depth++) {
			cause = cause.getCause();
		}
		if (cause instanceof CallNotPermittedException || cause instanceof Error || isInterruption(cause)) {
			return false;
		}
		for (Class<?> ignored : this.ignoreExceptions) {
			if (ignored.isInstance(cause)) {
				return false;
			}
		}
		if (this.retryExceptions.length == 0) {
			return true;
		}
		for (Class<?> retried : this.retryExceptions) {
			if (retried.isInstance(cause)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether {@code failure} says the thread was interrupted. A {@link SocketTimeoutException} is an
	 * {@link InterruptedIOException} by inheritance only: it reports a timeout, not an interrupt,
	 * and stays retryable.
	 */
	private static boolean isInterruption(Throwable failure) {
		return failure instanceof InterruptedException
				|| (failure instanceof InterruptedIOException && !(failure instanceof SocketTimeoutException));
	}

	private void recordSuccess(int attempts) {
		recordOutcome((attempts == 1) ? RetryOutcome.SUCCESSFUL_WITHOUT_RETRY : RetryOutcome.SUCCESSFUL_WITH_RETRY,
				attempts);
	}

	private void recordFailure(int attempts, Throwable failure) {
		if (attempts == 1) {
			recordOutcome(RetryOutcome.FAILED_WITHOUT_RETRY, attempts);
			return;
		}
		if (logger.isLoggable(Level.DEBUG)) {
			logger.log(Level.DEBUG, "Retry ''{0}'' gave up after {1} attempts with {2}", this.name, attempts,
					failure.getClass().getName());
		}
		recordOutcome(RetryOutcome.FAILED_WITH_RETRY, attempts);
	}

	private void recordBudgetExhausted(int attempts, Throwable failure) {
		if (logger.isLoggable(Level.DEBUG)) {
			logger.log(Level.DEBUG, "Retry ''{0}'': retry budget exhausted, failing after {1} attempts with {2}",
					this.name, attempts, failure.getClass().getName());
		}
		recordOutcome(RetryOutcome.BUDGET_EXHAUSTED, attempts);
	}

	private void recordOutcome(RetryOutcome outcome, int attempts) {
		this.outcomes[outcome.ordinal()].increment();
		RetryListener[] listeners = this.listeners;
		for (RetryListener listener : listeners) {
			try {
				listener.onOutcome(this, outcome, attempts);
			}
			catch (Throwable ex) {
				listenerFailed(listener, ex);
			}
		}
	}

	private void fireOnRetry(int nextAttempt, Throwable failure, long delayNanos) {
		RetryListener[] listeners = this.listeners;
		for (RetryListener listener : listeners) {
			try {
				listener.onRetry(this, nextAttempt, failure, delayNanos);
			}
			catch (Throwable ex) {
				listenerFailed(listener, ex);
			}
		}
	}

	private void listenerFailed(RetryListener listener, Throwable ex) {
		if (ex instanceof VirtualMachineError error) {
			throw error;
		}
		logger.log(Level.WARNING, "RetryListener " + listener.getClass().getName() + " of Retry '" + this.name
				+ "' failed; the call goes on", ex);
	}

	private static Throwable unwrapCompletion(Throwable failure) {
		Throwable cause = failure;
		for (int depth = 0; depth < MAX_UNWRAP_DEPTH && cause instanceof CompletionException
				&& cause.getCause() != null; depth++) {
			cause = cause.getCause();
		}
		return cause;
	}

	@Override
	public String toString() {
		return "Retry[" + this.name + ", " + this.config + "]";
	}

	/**
	 * One asynchronous call. Only one attempt is ever outstanding, and each hand-off (to the
	 * attempt's stage, to the scheduler) happens after the state it needs is written, so one thread
	 * at a time owns the mutable fields; they are volatile because a custom stage or scheduler is
	 * not trusted to publish them.
	 */
	private final class AsyncCall<A, T> implements Runnable, BiConsumer<T, Throwable> {

		final CompletableFuture<T> result = new CompletableFuture<>();

		private final CheckedFunction<? super A, ? extends CompletionStage<T>> attempt;

		private final A argument;

		/** This call wrapped by the propagator on the caller's thread; runs each retry. */
		private final Runnable continuation;

		private volatile int attempts = 1;

		/**
		 * Set while a stage of this call is expected to report; cleared by the first report, so a
		 * stage that reports twice cannot start a second chain of retries.
		 */
		private volatile boolean awaitingStage;

		private volatile long previousDelay;

		/** Failure of the attempt a scheduled retry follows. */
		private volatile Throwable lastFailure;

		/** Set when the last attempt threw on a thread it left interrupted. */
		private volatile boolean interrupted;

		AsyncCall(CheckedFunction<? super A, ? extends CompletionStage<T>> attempt, A argument) {
			this.attempt = attempt;
			this.argument = argument;
			this.previousDelay = RetryImpl.this.backoff.initialPreviousDelay();
			if (RetryImpl.this.maxAttempts > 1) {
				Runnable wrapped = RetryImpl.this.propagator.wrap(this);
				this.continuation = () -> runNextAttempt(wrapped);
			}
			else {
				this.continuation = null;
			}
		}

		/**
		 * Runs the next attempt inside the caller's context. A context that cannot be restored
		 * ends the call with the last failure rather than leaving the caller's stage pending.
		 */
		private void runNextAttempt(Runnable wrapped) {
			int attempts = this.attempts;
			try {
				wrapped.run();
			}
			catch (Throwable broken) {
				if (this.attempts != attempts) {
					// Thrown after the attempt started: its own stage ends the call.
					throw broken;
				}
				Throwable cause = this.lastFailure;
				cause.addSuppressed(broken);
				recordFailure(attempts, cause);
				this.result.completeExceptionally(cause);
				if (broken instanceof VirtualMachineError error) {
					throw error;
				}
			}
		}

		void invoke() {
			CompletionStage<T> stage;
			try {
				stage = this.attempt.apply(this.argument);
				if (stage == null) {
					throw new NullPointerException(
							"Retry '" + RetryImpl.this.name + "': the attempt returned null instead of a CompletionStage");
				}
			}
			catch (Throwable failure) {
				if (isInterruption(failure)) {
					Thread.currentThread().interrupt();
				}
				// The attempt ran on this thread: an interrupt it left set stops the retries too.
				this.interrupted = Thread.currentThread().isInterrupted();
				onFailure(failure);
				return;
			}
			this.awaitingStage = true;
			try {
				stage.whenComplete(this);
			}
			catch (Throwable broken) {
				// A stage that cannot take a callback will never report: treat it as failed.
				if (AWAITING_STAGE.compareAndSet(this, true, false)) {
					onFailure(broken);
				}
			}
		}

		/** Completion of the current attempt's stage. */
		@Override
		public void accept(T value, Throwable failure) {
			if (!AWAITING_STAGE.compareAndSet(this, true, false)) {
				return;
			}
			try {
				if (failure == null) {
					recordSuccess(this.attempts);
					this.result.complete(value);
				}
				else {
					onFailure(failure);
				}
			}
			catch (Throwable unexpected) {
				// whenComplete would swallow it and leave the caller's stage pending forever.
				this.result.completeExceptionally(unexpected);
				if (unexpected instanceof VirtualMachineError error) {
					throw error;
				}
			}
		}

		/** The backoff has elapsed: run the next attempt. */
		@Override
		public void run() {
			if (this.result.isDone()) {
				// Cancelled by the caller while waiting: no further attempt.
				recordFailure(this.attempts, CANCELLED);
				return;
			}
			this.attempts++;
			RetryImpl.this.retryAttempts.increment();
			invoke();
		}

		private void onFailure(Throwable failure) {
			Throwable cause = unwrapCompletion(failure);
			int attempts = this.attempts;
			if (attempts >= RetryImpl.this.maxAttempts || !isRetryable(failure) || this.interrupted
					|| this.result.isDone()) {
				recordFailure(attempts, cause);
				this.result.completeExceptionally(cause);
				return;
			}
			RetryBudget budget = RetryImpl.this.budget;
			if (budget != null && !budget.tryWithdraw()) {
				recordBudgetExhausted(attempts, cause);
				this.result.completeExceptionally(cause);
				return;
			}
			long delay = RetryImpl.this.backoff.delayNanos(attempts, this.previousDelay);
			this.previousDelay = delay;
			fireOnRetry(attempts + 1, cause, delay);
			this.lastFailure = cause;
			try {
				RetryImpl.this.scheduler.schedule(this.continuation, delay);
			}
			catch (Throwable rejected) {
				cause.addSuppressed(rejected);
				recordFailure(attempts, cause);
				this.result.completeExceptionally(cause);
			}
		}

	}

	private final class RetryMetrics implements Metrics {

		@Override
		public long getNumberOfSuccessfulCallsWithoutRetryAttempt() {
			return count(RetryOutcome.SUCCESSFUL_WITHOUT_RETRY);
		}

		@Override
		public long getNumberOfSuccessfulCallsWithRetryAttempt() {
			return count(RetryOutcome.SUCCESSFUL_WITH_RETRY);
		}

		@Override
		public long getNumberOfFailedCallsWithRetryAttempt() {
			return count(RetryOutcome.FAILED_WITH_RETRY);
		}

		@Override
		public long getNumberOfFailedCallsWithoutRetryAttempt() {
			return count(RetryOutcome.FAILED_WITHOUT_RETRY);
		}

		@Override
		public long getNumberOfBudgetExhaustedCalls() {
			return count(RetryOutcome.BUDGET_EXHAUSTED);
		}

		@Override
		public long getNumberOfRetryAttempts() {
			return RetryImpl.this.retryAttempts.sum();
		}

		private long count(RetryOutcome outcome) {
			return RetryImpl.this.outcomes[outcome.ordinal()].sum();
		}

	}

}
