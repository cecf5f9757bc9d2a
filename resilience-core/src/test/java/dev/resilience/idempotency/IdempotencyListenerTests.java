package dev.resilience.idempotency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.resilience.idempotency.IdempotencyConfig.OnInProgress;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The listener rule every policy shares (registered once, removable, a failing listener
 * neither stops the others nor changes the call, a {@link VirtualMachineError} never
 * swallowed), and configured waits too long to count in nanoseconds.
 */
class IdempotencyListenerTests {

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final MemoryIdempotencyStore store = new MemoryIdempotencyStore(10, this.ticker);

	private final List<IdempotencyOutcome> outcomes = new ArrayList<>();

	private final Idempotency idempotency = Idempotency.of("payments", IdempotencyConfig.ofDefaults(), this.store,
			this.ticker, this.scheduler);

	@Test
	void listenerRegisteredTwiceHearsEachOutcomeOnce() throws Throwable {
		IdempotencyListener listener = (name, outcome) -> this.outcomes.add(outcome);
		this.idempotency.addListener(listener);
		this.idempotency.addListener(listener);
		execute("key-1");
		execute("key-1");
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.EXECUTED, IdempotencyOutcome.REPLAYED);
	}

	@Test
	void removedListenerHearsNoLaterOutcome() throws Throwable {
		IdempotencyListener listener = (name, outcome) -> this.outcomes.add(outcome);
		this.idempotency.addListener(listener);
		execute("key-1");
		this.idempotency.removeListener(listener);
		this.idempotency.removeListener(listener);
		execute("key-1");
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.EXECUTED);
	}

	@Test
	void listenerThrowingAnErrorNeitherStopsTheOthersNorFailsTheCall() throws Throwable {
		this.idempotency.addListener((name, outcome) -> {
			throw new AssertionError("listener bug");
		});
		this.idempotency.addListener((name, outcome) -> this.outcomes.add(outcome));
		assertThat(execute("key-1")).isEqualTo("ran:key-1");
		assertThat(execute("key-1")).isEqualTo("ran:key-1");
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.EXECUTED, IdempotencyOutcome.REPLAYED);
	}

	@Test
	void virtualMachineErrorFromAListenerIsNotSwallowed() {
		this.idempotency.addListener((name, outcome) -> {
			throw new StackOverflowError("listener recursed");
		});
		assertThatExceptionOfType(StackOverflowError.class).isThrownBy(() -> execute("key-1"))
			.withMessage("listener recursed");
		// the outcome is reported after the result is stored: the record is complete, not
		// left claimed
		String id = IdempotencyKeys.recordId("resilience:idem", null, "payments", "key-1");
		assertThat(this.store.find(id).orElseThrow().state()).isEqualTo(IdempotencyRecord.State.COMPLETED);
	}

	@Test
	void waitTooLongToCountInNanosecondsWaitsInsteadOfOverflowing() throws Throwable {
		String id = IdempotencyKeys.recordId("resilience:idem", null, "payments", "key-1");
		this.store.claim(id, "fp", Duration.ofMinutes(1));
		IdempotencyConfig config = IdempotencyConfig.custom()
			.onInProgress(OnInProgress.WAIT)
			.inProgressWait(Duration.ofSeconds(Long.MAX_VALUE))
			.build();
		Idempotency waiting = Idempotency.of("payments", config, this.store, this.ticker, this.scheduler);
		waiting.addListener((name, outcome) -> this.outcomes.add(outcome));
		// the other call's lease runs out after a minute of polling; then this one runs
		assertThat(waiting.execute("key-1", null, "fp", StringResultCodec.INSTANCE, this::run, "key-1"))
			.isEqualTo("ran:key-1");
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.EXECUTED);
		assertThat(this.ticker.read()).isGreaterThanOrEqualTo(Duration.ofMinutes(1).toNanos());
		// polls back off up to their cap, never a wait computed from an overflowed
		// deadline
		assertThat(this.scheduler.requestedDelays()).allSatisfy((delay) -> assertThat(delay).isPositive())
			.contains(10_000_000L, 250_000_000L);
	}

	private Object execute(String key) throws Throwable {
		return this.idempotency.execute(key, null, "fp", StringResultCodec.INSTANCE, this::run, key);
	}

	private String run(String argument) {
		return "ran:" + argument;
	}

}
