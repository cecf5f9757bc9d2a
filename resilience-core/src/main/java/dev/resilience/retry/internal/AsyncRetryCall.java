package dev.resilience.retry.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

import dev.resilience.CheckedFunction;
import dev.resilience.internal.Failures;
import dev.resilience.retry.ResultPredicate;

/**
 * One asynchronous call through a {@link RetryImpl}. Only one attempt is ever
 * outstanding, and each hand-off (to the attempt's stage, to the scheduler) happens after
 * the state it needs is written, so one thread at a time owns the mutable fields; they
 * are volatile because a custom stage or scheduler is not trusted to publish them.
 * Cancelling {@link #result} stops further retries.
 *
 * @param <A> the attempt's argument
 * @param <T> the call's result
 */
final class AsyncRetryCall<A, T> implements Runnable, BiConsumer<T, Throwable> {

	/**
	 * Stands for the failure of a call its caller cancelled; only its class name is ever
	 * logged.
	 */
	private static final Throwable CANCELLED = new CancellationException();

	private static final VarHandle AWAITING_STAGE;

	static {
		try {
			AWAITING_STAGE = MethodHandles.lookup().findVarHandle(AsyncRetryCall.class, "awaitingStage", boolean.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	final CompletableFuture<T> result = new CompletableFuture<>();

	private final RetryImpl retry;

	/** The configuration this call started with, kept to its end. */
	private final RetryImpl.Tuning tuning;

	private final CheckedFunction<? super A, ? extends CompletionStage<T>> attempt;

	private final A argument;

	/** Asks whether a result is retried; {@code null} when no result is. */
	private final ResultPredicate<? super A, ? super T> retryOnResult;

	/** This call wrapped by the propagator on the caller's thread; runs each retry. */
	private final Runnable continuation;

	private volatile int attempts = 1;

	/**
	 * Set while a stage of this call is expected to report; cleared by the first report,
	 * so a stage that reports twice cannot start a second chain of retries.
	 */
	private volatile boolean awaitingStage;

	private volatile long previousDelay;

	/**
	 * Failure of the attempt a scheduled retry follows; {@code null} when it follows a
	 * result. (No field keeps that result: with the predicate, one field more would make
	 * every call's object larger.)
	 */
	private volatile Throwable lastFailure;

	/** Set when the last attempt threw on a thread it left interrupted. */
	private volatile boolean interrupted;

	AsyncRetryCall(RetryImpl retry, RetryImpl.Tuning tuning,
			CheckedFunction<? super A, ? extends CompletionStage<T>> attempt, A argument,
			ResultPredicate<? super A, ? super T> retryOnResult) {
		this.retry = retry;
		this.tuning = tuning;
		this.attempt = attempt;
		this.argument = argument;
		this.retryOnResult = retryOnResult;
		this.previousDelay = tuning.backoff.initialPreviousDelay();
		if (tuning.maxAttempts > 1) {
			Runnable wrapped = retry.propagate(this);
			this.continuation = () -> runNextAttempt(wrapped);
		}
		else {
			this.continuation = null;
		}
	}

	/**
	 * Runs the next attempt inside the caller's context. A context that cannot be
	 * restored ends the call with the last failure rather than leaving the caller's stage
	 * pending.
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
			if (cause != null) {
				cause.addSuppressed(broken);
			}
			this.retry.recordFailure(attempts, cause);
			this.result.completeExceptionally((cause != null) ? cause : broken);
			Failures.rethrowIfFatal(broken);
		}
	}

	/**
	 * Runs the current attempt on this thread and waits for its stage without blocking.
	 */
	void invoke() {
		CompletionStage<T> stage;
		try {
			stage = this.attempt.apply(this.argument);
			if (stage == null) {
				throw new NullPointerException(
						"Retry '" + this.retry.getName() + "': the attempt returned null instead of a CompletionStage");
			}
		}
		catch (Throwable failure) {
			if (RetryClassifier.isInterruption(failure)) {
				Thread.currentThread().interrupt();
			}
			// The attempt ran on this thread: an interrupt it left set stops the retries
			// too.
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
				ResultPredicate<? super A, ? super T> predicate = this.retryOnResult;
				if (predicate != null && this.retry.retriesResult(predicate, this.argument, value, this.attempts)) {
					onRetryableResult(value);
					return;
				}
				this.retry.recordSuccess(this.attempts);
				this.result.complete(value);
			}
			else {
				onFailure(failure);
			}
		}
		catch (Throwable unexpected) {
			// whenComplete would swallow it and leave the caller's stage pending forever.
			this.result.completeExceptionally(unexpected);
			Failures.rethrowIfFatal(unexpected);
		}
	}

	/** The backoff has elapsed: run the next attempt. */
	@Override
	public void run() {
		if (this.result.isDone()) {
			// Cancelled by the caller while waiting: no further attempt.
			this.retry.recordFailure(this.attempts, CANCELLED);
			return;
		}
		this.attempts++;
		this.retry.recordRetryAttempt();
		invoke();
	}

	private void onFailure(Throwable failure) {
		Throwable cause = Failures.unwrapCompletion(failure);
		long delay = this.retry.afterAttempt(this.tuning, this.attempts, this.previousDelay, failure, cause,
				this.interrupted || this.result.isDone(), null);
		if (delay < 0) {
			this.result.completeExceptionally(cause);
			return;
		}
		this.lastFailure = cause;
		schedule(delay, null);
	}

	private void onRetryableResult(T value) {
		long delay = this.retry.afterAttempt(this.tuning, this.attempts, this.previousDelay, null, null,
				this.result.isDone(), null);
		if (delay < 0) {
			this.result.complete(value);
			return;
		}
		this.lastFailure = null;
		schedule(delay, value);
	}

	/**
	 * Schedules the next attempt.
	 * @param value the result being retried, when no failure is
	 */
	private void schedule(long delay, T value) {
		this.previousDelay = delay;
		try {
			this.retry.scheduler().schedule(this.continuation, delay);
		}
		catch (Throwable rejected) {
			Throwable cause = this.lastFailure;
			this.retry.recordFailure(this.attempts, cause);
			if (cause != null) {
				cause.addSuppressed(rejected);
				this.result.completeExceptionally(cause);
			}
			else {
				this.result.complete(value);
			}
		}
	}

}
