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
final class CallerDrivenRetryCall implements Retry.AttemptContext {

	/**
	 * Stands for the failure of a call its caller cancelled; only its class name is ever
	 * logged.
	 */
	private static final Throwable CANCELLED = new CancellationException();

	private final RetryImpl retry;

	private final AtomicBoolean ended = new AtomicBoolean();

	private volatile int attempts = 1;

	private volatile long previousDelay;

	private final Object argument;

	/** Asks whether a result is retried; {@code null} when no result is. */
	private final ResultPredicate<Object, Object> retryOnResult;

	CallerDrivenRetryCall(RetryImpl retry, Object argument, ResultPredicate<Object, Object> retryOnResult) {
		this.retry = retry;
		this.argument = argument;
		this.retryOnResult = retryOnResult;
		this.previousDelay = retry.backoff().initialPreviousDelay();
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
		ResultPredicate<Object, Object> predicate = this.retryOnResult;
		if (predicate == null || this.ended.get()) {
			onSuccess();
			return -1;
		}
		boolean retried;
		try {
			retried = predicate.shouldRetry(this.argument, result);
		}
		catch (RuntimeException | Error ex) {
			if (this.ended.compareAndSet(false, true)) {
				this.retry.recordFailure(this.attempts, ex);
			}
			throw ex;
		}
		if (!retried) {
			onSuccess();
			return -1;
		}
		return next(null, null);
	}

	private long next(Throwable failure, Throwable cause) {
		long delay = this.retry.afterAttempt(this.attempts, this.previousDelay, failure, cause, false, this.ended);
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

}
