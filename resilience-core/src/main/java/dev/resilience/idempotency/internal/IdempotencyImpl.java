package dev.resilience.idempotency.internal;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.resilience.CheckedFunction;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.idempotency.ClaimResult;
import dev.resilience.idempotency.Idempotency;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.idempotency.IdempotencyConfig.OnInProgress;
import dev.resilience.idempotency.IdempotencyInProgressException;
import dev.resilience.idempotency.IdempotencyKeyReusedException;
import dev.resilience.idempotency.IdempotencyKeys;
import dev.resilience.idempotency.IdempotencyListener;
import dev.resilience.idempotency.IdempotencyOutcome;
import dev.resilience.idempotency.IdempotencyResultException;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.IdempotencyStoreUnavailableException;
import dev.resilience.idempotency.InvalidIdempotencyKeyException;
import dev.resilience.idempotency.ResultCodec;

import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * Default {@link Idempotency}: the state machine of SPEC §4 over an {@link IdempotencyStore}.
 * Holds no per-key state of its own, so any number of instances (and JVMs) may share a store.
 * Thread-safe.
 */
public final class IdempotencyImpl implements Idempotency {

	/** First pause between polls of an in-progress record; doubled up to {@link #MAX_POLL_NANOS}. */
	static final long INITIAL_POLL_NANOS = 10_000_000L;

	static final long MAX_POLL_NANOS = 250_000_000L;

	private static final IdempotencyListener[] NO_LISTENERS = new IdempotencyListener[0];

	private final String name;

	private final IdempotencyConfig config;

	private final IdempotencyStore store;

	private final Ticker ticker;

	private final Scheduler scheduler;

	private final long inProgressWaitNanos;

	private volatile IdempotencyListener[] listeners = NO_LISTENERS;

