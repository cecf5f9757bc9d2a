package dev.resilience.idempotency.internal;

import dev.resilience.CheckedFunction;
import dev.resilience.idempotency.ClaimResult;
import dev.resilience.idempotency.IdempotencyConfig.OnInProgress;
import dev.resilience.idempotency.ResultCodec;

/**
 * The synchronous path: claims, then runs the method under a lease and stores its result,
 * replays a completed record, or, while the record is in progress, polls it again after
 * each pause the scheduler times (on the caller's thread) until {@code in-progress-wait}
 * is up. One per instance; thread-safe.
 */
final class SyncExecution {

	private final IdempotencyContext context;

	private final Outcomes outcomes;

	SyncExecution(Outcomes outcomes) {
		this.context = outcomes.context;
		this.outcomes = outcomes;
	}

	<A> Object execute(String recordId, String fingerprint, ResultCodec codec, CheckedFunction<? super A, ?> call,
			A argument) throws Throwable {
		long deadline = 0;
		boolean waiting = false;
		long pause = IdempotencyContext.INITIAL_POLL_NANOS;
		while (true) {
			ClaimResult claim = this.outcomes.store.claim(recordId, fingerprint);
			if (claim instanceof ClaimResult.Claimed claimed) {
				Lease lease = new Lease(this.context, recordId, claimed.leaseToken());
				Object result;
				try {
					result = call.apply(argument);
				}
				catch (Throwable failure) {
					this.outcomes.releaseAfterFailure(lease, failure);
					throw failure;
				}
				return this.outcomes.finish(lease, result, codec);
			}
			if (claim instanceof ClaimResult.Completed completed) {
				return this.outcomes.replay(completed, fingerprint, codec);
			}
			ClaimResult.InProgress inProgress = (ClaimResult.InProgress) claim;
			this.outcomes.checkFingerprint(inProgress.fingerprint(), fingerprint);
			long now = this.context.ticker.read();
			if (!waiting) {
				deadline = now + this.context.inProgressWaitNanos;
				waiting = true;
			}
			long remaining = deadline - now;
			if (this.context.config.getOnInProgress() == OnInProgress.REJECT || remaining <= 0) {
				throw this.outcomes.inProgress(null);
			}
			try {
				this.context.scheduler.sleep(Math.min(pause, remaining));
			}
			catch (InterruptedException ex) {
				// the caller is being told to stop: stop waiting, and leave the flag for
				// its own checks
				Thread.currentThread().interrupt();
				throw this.outcomes.inProgress(ex);
			}
			pause = Math.min(pause * 2, IdempotencyContext.MAX_POLL_NANOS);
		}
	}

}
