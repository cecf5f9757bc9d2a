package dev.resilience.idempotency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import dev.resilience.testing.FakeTicker;

/**
 * An {@link IdempotencyStore} wrapper that fails, delays or times out any operation at any step,
 * by a {@link Plan} asked before each operation. Time passes only on the fake ticker, so a "slow"
 * or "timed out" operation is instant for the test but real for every lease. Records which
 * operations ran, on which thread, so tests can check where store I/O happens. Thread-safe.
 */
public final class FaultInjectingStore implements IdempotencyStore {

	private final IdempotencyStore delegate;

	private final FakeTicker ticker;

	private final Duration lease;

	private final Map<Operation, AtomicInteger> counts = new EnumMap<>(Operation.class);

	private final List<String> log = new ArrayList<>();

	private volatile Plan plan = Plan.NONE;

	/**
	 * @param lease the lease the callers use: a timed-out operation lets more than it pass
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

	@Override
	public ClaimResult claim(String recordId, String fingerprint, Duration leaseTimeout) {
		return apply(Operation.CLAIM, () -> this.delegate.claim(recordId, fingerprint, leaseTimeout));
	}

	@Override
	public boolean complete(String recordId, String leaseToken, byte[] result, Duration ttl) {
		return apply(Operation.COMPLETE, () -> this.delegate.complete(recordId, leaseToken, result, ttl));
	}

	@Override
	public boolean renew(String recordId, String leaseToken, Duration leaseTimeout) {
		return apply(Operation.RENEW, () -> this.delegate.renew(recordId, leaseToken, leaseTimeout));
	}

	@Override
	public boolean release(String recordId, String leaseToken) {
		return apply(Operation.RELEASE, () -> this.delegate.release(recordId, leaseToken));
	}

	@Override
	public Optional<IdempotencyRecord> find(String recordId) {
		return apply(Operation.FIND, () -> this.delegate.find(recordId));
	}

	private <T> T apply(Operation operation, java.util.function.Supplier<T> action) {
		int call = this.counts.get(operation).incrementAndGet();
		synchronized (this) {
			this.log.add(operation + "@" + Thread.currentThread().getName());
		}
		Fault fault = this.plan.next(operation, call);
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

		/** The store applies the operation, then the reply is lost: the caller sees a failure. */
		FAIL_AFTER,

		/** Half a lease passes on the store's clock, then the operation runs. */
		DELAY,

		/** More than a lease passes on the store's clock, then the operation fails unapplied. */
		TIME_OUT

	}

	/** Decides the fault of each operation; {@code call} counts that operation's calls from 1. */
	@FunctionalInterface
	public interface Plan {

		Plan NONE = (operation, call) -> Fault.NONE;

		Fault next(Operation operation, int call);

		/** {@code fault} for the first {@code times} calls of {@code operation}, none otherwise. */
		static Plan first(Operation operation, int times, Fault fault) {
			return (op, call) -> (op == operation && call <= times) ? fault : Fault.NONE;
		}

	}

}