	public IdempotencyImpl(String name, IdempotencyConfig config, IdempotencyStore store, Ticker ticker,
			Scheduler scheduler) {
		this.name = requireNonNull(name, "name");
		this.config = requireNonNull(config, "config");
		this.store = requireNonNull(store, "store");
		this.ticker = requireNonNull(ticker, "ticker");
		this.scheduler = requireNonNull(scheduler, "scheduler");
		this.inProgressWaitNanos = config.getInProgressWait().toNanos();
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public IdempotencyConfig getConfig() {
		return this.config;
	}

	@Override
	public synchronized void addListener(IdempotencyListener listener) {
		requireNonNull(listener, "listener");
		IdempotencyListener[] current = this.listeners;
		IdempotencyListener[] updated = Arrays.copyOf(current, current.length + 1);
		updated[current.length] = listener;
		this.listeners = updated;
	}

	@Override
	public <A> Object execute(String key, String scope, String fingerprint, ResultCodec codec,
			CheckedFunction<? super A, ?> call, A argument) throws Throwable {
		String recordId = recordId(key, scope, fingerprint, codec);
		long deadline = 0;
		boolean waiting = false;
		long pause = INITIAL_POLL_NANOS;
		while (true) {
			ClaimResult claim = claim(recordId, fingerprint);
			if (claim instanceof ClaimResult.Claimed claimed) {
				Object result;
				try {
					result = call.apply(argument);
				}
				catch (Throwable failure) {
					releaseAfterFailure(recordId, claimed.leaseToken(), failure);
					throw failure;
				}
				return storeResult(recordId, claimed.leaseToken(), result, codec);
			}
			if (claim instanceof ClaimResult.Completed completed) {
				return replay(completed, fingerprint, codec);
			}
			ClaimResult.InProgress inProgress = (ClaimResult.InProgress) claim;
			checkFingerprint(inProgress.fingerprint(), fingerprint);
			long now = this.ticker.read();
			if (!waiting) {
				deadline = now + this.inProgressWaitNanos;
				waiting = true;
			}
			long remaining = deadline - now;
			if (this.config.getOnInProgress() == OnInProgress.REJECT || remaining <= 0) {
				throw inProgress();
			}
			this.scheduler.sleep(Math.min(pause, remaining));
			pause = Math.min(pause * 2, MAX_POLL_NANOS);
		}
	}

	@Override
	public <A> CompletionStage<Object> executeAsync(String key, String scope, String fingerprint, ResultCodec codec,
			CheckedFunction<? super A, ? extends CompletionStage<?>> call, A argument) {
		CompletableFuture<Object> promise = new CompletableFuture<>();
		String recordId;
		try {
			recordId = recordId(key, scope, fingerprint, codec);
		}
		catch (Throwable ex) {
			promise.completeExceptionally(ex);
			return promise;
		}
		new AsyncAttempt<>(recordId, fingerprint, codec, call, argument, promise).run();
		return promise;
	}

	private String recordId(String key, String scope, String fingerprint, ResultCodec codec) {
		try {
			IdempotencyKeys.validate(this.name, key, this.config.getMaxKeyLength());
		}
		catch (InvalidIdempotencyKeyException ex) {
			publish(IdempotencyOutcome.INVALID_KEY);
			throw ex;
		}
		requireNonNull(fingerprint, "fingerprint");
		requireNonNull(codec, "codec");
		return IdempotencyKeys.recordId(this.config.getKeyPrefix(), scope, this.name, key);
	}

	private ClaimResult claim(String recordId, String fingerprint) {
		try {
			return this.store.claim(recordId, fingerprint, this.config.getInProgressTimeout());
		}
		catch (RuntimeException ex) {
			publish(IdempotencyOutcome.STORE_UNAVAILABLE);
			throw unavailable("claim", ex);
		}
	}

	private Object replay(ClaimResult.Completed completed, String fingerprint, ResultCodec codec) {
		checkFingerprint(completed.fingerprint(), fingerprint);
		Object result;
		try {
			result = codec.decode(completed.result());
		}
		catch (Exception ex) {
			throw new IdempotencyResultException(this.name,
					"the stored result cannot be read as the method's return type: " + ex.getMessage(), ex);
		}
		publish(IdempotencyOutcome.REPLAYED);
		return result;
	}

	private void checkFingerprint(String stored, String fingerprint) {
		if (!fingerprint.equals(stored)) {
			publish(IdempotencyOutcome.KEY_REUSED);
			throw new IdempotencyKeyReusedException(this.name);
		}
	}

	private IdempotencyInProgressException inProgress() {
		publish(IdempotencyOutcome.IN_PROGRESS);
		String detail = (this.config.getOnInProgress() == OnInProgress.REJECT) ? "; retry later"
				: " after waiting " + this.config.getInProgressWait() + "; retry later";
		return new IdempotencyInProgressException(this.name, detail);
	}

	/** Encodes and stores the result of a call that ran under a claim; returns the result. */
	private Object storeResult(String recordId, String leaseToken, Object result, ResultCodec codec) {
		byte[] encoded;
		try {
			encoded = codec.encode(result);
			if (encoded == null) {
				throw new IllegalStateException(codec.getClass().getName() + " encoded a result as null");
			}
		}
		catch (Throwable ex) {
			IdempotencyResultException failure = new IdempotencyResultException(this.name,
					"the method ran but its result cannot be stored (" + ex.getMessage()
							+ "); the claim was released so the key can be used again",
					ex);
			releaseAfterFailure(recordId, leaseToken, failure);
			throw failure;
		}
		IdempotencyOutcome outcome;
		try {
			outcome = this.store.complete(recordId, leaseToken, encoded, this.config.getTtl())
					? IdempotencyOutcome.EXECUTED : IdempotencyOutcome.LEASE_LOST;
		}
		catch (RuntimeException ex) {
			// The side effect has happened: handing back its result serves the caller better than a
			// failure that invites a retry. The claim lapses with its lease.
			outcome = IdempotencyOutcome.STORE_UNAVAILABLE;
		}
		publish(outcome);
		return result;
	}

	private void releaseAfterFailure(String recordId, String leaseToken, Throwable failure) {
		IdempotencyOutcome outcome;
		try {
			outcome = this.store.release(recordId, leaseToken) ? IdempotencyOutcome.EXECUTED
					: IdempotencyOutcome.LEASE_LOST;
		}
		catch (RuntimeException ex) {
			failure.addSuppressed(unavailable("release", ex));
			outcome = IdempotencyOutcome.STORE_UNAVAILABLE;
		}
		publish(outcome);
	}

	private IdempotencyStoreUnavailableException unavailable(String operation, RuntimeException ex) {
		return new IdempotencyStoreUnavailableException(this.name,
				"Idempotency '" + this.name + "': the store failed to " + operation + " the record, so the call was refused ("
						+ ex.getMessage() + ")",
				ex);
	}

	private void publish(IdempotencyOutcome outcome) {
		IdempotencyListener[] current = this.listeners;
		for (IdempotencyListener listener : current) {
			try {
				listener.onOutcome(this.name, outcome);
			}
			catch (RuntimeException ex) {
				// a broken listener must not change the call's outcome
			}
		}
	}

	@Override
	public String toString() {
		return "Idempotency[" + this.name + ", " + this.config + "]";
	}

	/** One asynchronous call: claims, and re-polls through the scheduler while in progress. */
	private final class AsyncAttempt<A> implements Runnable {

		private final String recordId;

		private final String fingerprint;

		private final ResultCodec codec;

		private final CheckedFunction<? super A, ? extends CompletionStage<?>> call;

		private final A argument;

		private final CompletableFuture<Object> promise;

		private boolean waiting;

		private long deadline;

		private long pause = INITIAL_POLL_NANOS;

		AsyncAttempt(String recordId, String fingerprint, ResultCodec codec,
				CheckedFunction<? super A, ? extends CompletionStage<?>> call, A argument,
				CompletableFuture<Object> promise) {
			this.recordId = recordId;
			this.fingerprint = fingerprint;
			this.codec = codec;
			this.call = call;
			this.argument = argument;
			this.promise = promise;
		}

		@Override
		public void run() {
			try {
				attempt();
			}
			catch (Throwable ex) {
				this.promise.completeExceptionally(ex);
			}
		}

		private void attempt() {
			ClaimResult claim = claim(this.recordId, this.fingerprint);
			if (claim instanceof ClaimResult.Claimed claimed) {
				invoke(claimed.leaseToken());
				return;
			}
			if (claim instanceof ClaimResult.Completed completed) {
				this.promise.complete(replay(completed, this.fingerprint, this.codec));
				return;
			}
			checkFingerprint(((ClaimResult.InProgress) claim).fingerprint(), this.fingerprint);
			long now = IdempotencyImpl.this.ticker.read();
			if (!this.waiting) {
				this.deadline = now + IdempotencyImpl.this.inProgressWaitNanos;
				this.waiting = true;
			}
			long remaining = this.deadline - now;
			if (IdempotencyImpl.this.config.getOnInProgress() == OnInProgress.REJECT || remaining <= 0) {
				throw inProgress();
			}
			long delay = Math.min(this.pause, remaining);
			this.pause = Math.min(this.pause * 2, MAX_POLL_NANOS);
			IdempotencyImpl.this.scheduler.schedule(this, delay);
		}

		private void invoke(String leaseToken) {
			CompletionStage<?> stage;
			try {
				stage = this.call.apply(this.argument);
				if (stage == null) {
					throw new NullPointerException("Idempotency '" + IdempotencyImpl.this.name
							+ "': the call returned null instead of a CompletionStage");
				}
			}
			catch (Throwable failure) {
				releaseAfterFailure(this.recordId, leaseToken, failure);
				this.promise.completeExceptionally(failure);
				return;
			}
			stage.whenComplete((value, failure) -> {
				if (failure != null) {
					releaseAfterFailure(this.recordId, leaseToken, failure);
					this.promise.completeExceptionally(failure);
					return;
				}
				try {
					this.promise.complete(storeResult(this.recordId, leaseToken, value, this.codec));
				}
				catch (Throwable ex) {
					this.promise.completeExceptionally(ex);
				}
			});
		}

	}

}
