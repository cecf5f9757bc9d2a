package dev.resilience.idempotency.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.resilience.CheckedFunction;
import dev.resilience.idempotency.ClaimResult;
import dev.resilience.idempotency.IdempotencyConfig.OnInProgress;
import dev.resilience.idempotency.IdempotencyOutcome;
import dev.resilience.idempotency.ResultCodec;

/**
 * The asynchronous path, one object per call: claims on the caller's thread, then, while
 * the record is in progress, polls it again on the I/O executor after each pause the
 * scheduler times. The method started after a wait runs with the caller's context; the
 * caller's stage is completed on the I/O executor once the method's own stage has
 * completed and its result is stored.
 *
 * @param <A> the type of the call's argument
 */
final class AsyncCall<A> {

	private final Outcomes outcomes;

	private final String recordId;

	private final String fingerprint;

	private final ResultCodec codec;

	private final CheckedFunction<? super A, ? extends CompletionStage<?>> call;

	private final A argument;

	private final CompletableFuture<Object> promise;

	private Runnable poll;

	private boolean waiting;

	private long deadline;

	private long pause = IdempotencyContext.INITIAL_POLL_NANOS;

	AsyncCall(Outcomes outcomes, String recordId, String fingerprint, ResultCodec codec,
			CheckedFunction<? super A, ? extends CompletionStage<?>> call, A argument,
			CompletableFuture<Object> promise) {
		this.outcomes = outcomes;
		this.recordId = recordId;
		this.fingerprint = fingerprint;
		this.codec = codec;
		this.call = call;
		this.argument = argument;
		this.promise = promise;
	}

	/**
	 * Claims once; the first attempt runs on the caller's thread, later ones on the I/O
	 * executor.
	 */
	void attempt() {
		if (this.promise.isDone()) {
			// the caller stopped waiting (cancelled its stage): stop polling, and never
			// start the method for nobody
			this.outcomes.context.publish(IdempotencyOutcome.IN_PROGRESS);
			return;
		}
		try {
			claimOnce();
		}
		catch (Throwable ex) {
			this.promise.completeExceptionally(ex);
		}
	}

	private void claimOnce() {
		ClaimResult claim = this.outcomes.store.claim(this.recordId, this.fingerprint);
		if (claim instanceof ClaimResult.Claimed claimed) {
			invoke(new Lease(this.outcomes.context, this.recordId, claimed.leaseToken()));
			return;
		}
		if (claim instanceof ClaimResult.Completed completed) {
			this.promise.complete(this.outcomes.replay(completed, this.fingerprint, this.codec));
			return;
		}
		this.outcomes.checkFingerprint(((ClaimResult.InProgress) claim).fingerprint(), this.fingerprint);
		long now = this.outcomes.context.ticker.read();
		if (!this.waiting) {
			this.deadline = now + this.outcomes.context.inProgressWaitNanos;
			this.waiting = true;
		}
		long remaining = this.deadline - now;
		if (this.outcomes.context.config.getOnInProgress() == OnInProgress.REJECT || remaining <= 0) {
			throw this.outcomes.inProgress(null);
		}
		if (this.poll == null) {
			// first wait, still on the caller's thread: capture its context for every
			// later poll
			Runnable attempt = this.outcomes.context.propagator.wrap(this::attempt);
			this.poll = () -> this.outcomes.context.dispatch(attempt);
		}
		long delay = Math.min(this.pause, remaining);
		this.pause = Math.min(this.pause * 2, IdempotencyContext.MAX_POLL_NANOS);
		this.outcomes.context.scheduler.schedule(this.poll, delay);
	}

	private void invoke(Lease lease) {
		CompletionStage<?> stage;
		try {
			stage = this.call.apply(this.argument);
			if (stage == null) {
				throw new NullPointerException("Idempotency '" + this.outcomes.context.name
						+ "': the call returned null instead of a CompletionStage");
			}
		}
		catch (Throwable failure) {
			this.outcomes.releaseAfterFailure(lease, failure);
			this.promise.completeExceptionally(failure);
			return;
		}
		// the thread completing the method's stage may be an I/O event loop: store and
		// complete elsewhere
		stage.whenComplete((value, failure) -> this.outcomes.context.dispatch(() -> settle(lease, value, failure)));
	}

	private void settle(Lease lease, Object value, Throwable failure) {
		if (failure != null) {
			this.outcomes.releaseAfterFailure(lease, failure);
			this.promise.completeExceptionally(failure);
			return;
		}
		try {
			this.promise.complete(this.outcomes.finish(lease, value, this.codec));
		}
		catch (Throwable ex) {
			this.promise.completeExceptionally(ex);
		}
	}

}
