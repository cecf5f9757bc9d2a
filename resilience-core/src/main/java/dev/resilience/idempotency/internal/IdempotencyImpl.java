package dev.resilience.idempotency.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.fallback.FallbackAnswer;
import dev.resilience.idempotency.ClaimResult;
import dev.resilience.idempotency.Idempotency;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.idempotency.IdempotencyConfig.OnInProgress;
import dev.resilience.idempotency.IdempotencyInProgressException;
import dev.resilience.idempotency.IdempotencyKeyReusedException;
import dev.resilience.idempotency.IdempotencyKeys;
import dev.resilience.idempotency.IdempotencyListener;
import dev.resilience.idempotency.IdempotencyOutcome;
import dev.resilience.idempotency.IdempotencyRecord;
import dev.resilience.idempotency.IdempotencyResultException;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.IdempotencyStoreUnavailableException;
import dev.resilience.idempotency.InvalidIdempotencyKeyException;
import dev.resilience.idempotency.ResultCodec;

import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * Default {@link Idempotency}: the state machine of SPEC §4 over an {@link IdempotencyStore}.
 * Holds no per-key state of its own beyond the calls it is running, so any number of instances
 * (and JVMs) may share a store. Thread-safe.
 */
public final class IdempotencyImpl implements Idempotency {

	/** First pause between polls of an in-progress record; doubled up to {@link #MAX_POLL_NANOS}. */
	static final long INITIAL_POLL_NANOS = 10_000_000L;

	static final long MAX_POLL_NANOS = 250_000_000L;

	/** Attempts at completing or releasing a claim before it is left to expire with its lease. */
	static final int STORE_WRITE_ATTEMPTS = 3;

	private static final Logger logger = System.getLogger("dev.resilience.idempotency");

	private static final IdempotencyListener[] NO_LISTENERS = new IdempotencyListener[0];

	private final String name;

	private final String namespace;

	private final IdempotencyConfig config;

	private final IdempotencyStore store;

	private final Ticker ticker;

	private final Scheduler scheduler;

	private final Executor ioExecutor;

	private final ContextPropagator propagator;

	private final long inProgressWaitNanos;

	private final long renewalNanos;

	private final ReentrantLock listenersLock = new ReentrantLock();

	private volatile IdempotencyListener[] listeners = NO_LISTENERS;

	public IdempotencyImpl(String name, String namespace, IdempotencyConfig config, IdempotencyStore store,
			Ticker ticker, Scheduler scheduler, Executor ioExecutor, ContextPropagator propagator) {
		this.name = requireNonNull(name, "name");
		this.namespace = namespace;
		this.config = requireNonNull(config, "config");
		this.store = requireNonNull(store, "store");
		this.ticker = requireNonNull(ticker, "ticker");
		this.scheduler = requireNonNull(scheduler, "scheduler");
		this.ioExecutor = requireNonNull(ioExecutor, "ioExecutor");
		this.propagator = requireNonNull(propagator, "propagator");
		this.inProgressWaitNanos = config.getInProgressWait().toNanos();
		// three chances to renew before the lease ends, so one slow or failed renewal costs nothing
		this.renewalNanos = Math.max(1, config.getInProgressTimeout().toNanos() / 3);
	}

	/** The pool behind {@link Idempotency#of(String, IdempotencyConfig, IdempotencyStore)}. */
	public static Executor sharedIoExecutor() {
		return SharedIoExecutor.INSTANCE;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public String getNamespace() {
		return this.namespace;
	}

	@Override
	public IdempotencyConfig getConfig() {
		return this.config;
	}

	@Override
	public IdempotencyStore getStore() {
		return this.store;
	}

	@Override
	public void addListener(IdempotencyListener listener) {
		requireNonNull(listener, "listener");
		this.listenersLock.lock();
		try {
			IdempotencyListener[] current = this.listeners;
			IdempotencyListener[] updated = Arrays.copyOf(current, current.length + 1);
			updated[current.length] = listener;
			this.listeners = updated;
		}
		finally {
			this.listenersLock.unlock();
		}
	}

	@Override
	public void validateKey(String key) {
		try {
			IdempotencyKeys.validate(this.name, key, this.config.getMaxKeyLength());
		}
		catch (InvalidIdempotencyKeyException ex) {
			publish(IdempotencyOutcome.INVALID_KEY);
			throw ex;
		}
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
				Lease lease = new Lease(recordId, claimed.leaseToken());
				Object result;
				try {
					result = call.apply(argument);
				}
				catch (Throwable failure) {
					releaseAfterFailure(lease, failure);
					throw failure;
				}
				return finish(lease, result, codec);
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
				throw inProgress(null);
			}
			try {
				this.scheduler.sleep(Math.min(pause, remaining));
			}
			catch (InterruptedException ex) {
				// the caller is being told to stop: stop waiting, and leave the flag for its own checks
				Thread.currentThread().interrupt();
				throw inProgress(ex);
			}
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
		new AsyncCall<>(recordId, fingerprint, codec, call, argument, promise).attempt();
		return promise;
	}

