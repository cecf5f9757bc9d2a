package dev.resilience.retry.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.resilience.internal.Failures;
import dev.resilience.retry.ResultPredicate;
import dev.resilience.retry.Retry;

/**
 * One call through a {@link RetryImpl} whose attempts its caller runs (a reactive
 * operator re-subscribing), from {@link Retry#begin()}. Decides and records exactly as
 * {@link AsyncRetryCall} does; the caller owns the attempts and the waits. One attempt is
 * outstanding at a time, and each report happens after the previous one, so the fields
 * are only volatile for callers that report from different threads.
 */
class CallerDrivenRetryCall implements Retry.AttemptContext {

	/**
	 * Stands for the failure of a call its caller cancelled; only its class name is ever
	 * logged.
	 */
	private static final Throwable CANCELLED = new CancellationException();

	private final RetryImpl retry;

	/** The configuration this call started with, kept to its end. */
	private final RetryImpl.Tuning tuning;

	private final AtomicBoolean ended = new AtomicBoolean();

	private volatile int attempts = 1;

	private volatile long previousDelay;

	CallerDrivenRetryCall(RetryImpl retry, RetryImpl.Tuning tuning) {
		this.retry = retry;
		this.tuning = tuning;
		this.previousDelay = tuning.backoff.initialPreviousDelay();
	}

	/**
	 * A call whose results its predicate judges; a subclass, so that a call without one
	 * carries no field for it.
	 */
	static CallerDrivenRetryCall judgingResults(RetryImpl retry, RetryImpl.Tuning tuning, Object argument,
			ResultPredicate<Object, Object> retryOnResult) {
		return new JudgingResults(retry, tuning, argument, retryOnResult);
	}

	@Override
	public void onSuccess() {
		if (this.ended.compareAndSet(false, true)) {
			this.retry.recordSuccess(this.attempts);
		}
	}

	@Override
	public long onError(Throwable failure) {
		if (this.ended.get()) {
			return -1;
		}
		return next(failure, Failures.unwrapCompletion(failure));
	}

	@Override
	public long onResult(Object result) {
		onSuccess();
		return -1;
	}

	/** Whether the call has ended. */
	final boolean ended() {
		return this.ended.get();
	}

	/** The predicate threw: the call ends as failed with that exception. */
	final void failedJudging(Throwable failure) {
		if (this.ended.compareAndSet(false, true)) {
			this.retry.recordFailure(this.attempts, failure);
		}
	}

	/** A result to retry: the same decision as after a failure. */
	final long retryResult() {
		return next(null, null);
	}

	private long next(Throwable failure, Throwable cause) {
		long delay = this.retry.afterAttempt(this.tuning, this.attempts, this.previousDelay, failure, cause, false,
				this.ended);
		if (delay >= 0) {
			this.previousDelay = delay;
		}
		return delay;
	}

	@Override
	public void onRetry() {
		if (!this.ended.get()) {
			this.attempts++;
			this.retry.recordRetryAttempt();
		}
	}

	@Override
	public void onCancel() {
		if (this.ended.compareAndSet(false, true)) {
			this.retry.recordFailure(this.attempts, CANCELLED);
		}
	}

	private static final class JudgingResults extends CallerDrivenRetryCall {

		private final Object argument;

		private final ResultPredicate<Object, Object> retryOnResult;

		JudgingResults(RetryImpl retry, RetryImpl.Tuning tuning, Object argument,
				ResultPredicate<Object, Object> retryOnResult) {
			super(retry, tuning);
			this.argument = argument;
			this.retryOnResult = retryOnResult;
		}

		@Override
		public long onResult(Object result) {
			if (ended()) {
				return -1;
			}
			boolean retried;
			try {
				retried = this.retryOnResult.shouldRetry(this.argument, result);
			}
			catch (RuntimeException | Error ex) {
				failedJudging(ex);
				throw ex;
			}
			if (!retried) {
				onSuccess();
				return -1;
			}
			return retryResult();
		}

	}

}
