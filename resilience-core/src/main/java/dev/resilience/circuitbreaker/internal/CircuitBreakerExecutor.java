package dev.resilience.circuitbreaker.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiConsumer;
import java.util.function.Function;

import dev.resilience.CheckedFunction;
import dev.resilience.Ticker;
import dev.resilience.internal.Failures;

/**
 * Runs a call under a breaker: admission by the current state, the call timed with the
 * breaker's ticker, and its outcome reported to the admission, so it lands in the state
 * that admitted it. The synchronous path allocates nothing when the call succeeds in a
 * closed state.
 */
final class CircuitBreakerExecutor {

	private final CircuitBreakerStateMachine breaker;

	private final Ticker ticker;

	CircuitBreakerExecutor(CircuitBreakerStateMachine breaker, Ticker ticker) {
		this.breaker = breaker;
		this.ticker = ticker;
	}

	<A, T> T execute(CheckedFunction<? super A, ? extends T> call, A argument) throws Throwable {
		if (call == null) {
			throw new NullPointerException(
					"call protected by circuit breaker '" + this.breaker.getName() + "' must not be null");
		}
		BreakerState current = this.breaker.currentState();
		Admission admission = current.admit();
		if (admission == null) {
			throw this.breaker.refusal(current);
		}
		long start = this.ticker.read();
		T result;
		try {
			result = call.apply(argument);
		}
		catch (Throwable ex) {
			admission.onError(this.ticker.read() - start, ex);
			throw ex;
		}
		admission.onSuccess(this.ticker.read() - start);
		return result;
	}

	<A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call, A argument) {
		if (call == null) {
			throw new NullPointerException(
					"call protected by circuit breaker '" + this.breaker.getName() + "' must not be null");
		}
		BreakerState current = this.breaker.currentState();
		Admission admission = current.admit();
		if (admission == null) {
			return CompletableFuture.failedFuture(this.breaker.refusal(current));
		}
		long start = this.ticker.read();
		CompletionStage<T> stage;
		try {
			stage = call.apply(argument);
		}
		catch (Throwable ex) {
			admission.onError(this.ticker.read() - start, ex);
			return CompletableFuture.failedFuture(ex);
		}
		if (stage == null) {
			NullPointerException ex = new NullPointerException("asynchronous call protected by circuit breaker '"
					+ this.breaker.getName() + "' returned a null stage");
			admission.onError(this.ticker.read() - start, ex);
			return CompletableFuture.failedFuture(ex);
		}
		AsyncOutcomeRecorder<T> recorder = new AsyncOutcomeRecorder<>(this.ticker, admission, start);
		CompletionStage<T> recorded;
		try {
			recorded = stage.whenComplete(recorder);
		}
		catch (Throwable broken) {
			// A stage that takes no callback would never end the admission: a trial
			// permit would stay out for good. The call is over as far as the breaker can
			// tell, and it failed.
			recorder.accept(null, broken);
			return CompletableFuture.failedFuture(broken);
		}
		// The caller gets a stage of its own: a dependent completed or cancelled by its
		// holder skips its action, so handing out the recording stage itself would let a
		// caller's cancel, complete or timeout keep the outcome from ever being recorded,
		// and a trial permit from coming back.
		return recorded.thenApply(Function.identity());
	}

	/**
	 * Records the outcome of an asynchronous call when the stage the call itself returned
	 * completes: what the caller does to the stage it was handed (cancel, complete, time
	 * out) ends neither the call nor its admission.
	 */
	private static final class AsyncOutcomeRecorder<T> implements BiConsumer<T, Throwable> {

		@SuppressWarnings("rawtypes")
		private static final AtomicIntegerFieldUpdater<AsyncOutcomeRecorder> ENDED = AtomicIntegerFieldUpdater
			.newUpdater(AsyncOutcomeRecorder.class, "ended");

		private volatile int ended;

		private final Ticker ticker;

		private final Admission admission;

		private final long start;

		AsyncOutcomeRecorder(Ticker ticker, Admission admission, long start) {
			this.ticker = ticker;
			this.admission = admission;
			this.start = start;
		}

		@Override
		public void accept(T result, Throwable error) {
			if (!ENDED.compareAndSet(this, 0, 1)) {
				// A custom stage reporting twice, or one that refused the callback after
				// taking it.
				return;
			}
			if (error != null && Failures.unwrap(error) instanceof CancellationException) {
				// The call's own stage was cancelled (a hedge that no longer needs it):
				// not an outcome of the downstream, so nothing is recorded, as for a
				// cancelled subscription, and a trial permit comes back.
				this.admission.release();
				return;
			}
			long duration = this.ticker.read() - this.start;
			if (error != null) {
				this.admission.onError(duration, error);
			}
			else {
				this.admission.onSuccess(duration);
			}
		}

	}

}
