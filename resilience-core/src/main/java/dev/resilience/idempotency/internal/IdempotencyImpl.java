package dev.resilience.idempotency.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.idempotency.Idempotency;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.idempotency.IdempotencyKeys;
import dev.resilience.idempotency.IdempotencyListener;
import dev.resilience.idempotency.IdempotencyOutcome;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.InvalidIdempotencyKeyException;
import dev.resilience.idempotency.ResultCodec;

import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * Default {@link Idempotency}: the at-most-once state machine described on
 * {@link Idempotency} (and in {@code docs/idempotency.md}) over an
 * {@link IdempotencyStore}. Holds no per-key state of its own beyond the calls it is
 * running, so any number of instances (and JVMs) may share a store. Thread-safe.
 * <p>
 * The work is split by concept: {@link SyncExecution} and {@link AsyncCall} are the two
 * paths, {@link Outcomes} how a call ends, {@link StoreOperations} the store steps and
 * their fault handling, {@link Lease} the renewal of a running call's claim, and
 * {@link IdempotencyContext} what they all share.
 */
public final class IdempotencyImpl implements Idempotency {

	private final IdempotencyContext context;

	private final Outcomes outcomes;

	private final SyncExecution sync;

	public IdempotencyImpl(String name, String namespace, IdempotencyConfig config, IdempotencyStore store,
			Ticker ticker, Scheduler scheduler, Executor ioExecutor, ContextPropagator propagator) {
		this.context = new IdempotencyContext(name, namespace, config, store, ticker, scheduler, ioExecutor,
				propagator);
		this.outcomes = new Outcomes(this.context, new StoreOperations(this.context));
		this.sync = new SyncExecution(this.outcomes);
	}

	/**
	 * The pool behind
	 * {@link Idempotency#of(String, IdempotencyConfig, IdempotencyStore)}.
	 */
	public static Executor sharedIoExecutor() {
		return SharedIoExecutor.INSTANCE;
	}

	@Override
	public String getName() {
		return this.context.name;
	}

	@Override
	public String getNamespace() {
		return this.context.namespace;
	}

	@Override
	public IdempotencyConfig getConfig() {
		return this.context.config;
	}

	@Override
	public IdempotencyStore getStore() {
		return this.context.store;
	}

	@Override
	public void addListener(IdempotencyListener listener) {
		this.context.listeners.add(listener);
	}

	@Override
	public void removeListener(IdempotencyListener listener) {
		this.context.listeners.remove(listener);
	}

	@Override
	public void validateKey(String key) {
		try {
			IdempotencyKeys.validate(this.context.name, key, this.context.config.getMaxKeyLength());
		}
		catch (InvalidIdempotencyKeyException ex) {
			this.context.publish(IdempotencyOutcome.INVALID_KEY);
			throw ex;
		}
	}

	@Override
	public <A> Object execute(String key, String scope, String fingerprint, ResultCodec codec,
			CheckedFunction<? super A, ?> call, A argument) throws Throwable {
		String recordId = recordId(key, scope, fingerprint, codec);
		return this.sync.execute(recordId, fingerprint, codec, call, argument);
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
		new AsyncCall<>(this.outcomes, recordId, fingerprint, codec, call, argument, promise).attempt();
		return promise;
	}

	private String recordId(String key, String scope, String fingerprint, ResultCodec codec) {
		validateKey(key);
		requireNonNull(fingerprint, "fingerprint");
		requireNonNull(codec, "codec");
		return IdempotencyKeys.recordId(this.context.config.getKeyPrefix(), scope, this.context.name,
				this.context.namespace, key);
	}

	@Override
	public String toString() {
		return "Idempotency[" + this.context.name
				+ ((this.context.namespace != null) ? " (" + this.context.namespace + ")" : "") + ", "
				+ this.context.config + "]";
	}

	/**
	 * A few daemon threads shared by every instance built without an executor of its own.
	 * Bounded: when its queue is full, the operation gets a thread of its own
	 * ({@link IdempotencyContext#dispatch}).
	 */
	private static final class SharedIoExecutor {

		static final Executor INSTANCE = Idempotency.newIoExecutor();

	}

}
