package dev.resilience.idempotency;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.fallback.FallbackAnswer;
import dev.resilience.idempotency.internal.IdempotencyImpl;

import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * One idempotency instance: runs a call at most once per key while the key's record lives
 * in the {@link IdempotencyStore} (the semantics table of {@code docs/idempotency.md}).
 * <ul>
 * <li>The key is validated first; an invalid key fails with
 * {@link InvalidIdempotencyKeyException} before the store is touched.</li>
 * <li>First call: claimed, run, its result encoded by the {@link ResultCodec} and stored
 * for {@code ttl}, then returned. If the method fails, the claim is released and the
 * failure propagates unchanged. If the result cannot be encoded, the claim is released
 * and {@link IdempotencyResultException} is thrown.</li>
 * <li>A {@link FallbackAnswer} (a degraded answer handed up by a fallback stage) is
 * unwrapped: the caller gets its value, and its claim is released unless
 * {@code storeFallbackResults}, in which case it is stored like any result.</li>
 * <li>While the method runs its lease is renewed every third of
 * {@code in-progress-timeout}, so a live call is never taken over; only a crashed owner's
 * lease expires. A call that outlives its lease anyway (renewals failed) is logged at
 * WARN and counted as {@link IdempotencyOutcome#LEASE_LOST}.</li>
 * <li>A store error while completing or releasing is retried a few times; completion that
 * still fails leaves the claim to expire with its lease, never a completed record without
 * its result.</li>
 * <li>Repeat after completion with an equal fingerprint: the stored result is decoded and
 * returned; the method does not run. With another fingerprint, in any state:
 * {@link IdempotencyKeyReusedException}.</li>
 * <li>Repeat while in progress: {@link IdempotencyInProgressException} at once
 * ({@code REJECT}) or after polling the store for up to {@code in-progress-wait} by the
 * injected ticker ({@code WAIT}); waits go through the injected scheduler, and
 * asynchronous calls never block a thread. A synchronous wait that is interrupted ends
 * with the same exception, the thread still interrupted.</li>
 * <li>The store fails: {@link IdempotencyStoreUnavailableException}; the method does not
 * run.</li>
 * </ul>
 * Asynchronous calls do their store operations after the first claim (polls, renewals,
 * completion, release) on the I/O executor, and complete the caller's stage there; a
 * method started after a wait runs with the caller's context, carried by the
 * {@link ContextPropagator}.
 * <p>
 * Thread-safe. Every call reports exactly one {@link IdempotencyOutcome} to the
 * listeners.
 */
public interface Idempotency {

	/**
	 * An instance on the system clock and scheduler, with a small shared pool of daemon
	 * threads for asynchronous store operations.
	 */
	static Idempotency of(String name, IdempotencyConfig config, IdempotencyStore store) {
		return builder(name, config, store).build();
	}

	/**
	 * An instance whose asynchronous store operations run on the thread that gets to them
	 * (the caller's, or the one completing the method's stage); for tests and stores that
	 * never block.
	 */
	static Idempotency of(String name, IdempotencyConfig config, IdempotencyStore store, Ticker ticker,
			Scheduler scheduler) {
		return builder(name, config, store).ticker(ticker).scheduler(scheduler).ioExecutor(Runnable::run).build();
	}

	static Builder builder(String name, IdempotencyConfig config, IdempotencyStore store) {
		return new Builder(name, config, store);
	}

	/**
	 * A new pool for the blocking store operations of asynchronous calls (polls,
	 * renewals, completion, release): two to four daemon threads named
	 * {@code resilience-idempotency-io-N}, idle threads ending after a minute, a bounded
	 * queue. The caller owns it and shuts it down.
	 */
	static ExecutorService newIoExecutor() {
		int threads = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
		AtomicInteger count = new AtomicInteger();
		ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(1024), (runnable) -> {
					Thread thread = new Thread(runnable, "resilience-idempotency-io-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	/** The configuration name: the metric tag and the name in every exception. */
	String getName();

	/**
	 * The namespace of this instance's records within its name, or {@code null} when the
	 * name alone is the namespace.
	 */
	String getNamespace();

	IdempotencyConfig getConfig();

	/** Where this instance keeps its records. */
	IdempotencyStore getStore();

	/**
	 * Registers a listener; listeners registered before a call see its outcome. A
	 * listener already registered is ignored; one that throws is logged and does not
	 * change the call's outcome.
	 */
	void addListener(IdempotencyListener listener);

	/** Unregisters a listener; one not registered is ignored. */
	void removeListener(IdempotencyListener listener);

	/**
	 * Checks a key as {@link #execute} would, so that a caller can refuse an invalid key
	 * before computing the call's fingerprint; an invalid key is reported as
	 * {@link IdempotencyOutcome#INVALID_KEY}.
	 * @throws InvalidIdempotencyKeyException naming the broken rule, never the key
	 */
	void validateKey(String key);

	/**
	 * Runs {@code call.apply(argument)} at most once for {@code key} in {@code scope}.
	 * @param key the caller's idempotency key, validated here
	 * @param scope principal name, or {@code null} for the global scope
	 * @param fingerprint fingerprint of the call's arguments (compared on reuse of the
	 * key)
	 * @param codec stores and replays the result
	 * @return the method's result, or the replayed one
	 */
	<A> Object execute(String key, String scope, String fingerprint, ResultCodec codec,
			CheckedFunction<? super A, ?> call, A argument) throws Throwable;

	/**
	 * Asynchronous counterpart of {@link #execute}: the result is the returned stage's
	 * value, and every refusal or failure completes the returned stage exceptionally
	 * instead of throwing. The store is first claimed on the calling thread; the result
	 * is stored when the call's own stage completes, whatever the caller does to the
	 * returned stage (cancelling or completing it neither ends the lease early nor stops
	 * the result from being stored). A caller that cancels (or completes) the returned
	 * stage while it waits for another call with the key stops the wait: its method is
	 * not started later, and the call is reported as
	 * {@link IdempotencyOutcome#IN_PROGRESS}.
	 */
	<A> CompletionStage<Object> executeAsync(String key, String scope, String fingerprint, ResultCodec codec,
			CheckedFunction<? super A, ? extends CompletionStage<?>> call, A argument);

	/**
	 * Builds an {@link Idempotency}; every setting but the name, configuration and store
	 * is optional.
	 */
	final class Builder {

		private final String name;

		private final IdempotencyConfig config;

		private final IdempotencyStore store;

		private Ticker ticker = Ticker.system();

		private Scheduler scheduler = Scheduler.system();

		private Executor ioExecutor;

		private ContextPropagator contextPropagator = ContextPropagator.NONE;

		private String namespace;

		private Builder(String name, IdempotencyConfig config, IdempotencyStore store) {
			this.name = requireNonNull(name, "name");
			this.config = requireNonNull(config, "config");
			this.store = requireNonNull(store, "store");
		}

		public Builder ticker(Ticker ticker) {
			this.ticker = requireNonNull(ticker, "ticker");
			return this;
		}

		/** Times waits and lease renewals; never runs a store operation itself. */
		public Builder scheduler(Scheduler scheduler) {
			this.scheduler = requireNonNull(scheduler, "scheduler");
			return this;
		}

		/**
		 * Runs the store operations of asynchronous calls (and every lease renewal);
		 * default: a small shared pool of daemon threads.
		 */
		public Builder ioExecutor(Executor ioExecutor) {
			this.ioExecutor = requireNonNull(ioExecutor, "ioExecutor");
			return this;
		}

		/**
		 * Carries the caller's context to a method started after an asynchronous wait.
		 */
		public Builder contextPropagator(ContextPropagator contextPropagator) {
			this.contextPropagator = requireNonNull(contextPropagator, "contextPropagator");
			return this;
		}

		/**
		 * Keeps this instance's records apart from every other instance of the same name,
		 * such as one method's under a default name (its class, method and parameter
		 * types); {@code null} (the default) shares the name's namespace.
		 */
		public Builder namespace(String namespace) {
			this.namespace = namespace;
			return this;
		}

		public Idempotency build() {
			return new IdempotencyImpl(this.name, this.namespace, this.config, this.store, this.ticker, this.scheduler,
					(this.ioExecutor != null) ? this.ioExecutor : IdempotencyImpl.sharedIoExecutor(),
					this.contextPropagator);
		}

	}

}
