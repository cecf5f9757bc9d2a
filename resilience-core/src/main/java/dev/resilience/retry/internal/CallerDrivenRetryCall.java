package dev.resilience.retry.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.resilience.internal.Failures;
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

	CallerDrivenRetryCall(RetryImpl retry) {
		this.retry = retry;
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
		RetryImpl retry = this.retry;
		Throwable cause = Failures.unwrapCompletion(failure);
		int attempts = this.attempts;
		if (attempts >= retry.maxAttempts() || !retry.isRetryable(failure)) {
			if (this.ended.compareAndSet(false, true)) {
				retry.recordFailure(attempts, cause);
			}
			return -1;
		}
		if (!retry.tryWithdraw()) {
			if (this.ended.compareAndSet(false, true)) {
				retry.recordBudgetExhausted(attempts, cause);
			}
			return -1;
		}
		long delay = retry.backoff().delayNanos(attempts, this.previousDelay);
		this.previousDelay = delay;
		retry.beforeRetry(attempts + 1, cause, delay);
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