	private String recordId(String key, String scope, String fingerprint, ResultCodec codec) {
		validateKey(key);
		requireNonNull(fingerprint, "fingerprint");
		requireNonNull(codec, "codec");
		return IdempotencyKeys.recordId(this.config.getKeyPrefix(), scope, this.name, this.namespace, key);
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

	private IdempotencyInProgressException inProgress(InterruptedException interrupt) {
		publish(IdempotencyOutcome.IN_PROGRESS);
		if (interrupt != null) {
			return new IdempotencyInProgressException(this.name,
					"; waiting for its result was interrupted; retry later", interrupt);
		}
		String detail = (this.config.getOnInProgress() == OnInProgress.REJECT) ? "; retry later"
				: " after waiting " + this.config.getInProgressWait() + "; retry later";
		return new IdempotencyInProgressException(this.name, detail);
	}

	/**
	 * Stores the result of a call that ran under {@code lease} (or, for a degraded answer that is
	 * not to be stored, releases the claim) and returns what the caller gets: never a
	 * {@link FallbackAnswer}.
	 */
	private Object finish(Lease lease, Object result, ResultCodec codec) {
		boolean degraded = result instanceof FallbackAnswer;
		Object value = degraded ? ((FallbackAnswer) result).value() : result;
		if (degraded && !this.config.isStoreFallbackResults()) {
			publish(release(lease, null));
			return value;
		}
		byte[] encoded;
		try {
			encoded = codec.encode(value);
			if (encoded == null) {
				throw new IllegalStateException(codec.getClass().getName() + " encoded a result as null");
			}
		}
		catch (Throwable ex) {
			IdempotencyResultException failure = new IdempotencyResultException(this.name,
					"the method ran but its result cannot be stored (" + ex.getMessage()
							+ "); the claim was released so the key can be used again",
					ex);
			releaseAfterFailure(lease, failure);
			throw failure;
		}
		publish(complete(lease, encoded));
		return value;
	}

	/**
	 * Completes the claim, retrying a store error a few times. Whatever the outcome the lease is no
	 * longer renewed: a claim that could not be completed expires with it, so the key can run again
	 * later, and no record ever reads as completed without its result.
	 */
	private IdempotencyOutcome complete(Lease lease, byte[] encoded) {
		lease.settle();
		try {
			long pause = INITIAL_POLL_NANOS;
			for (int attempt = 1;; attempt++) {
				try {
					if (this.store.complete(lease.recordId, lease.token, encoded, this.config.getTtl())) {
						return IdempotencyOutcome.EXECUTED;
					}
					// an earlier attempt may have been applied with only its reply lost
					if (attempt > 1 && isCompletedUnder(lease)) {
						return IdempotencyOutcome.EXECUTED;
					}
					lease.lost();
					return IdempotencyOutcome.LEASE_LOST;
				}
				catch (RuntimeException ex) {
					if (attempt >= STORE_WRITE_ATTEMPTS || !pause(pause)) {
						return IdempotencyOutcome.STORE_UNAVAILABLE;
					}
					pause *= 2;
				}
			}
		}
		finally {
			lease.end();
		}
	}

	private boolean isCompletedUnder(Lease lease) {
		try {
			Optional<IdempotencyRecord> record = this.store.find(lease.recordId);
			return record.isPresent() && record.get().state() == IdempotencyRecord.State.COMPLETED
					&& lease.token.equals(record.get().leaseToken());
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private void releaseAfterFailure(Lease lease, Throwable failure) {
		publish(release(lease, failure));
	}

	/**
	 * Releases the claim, retrying a store error a few times; the last store error is attached to
	 * {@code failure} when there is one.
	 */
	private IdempotencyOutcome release(Lease lease, Throwable failure) {
		lease.settle();
		try {
			long pause = INITIAL_POLL_NANOS;
			for (int attempt = 1;; attempt++) {
				try {
					if (this.store.release(lease.recordId, lease.token)) {
						return IdempotencyOutcome.EXECUTED;
					}
					// an earlier attempt may have been applied with only its reply lost
					if (attempt > 1 && isAbsent(lease)) {
						return IdempotencyOutcome.EXECUTED;
					}
					lease.lost();
					return IdempotencyOutcome.LEASE_LOST;
				}
				catch (RuntimeException ex) {
					if (attempt >= STORE_WRITE_ATTEMPTS || !pause(pause)) {
						if (failure != null) {
							failure.addSuppressed(unavailable("release", ex));
						}
						return IdempotencyOutcome.STORE_UNAVAILABLE;
					}
					pause *= 2;
				}
			}
		}
		finally {
			lease.end();
		}
	}

	private boolean isAbsent(Lease lease) {
		try {
			return this.store.find(lease.recordId).isEmpty();
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/** Pauses between two store attempts; {@code false} when interrupted (the flag is kept). */
	private boolean pause(long nanos) {
		try {
			this.scheduler.sleep(nanos);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
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

	/**
	 * Runs a store operation on the I/O executor. When the executor refuses it (shut down with its
	 * application context, or saturated) the operation gets a thread of its own: never the thread
	 * that asked, which may be an I/O event loop that completed the method's stage, or the
	 * scheduler's timer thread.
	 */
	private void dispatch(Runnable task) {
		try {
			this.ioExecutor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			Thread overflow = new Thread(task, "resilience-idempotency-overflow");
			overflow.setDaemon(true);
			overflow.start();
		}
	}

	@Override
	public String toString() {
		return "Idempotency[" + this.name + ((this.namespace != null) ? " (" + this.namespace + ")" : "") + ", "
				+ this.config + "]";
	}

	/**
	 * The lease of one running call: renewed every third of {@code in-progress-timeout}, the
	 * scheduler timing each renewal and the I/O executor running it, until the call ends. A failed
	 * renewal is tried again at the next period (the lease still has two left); a refused one means
	 * the lease is lost, which is logged once.
	 */
	private final class Lease implements Runnable {

		final String recordId;

		final String token;

		private final AtomicBoolean warned = new AtomicBoolean();

		private volatile boolean ended;

		/** Set while completing or releasing: a renewal refused then says nothing about the call. */
		private volatile boolean settling;

		/**
		 * Makes scheduling the next renewal and ending the lease exclusive, so no renewal is
		 * scheduled after the end. Not a monitor: the scheduler's {@code schedule} and
		 * {@code cancel} run while it is held.
		 */
		private final ReentrantLock lock = new ReentrantLock();

		/** Guarded by {@link #lock}. */
		private Scheduler.Cancellable next;

		Lease(String recordId, String token) {
			this.recordId = recordId;
			this.token = token;
			scheduleRenewal();
		}

		private void scheduleRenewal() {
			this.lock.lock();
			try {
				if (!this.ended) {
					this.next = IdempotencyImpl.this.scheduler.schedule(this, IdempotencyImpl.this.renewalNanos);
				}
			}
			finally {
				this.lock.unlock();
			}
		}

		/** Called by the scheduler: hands the renewal to the I/O executor, never doing store I/O itself. */
		@Override
		public void run() {
			if (!this.ended) {
				dispatch(this::renew);
			}
		}

		private void renew() {
			if (this.ended) {
				return;
			}
			boolean renewed;
			try {
				renewed = IdempotencyImpl.this.store.renew(this.recordId, this.token,
						IdempotencyImpl.this.config.getInProgressTimeout());
			}
			catch (RuntimeException ex) {
				scheduleRenewal();
				return;
			}
			if (renewed) {
				scheduleRenewal();
			}
			else if (!this.ended && !this.settling) {
				lost();
			}
		}

		/** Logs, once per call, that the call outlived its lease; never the key or an argument. */
		void lost() {
			if (this.warned.compareAndSet(false, true)) {
				logger.log(Level.WARNING, () -> "Idempotency '" + IdempotencyImpl.this.name
						+ "': a call outlived its lease (in-progress-timeout " + IdempotencyImpl.this.config.getInProgressTimeout()
						+ ") because its renewals failed; another call with the same key may have run, and this call's"
						+ " result or release was not recorded");
			}
		}

		void settle() {
			this.settling = true;
		}

		void end() {
			this.lock.lock();
			try {
				this.ended = true;
				if (this.next != null) {
					this.next.cancel();
					this.next = null;
				}
			}
			finally {
				this.lock.unlock();
			}
		}

	}

	/**
	 * One asynchronous call: claims on the caller's thread, then, while the record is in progress,
	 * polls it again on the I/O executor after each pause the scheduler times. The method started
	 * after a wait runs with the caller's context; the caller's stage is completed on the I/O
	 * executor once the method's own stage has completed and its result is stored.
	 */
	private final class AsyncCall<A> {

		private final String recordId;

		private final String fingerprint;

		private final ResultCodec codec;

		private final CheckedFunction<? super A, ? extends CompletionStage<?>> call;

		private final A argument;

		private final CompletableFuture<Object> promise;

		private Runnable poll;

		private boolean waiting;

		private long deadline;

		private long pause = INITIAL_POLL_NANOS;

		AsyncCall(String recordId, String fingerprint, ResultCodec codec,
				CheckedFunction<? super A, ? extends CompletionStage<?>> call, A argument,
				CompletableFuture<Object> promise) {
			this.recordId = recordId;
			this.fingerprint = fingerprint;
			this.codec = codec;
			this.call = call;
			this.argument = argument;
			this.promise = promise;
		}

		void attempt() {
			if (this.promise.isDone()) {
				// the caller stopped waiting (cancelled its stage): stop polling, and never start the method for nobody
				publish(IdempotencyOutcome.IN_PROGRESS);
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
			ClaimResult claim = claim(this.recordId, this.fingerprint);
			if (claim instanceof ClaimResult.Claimed claimed) {
				invoke(new Lease(this.recordId, claimed.leaseToken()));
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
				throw inProgress(null);
			}
			if (this.poll == null) {
				// first wait, still on the caller's thread: capture its context for every later poll
				Runnable attempt = IdempotencyImpl.this.propagator.wrap(this::attempt);
				this.poll = () -> dispatch(attempt);
			}
			long delay = Math.min(this.pause, remaining);
			this.pause = Math.min(this.pause * 2, MAX_POLL_NANOS);
			IdempotencyImpl.this.scheduler.schedule(this.poll, delay);
		}

		private void invoke(Lease lease) {
			CompletionStage<?> stage;
			try {
				stage = this.call.apply(this.argument);
				if (stage == null) {
					throw new NullPointerException("Idempotency '" + IdempotencyImpl.this.name
							+ "': the call returned null instead of a CompletionStage");
				}
			}
			catch (Throwable failure) {
				releaseAfterFailure(lease, failure);
				this.promise.completeExceptionally(failure);
				return;
			}
			// the thread completing the method's stage may be an I/O event loop: store and complete elsewhere
			stage.whenComplete((value, failure) -> dispatch(() -> settle(lease, value, failure)));
		}

		private void settle(Lease lease, Object value, Throwable failure) {
			if (failure != null) {
				releaseAfterFailure(lease, failure);
				this.promise.completeExceptionally(failure);
				return;
			}
			try {
				this.promise.complete(finish(lease, value, this.codec));
			}
			catch (Throwable ex) {
				this.promise.completeExceptionally(ex);
			}
		}

	}

	/**
	 * A few daemon threads shared by every instance built without an executor of its own. Bounded:
	 * when its queue is full, the operation gets a thread of its own ({@link #dispatch}).
	 */
	private static final class SharedIoExecutor {

		static final Executor INSTANCE = Idempotency.newIoExecutor();

	}

}
