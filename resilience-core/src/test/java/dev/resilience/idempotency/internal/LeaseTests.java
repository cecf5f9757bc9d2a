package dev.resilience.idempotency.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.ContextPropagator;
import dev.resilience.idempotency.ClaimResult;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.idempotency.IdempotencyRecord;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.MemoryIdempotencyStore;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A running call's lease on its own: renewed every third of {@code in-progress-timeout}
 * by the I/O executor (never by the scheduler's thread), kept through a failing renewal,
 * and never renewed once ended, even by a renewal already on its way.
 */
class LeaseTests {

	private static final String ID = "record-1";

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final MemoryIdempotencyStore memory = new MemoryIdempotencyStore(10, this.ticker);

	private final CountingStore store = new CountingStore(this.memory);

	/** The I/O executor: holds each task until the test runs it. */
	private final Queue<Runnable> io = new ArrayDeque<>();

	private final IdempotencyContext context = new IdempotencyContext("payments", null,
			IdempotencyConfig.custom().inProgressTimeout(TIMEOUT).build(), this.store, this.ticker, this.scheduler,
			this.io::add, ContextPropagator.NONE);

	@Test
	void renewalIsTimedByTheSchedulerButRunOnTheIoExecutorEveryThirdOfTheTimeout() {
		Lease lease = lease();
		this.scheduler.advance(Duration.ofSeconds(9));
		assertThat(this.io).isEmpty();
		this.scheduler.advance(Duration.ofSeconds(1));
		assertThat(this.io).hasSize(1);
		assertThat(this.store.renewals).as("the scheduler's thread does no store I/O").hasValue(0);
		runIo();
		assertThat(this.store.renewals).hasValue(1);
		// renewed 10 seconds in: the lease now runs to 40 seconds, past the first 30
		this.scheduler.advance(Duration.ofSeconds(25));
		runIo();
		assertThat(this.memory.find(ID).orElseThrow().state()).isEqualTo(IdempotencyRecord.State.IN_PROGRESS);
		lease.end();
	}

	@Test
	void failingRenewalIsTriedAgainAtTheNextPeriod() {
		Lease lease = lease();
		this.store.failing.set(true);
		this.scheduler.advance(Duration.ofSeconds(10));
		runIo();
		assertThat(this.store.renewals).hasValue(1);
		this.store.failing.set(false);
		this.scheduler.advance(Duration.ofSeconds(10));
		runIo();
		assertThat(this.store.renewals).hasValue(2);
		this.scheduler.advance(Duration.ofSeconds(25));
		assertThat(this.memory.find(ID)).as("kept alive by the second renewal").isPresent();
		lease.end();
	}

	@Test
	void renewalAlreadyHandedToTheIoExecutorDoesNothingOnceTheLeaseEnded() {
		Lease lease = lease();
		this.scheduler.advance(Duration.ofSeconds(10));
		assertThat(this.io).hasSize(1);
		lease.end();
		runIo();
		assertThat(this.store.renewals).hasValue(0);
		assertThat(this.scheduler.pendingTasks()).isZero();
	}

	@Test
	void endingCancelsTheScheduledRenewal() {
		Lease lease = lease();
		assertThat(this.scheduler.pendingTasks()).isOne();
		lease.end();
		assertThat(this.scheduler.pendingTasks()).isZero();
		this.scheduler.advance(Duration.ofMinutes(5));
		assertThat(this.io).isEmpty();
	}

	private Lease lease() {
		ClaimResult.Claimed claimed = (ClaimResult.Claimed) this.memory.claim(ID, "fp", TIMEOUT);
		return new Lease(this.context, ID, claimed.leaseToken());
	}

	private void runIo() {
		Runnable task;
		while ((task = this.io.poll()) != null) {
			task.run();
		}
	}

	/** Counts renewals, and fails them on demand. */
	private static final class CountingStore implements IdempotencyStore {

		final AtomicInteger renewals = new AtomicInteger();

		final AtomicBoolean failing = new AtomicBoolean();

		private final IdempotencyStore delegate;

		CountingStore(IdempotencyStore delegate) {
			this.delegate = delegate;
		}

		@Override
		public ClaimResult claim(String recordId, String fingerprint, Duration leaseTimeout) {
			return this.delegate.claim(recordId, fingerprint, leaseTimeout);
		}

		@Override
		public boolean complete(String recordId, String leaseToken, byte[] result, Duration ttl) {
			return this.delegate.complete(recordId, leaseToken, result, ttl);
		}

		@Override
		public boolean renew(String recordId, String leaseToken, Duration leaseTimeout) {
			this.renewals.incrementAndGet();
			if (this.failing.get()) {
				throw new IllegalStateException("connection reset");
			}
			return this.delegate.renew(recordId, leaseToken, leaseTimeout);
		}

		@Override
		public boolean release(String recordId, String leaseToken) {
			return this.delegate.release(recordId, leaseToken);
		}

		@Override
		public Optional<IdempotencyRecord> find(String recordId) {
			return this.delegate.find(recordId);
		}

	}

}
