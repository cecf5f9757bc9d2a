package dev.resilience.idempotency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.resilience.testing.FakeTicker;

/**
 * An {@link IdempotencyStore} wrapper that fails, delays or times out any operation at
 * any step, by a {@link Plan} asked before each operation. Time passes only on the fake
 * ticker, so a "slow" or "timed out" operation is instant for the test but real for every
 * lease. Records which operations ran, on which thread, so tests can check where store
 * I/O happens. Thread-safe.
 */
public final class FaultInjectingStore implements IdempotencyStore {

	private final IdempotencyStore delegate;

	private final FakeTicker ticker;

	private final Duration lease;

	private final Map<Operation, AtomicInteger> counts = new EnumMap<>(Operation.class);

	private final List<String> log = new ArrayList<>();

	private final Map<String, String> lastClaimed = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> faultedRenewals = new ConcurrentHashMap<>();

	private final AtomicInteger timeFaults = new AtomicInteger();

	private volatile Plan plan = Plan.NONE;

	/**
	 * @param lease the lease the callers use: a timed-out operation lets more than it
	 * pass
	 */
	public FaultInjectingStore(IdempotencyStore delegate, FakeTicker ticker, Duration lease) {
		this.delegate = delegate;
		this.ticker = ticker;
		this.lease = lease;
		for (Operation operation : Operation.values()) {
			this.counts.put(operation, new AtomicInteger());
		}
	}

	public FaultInjectingStore plan(Plan plan) {
		this.plan = plan;
		return this;
	}

	/** How many times {@code operation} was called, faulty or not. */
	public int count(Operation operation) {
		return this.counts.get(operation).get();
	}

	/** Every operation as {@code "OPERATION@thread-name"}, in call order. */
	public synchronized List<String> log() {
		return new ArrayList<>(this.log);
	}

	/**
	 * Token of the last claim the store granted for {@code recordId}, whether its reply
	 * got through or not.
	 */
	public String lastClaimedToken(String recordId) {
		return this.lastClaimed.get(recordId);
	}

	/** How many renewals of the lease {@code token} failed or timed out here. */
	public int faultedRenewals(String token) {
		AtomicInteger count = this.faultedRenewals.get(token);
		return (count != null) ? count.get() : 0;
	}

	/** How many operations let store time pass (delays and time-outs). */
	public int timeFaults() {
		return this.timeFaults.get();
	}

	@Override
	public ClaimResult claim(String recordId, String fingerprint, Duration leaseTimeout) {
		return apply(Operation.CLAIM, null, () -> {
			ClaimResult result = this.delegate.claim(recordId, fingerprint, leaseTimeout);
			if (result instanceof ClaimResult.Claimed claimed) {
				this.lastClaimed.put(recordId, claimed.leaseToken());
			}
			return result;
		});
	}

	@Override
	public boolean complete(String recordId, String leaseToken, byte[] result, Duration ttl) {
		return apply(Operation.COMPLETE, null, () -> this.delegate.complete(recordId, leaseToken, result, ttl));
	}

	@Override
	public boolean renew(String recordId, String leaseToken, Duration leaseTimeout) {
		return apply(Operation.RENEW, leaseToken, () -> this.delegate.renew(recordId, leaseToken, leaseTimeout));
	}

	@Override
	public boolean release(String recordId, String leaseToken) {
		return apply(Operation.RELEASE, null, () -> this.delegate.release(recordId, leaseToken));
	}

	@Override
	public Optional<IdempotencyRecord> find(String recordId) {
		return apply(Operation.FIND, null, () -> this.delegate.find(recordId));
	}

	private <T> T apply(Operation operation, String renewedToken, Supplier<T> action) {
		int call = this.counts.get(operation).incrementAndGet();
		synchronized (this) {
			this.log.add(operation + "@" + Thread.currentThread().getName());
		}
		Fault fault = this.plan.next(operation, call);
		if (fault == Fault.DELAY || fault == Fault.TIME_OUT) {
			this.timeFaults.incrementAndGet();
		}
		if (renewedToken != null && (fault == Fault.FAIL || fault == Fault.TIME_OUT)) {
			this.faultedRenewals.computeIfAbsent(renewedToken, (token) -> new AtomicInteger()).incrementAndGet();
		}
		switch (fault) {
			case FAIL:
				throw IdempotencyStoreUnavailableException.forStore("Faulty", operation.name().toLowerCase(),
						new RuntimeException("injected failure before " + operation));
			case FAIL_AFTER: {
				action.get();
				throw IdempotencyStoreUnavailableException.forStore("Faulty", operation.name().toLowerCase(),
						new RuntimeException("injected failure after " + operation + " (reply lost)"));
			}
			case DELAY:
				this.ticker.advance(this.lease.dividedBy(2));
				return action.get();
			case TIME_OUT:
				this.ticker.advance(this.lease.plusNanos(1));
				throw IdempotencyStoreUnavailableException.forStore("Faulty", operation.name().toLowerCase(),
						new RuntimeException("injected time-out of " + operation));
			default:
				return action.get();
		}
	}

	public enum Operation {

		CLAIM, COMPLETE, RENEW, RELEASE, FIND

	}

	public enum Fault {

		/** The operation runs normally. */
		NONE,

		/** Throws before the store is reached: nothing changed. */
		FAIL,

		/**
		 * The store applies the operation, then the reply is lost: the caller sees a
		 * failure.
		 */
		FAIL_AFTER,

		/** Half a lease passes on the store's clock, then the operation runs. */
		DELAY,

		/**
		 * More than a lease passes on the store's clock, then the operation fails
		 * unapplied.
		 */
		TIME_OUT

	}

	/**
	 * Decides the fault of each operation; {@code call} counts that operation's calls
	 * from 1.
	 */
	@FunctionalInterface
	public interface Plan {

		Plan NONE = (operation, call) -> Fault.NONE;

		Fault next(Operation operation, int call);

		/**
		 * {@code fault} for the first {@code times} calls of {@code operation}, none
		 * otherwise.
		 */
		static Plan first(Operation operation, int times, Fault fault) {
			return (op, call) -> (op == operation && call <= times) ? fault : Fault.NONE;
		}

	}

}
