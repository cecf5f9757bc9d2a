package dev.resilience.idempotency;

import java.util.concurrent.CompletionStage;

import dev.resilience.CheckedFunction;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.idempotency.internal.IdempotencyImpl;

/**
 * One idempotency instance: runs a call at most once per key while the key's record lives in the
 * {@link IdempotencyStore} (SPEC §4).
 * <ul>
 * <li>The key is validated first; an invalid key fails with {@link InvalidIdempotencyKeyException}
 * before the store is touched.</li>
 * <li>First call: claimed, run, its result encoded by the {@link ResultCodec} and stored for
 * {@code ttl}, then returned. If the method fails, the claim is released and the failure
 * propagates unchanged. If the result cannot be encoded, the claim is released and
 * {@link IdempotencyResultException} is thrown.</li>
 * <li>Repeat after completion with an equal fingerprint: the stored result is decoded and returned;
 * the method does not run. With another fingerprint, in any state:
 * {@link IdempotencyKeyReusedException}.</li>
 * <li>Repeat while in progress: {@link IdempotencyInProgressException} at once ({@code REJECT}) or
 * after polling the store for up to {@code in-progress-wait} by the injected ticker ({@code WAIT});
 * waits go through the injected scheduler, and asynchronous calls never block a thread.</li>
 * <li>The store fails: {@link IdempotencyStoreUnavailableException}; the method does not run.</li>
 * </ul>
 * Thread-safe. Every call reports exactly one {@link IdempotencyOutcome} to the listeners.
 */
public interface Idempotency {

	static Idempotency of(String name, IdempotencyConfig config, IdempotencyStore store) {
		return of(name, config, store, Ticker.system(), Scheduler.system());
	}

	static Idempotency of(String name, IdempotencyConfig config, IdempotencyStore store, Ticker ticker,
			Scheduler scheduler) {
		return new IdempotencyImpl(name, config, store, ticker, scheduler);
	}

	String getName();

	IdempotencyConfig getConfig();

	/** Registers a listener; listeners registered before a call see its outcome. */
	void addListener(IdempotencyListener listener);

	/**
	 * Runs {@code call.apply(argument)} at most once for {@code key} in {@code scope}.
	 * @param key the caller's idempotency key, validated here
	 * @param scope principal name, or {@code null} for the global scope
	 * @param fingerprint fingerprint of the call's arguments (compared on reuse of the key)
	 * @param codec stores and replays the result
	 * @return the method's result, or the replayed one
	 */
	<A> Object execute(String key, String scope, String fingerprint, ResultCodec codec,
			CheckedFunction<? super A, ?> call, A argument) throws Throwable;

	/**
	 * Asynchronous counterpart of {@link #execute}: the result is the returned stage's value, and
	 * every refusal or failure completes the returned stage exceptionally instead of throwing.
	 * The store is claimed on the calling thread; the result is stored when the call's stage completes.
	 */
	<A> CompletionStage<Object> executeAsync(String key, String scope, String fingerprint, ResultCodec codec,
			CheckedFunction<? super A, ? extends CompletionStage<?>> call, A argument);

}
