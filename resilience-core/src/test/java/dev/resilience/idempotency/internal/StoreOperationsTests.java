package dev.resilience.idempotency.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.idempotency.ClaimResult;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.idempotency.IdempotencyOutcome;
import dev.resilience.idempotency.IdempotencyRecord;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.IdempotencyStoreUnavailableException;
import dev.resilience.idempotency.MemoryIdempotencyStore;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The store steps on their own: the fault handling of claim, complete and release, and
 * that every ending of a completion or release stops the lease's renewals.
 */
class StoreOperationsTests {

	private static final String ID = "record-1";

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final MemoryIdempotencyStore memory = new MemoryIdempotencyStore(10, this.ticker);

	private final FlakyStore store = new FlakyStore(this.memory);

	private final List<IdempotencyOutcome> outcomes = new ArrayList<>();

	@AfterEach
	void clearInterrupt() {
		Thread.interrupted();
	}

	@Test
	void failedClaimIsReportedOnceAndRefusesTheCall() {
		this.store.failuresLeft.set(1);
		StoreOperations operations = operations(this.scheduler);
		assertThatExceptionOfType(IdempotencyStoreUnavailableException.class)
			.isThrownBy(() -> operations.claim(ID, "fp"))
			.withMessageContaining("failed to claim");
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.STORE_UNAVAILABLE);
	}

	@Test
	void completionIsTriedAtMostThreeTimesThenLeftToExpireAndTheLeaseStopsRenewing() {
		StoreOperations operations = operations(this.scheduler);
		Lease lease = claim(operations);
		this.store.failuresLeft.set(Integer.MAX_VALUE);
		assertThat(operations.complete(lease, new byte[] { 1 })).isEqualTo(IdempotencyOutcome.STORE_UNAVAILABLE);
		assertThat(this.store.completeCalls).hasValue(StoreOperations.STORE_WRITE_ATTEMPTS);
		assertThat(this.scheduler.pendingTasks()).as("no renewal after the end").isZero();
		this.store.failuresLeft.set(0);
		assertThat(this.memory.find(ID).orElseThrow().state()).isEqualTo(IdempotencyRecord.State.IN_PROGRESS);
	}

	@Test
	void interruptWhileWaitingToRetryAReleaseStopsRetryingKeepsTheFlagAndTellsTheFailure() {
		Scheduler interrupting = new Scheduler() {

			@Override
			public Cancellable schedule(Runnable task, long delayNanos) {
				return StoreOperationsTests.this.scheduler.schedule(task, delayNanos);
			}

			@Override
			public void sleep(long delayNanos) throws InterruptedException {
				throw new InterruptedException("shutting down");
			}

		};
		StoreOperations operations = operations(interrupting);
		Lease lease = claim(operations);
		this.store.failuresLeft.set(Integer.MAX_VALUE);
		RuntimeException failure = new RuntimeException("method failed");
		assertThat(operations.release(lease, failure)).isEqualTo(IdempotencyOutcome.STORE_UNAVAILABLE);
		assertThat(Thread.currentThread().isInterrupted()).isTrue();
		assertThat(this.store.releaseCalls).as("no retry once interrupted").hasValue(1);
		assertThat(failure.getSuppressed()).singleElement()
			.isInstanceOf(IdempotencyStoreUnavailableException.class)
			.satisfies((suppressed) -> assertThat(suppressed).hasMessageContaining("failed to release"));
		assertThat(this.scheduler.pendingTasks()).as("no renewal after the end").isZero();
	}

	@Test
	void releaseWhoseReplyWasLostIsRecognisedByTheRecordBeingGone() {
		StoreOperations operations = operations(this.scheduler);
		Lease lease = claim(operations);
		this.store.applyThenFail.set(true);
		assertThat(operations.release(lease, null)).isEqualTo(IdempotencyOutcome.EXECUTED);
		assertThat(this.store.releaseCalls).hasValue(2);
		assertThat(this.memory.find(ID)).isEmpty();
	}

	@Test
	void completionRefusedBecauseTheLeaseWasTakenIsALostLease() {
		StoreOperations operations = operations(this.scheduler);
		Lease lease = claim(operations);
		this.ticker.advance(Duration.ofMinutes(5));
		this.memory.claim(ID, "fp", Duration.ofMinutes(1));
		assertThat(operations.complete(lease, new byte[] { 1 })).isEqualTo(IdempotencyOutcome.LEASE_LOST);
		assertThat(this.memory.find(ID).orElseThrow().state()).isEqualTo(IdempotencyRecord.State.IN_PROGRESS);
	}

	private Lease claim(StoreOperations operations) {
		ClaimResult.Claimed claimed = (ClaimResult.Claimed) operations.claim(ID, "fp");
		Lease lease = new Lease(context(this.scheduler), ID, claimed.leaseToken());
		assertThat(this.scheduler.pendingTasks()).as("renewal scheduled").isOne();
		return lease;
	}

	private StoreOperations operations(Scheduler scheduler) {
		return new StoreOperations(context(scheduler));
	}

	private IdempotencyContext context(Scheduler scheduler) {
		IdempotencyContext context = new IdempotencyContext("payments", null, IdempotencyConfig.ofDefaults(),
				this.store, this.ticker, scheduler, Runnable::run, ContextPropagator.NONE);
		context.listeners.add((name, outcome) -> this.outcomes.add(outcome));
		return context;
	}

	/**
	 * Fails the next operations on demand, or applies one release and loses its reply.
	 */
	private static final class FlakyStore implements IdempotencyStore {

		final AtomicInteger failuresLeft = new AtomicInteger();

		final AtomicInteger completeCalls = new AtomicInteger();

		final AtomicInteger releaseCalls = new AtomicInteger();

		final AtomicBoolean applyThenFail = new AtomicBoolean();

		private final IdempotencyStore delegate;

		FlakyStore(IdempotencyStore delegate) {
			this.delegate = delegate;
		}

		private void maybeFail() {
			if (this.failuresLeft.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
				throw new IllegalStateException("connection reset");
			}
		}

		@Override
		public ClaimResult claim(String recordId, String fingerprint, Duration leaseTimeout) {
			maybeFail();
			return this.delegate.claim(recordId, fingerprint, leaseTimeout);
		}

		@Override
		public boolean complete(String recordId, String leaseToken, byte[] result, Duration ttl) {
			this.completeCalls.incrementAndGet();
			maybeFail();
			return this.delegate.complete(recordId, leaseToken, result, ttl);
		}

		@Override
		public boolean renew(String recordId, String leaseToken, Duration leaseTimeout) {
			maybeFail();
			return this.delegate.renew(recordId, leaseToken, leaseTimeout);
		}

		@Override
		public boolean release(String recordId, String leaseToken) {
			this.releaseCalls.incrementAndGet();
			if (this.applyThenFail.compareAndSet(true, false)) {
				this.delegate.release(recordId, leaseToken);
				throw new IllegalStateException("reply lost");
			}
			maybeFail();
			return this.delegate.release(recordId, leaseToken);
		}

		@Override
		public Optional<IdempotencyRecord> find(String recordId) {
			maybeFail();
			return this.delegate.find(recordId);
		}

	}

}
