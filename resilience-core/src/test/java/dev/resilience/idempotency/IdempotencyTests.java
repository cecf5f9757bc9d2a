package dev.resilience.idempotency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Executor behaviour that no real store can provoke on demand: a failing store. */
class IdempotencyTests {

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final List<IdempotencyOutcome> outcomes = new ArrayList<>();

	private final AtomicInteger invocations = new AtomicInteger();

	@Test
	void unreachableStoreFailsClosedWithoutRunningTheMethod() {
		RuntimeException down = new RuntimeException("Connection refused");
		Idempotency idempotency = idempotency(new FailingStore(down, null, null));
		Throwable thrown = catchThrowable(
				() -> idempotency.execute("key-1", null, "fp", StringResultCodec.INSTANCE, this::run, "x"));
		assertThat(thrown).isInstanceOf(IdempotencyStoreUnavailableException.class)
			.hasMessageContaining("'payments'")
			.hasMessageContaining("Connection refused")
			.hasMessageNotContaining("key-1")
			.hasCause(down);
		assertThat(((IdempotencyStoreUnavailableException) thrown).getInstanceName()).isEqualTo("payments");
		assertThat(this.invocations).hasValue(0);
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.STORE_UNAVAILABLE);
	}

	@Test
	void unreachableStoreFailsTheAsynchronousCallsStage() {
		IdempotencyStoreUnavailableException down = IdempotencyStoreUnavailableException.forStore("Redis", "claim",
				new RuntimeException("timeout"));
		Idempotency idempotency = idempotency(new FailingStore(down, null, null));
		CompletionStage<Object> stage = idempotency.executeAsync("key-1", null, "fp", StringResultCodec.INSTANCE,
				(String argument) -> CompletableFuture.completedFuture(run(argument)), "x");
		assertThat(stage.toCompletableFuture()).isCompletedExceptionally();
		assertThatThrownBy(stage.toCompletableFuture()::join)
			.hasCauseInstanceOf(IdempotencyStoreUnavailableException.class)
			.hasRootCauseMessage("timeout");
		assertThat(this.invocations).hasValue(0);
	}

	@Test
	void resultIsReturnedWhenTheStoreFailsAfterTheMethodRan() throws Throwable {
		Idempotency idempotency = idempotency(new FailingStore(null, new RuntimeException("lost"), null));
		assertThat(idempotency.execute("key-1", null, "fp", StringResultCodec.INSTANCE, this::run, "x"))
			.isEqualTo("ran:x");
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.STORE_UNAVAILABLE);
	}

	@Test
	void failureToReleaseIsAttachedToTheMethodsFailure() {
		RuntimeException releaseFailure = new RuntimeException("release failed");
		Idempotency idempotency = idempotency(new FailingStore(null, null, releaseFailure));
		IllegalStateException failure = new IllegalStateException("declined");
		Throwable thrown = catchThrowable(
				() -> idempotency.execute("key-1", null, "fp", StringResultCodec.INSTANCE, (String argument) -> {
					throw failure;
				}, "x"));
		assertThat(thrown).isSameAs(failure);
		assertThat(failure.getSuppressed()).singleElement()
			.isInstanceOf(IdempotencyStoreUnavailableException.class)
			.satisfies((suppressed) -> assertThat(suppressed.getCause()).isSameAs(releaseFailure));
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.STORE_UNAVAILABLE);
	}

	@Test
	void asynchronousCallThatThrowsBeforeReturningAStageReleasesItsClaim() {
		MemoryIdempotencyStore store = new MemoryIdempotencyStore(10, this.ticker);
		Idempotency idempotency = idempotency(store);
		IllegalStateException failure = new IllegalStateException("boom");
		CompletionStage<Object> stage = idempotency.executeAsync("key-1", null, "fp", StringResultCodec.INSTANCE,
				(String argument) -> {
					throw failure;
				}, "x");
		assertThatThrownBy(stage.toCompletableFuture()::join).hasCause(failure);
		assertThat(store.find(IdempotencyKeys.recordId("resilience:idem", null, "payments", "key-1"))).isEmpty();
	}

	@Test
	void asynchronousCallReturningNullFailsAndReleasesItsClaim() {
		MemoryIdempotencyStore store = new MemoryIdempotencyStore(10, this.ticker);
		Idempotency idempotency = idempotency(store);
		CompletionStage<Object> stage = idempotency.executeAsync("key-1", null, "fp", StringResultCodec.INSTANCE,
				(String argument) -> null, "x");
		assertThatThrownBy(stage.toCompletableFuture()::join).hasCauseInstanceOf(NullPointerException.class)
			.hasMessageContaining("returned null instead of a CompletionStage");
		assertThat(store.find(IdempotencyKeys.recordId("resilience:idem", null, "payments", "key-1"))).isEmpty();
	}

	@Test
	void asynchronousResultIsStoredOnlyWhenItsStageCompletes() {
		MemoryIdempotencyStore store = new MemoryIdempotencyStore(10, this.ticker);
		Idempotency idempotency = idempotency(store);
		CompletableFuture<String> pending = new CompletableFuture<>();
		CompletionStage<Object> stage = idempotency.executeAsync("key-1", null, "fp", StringResultCodec.INSTANCE,
				(String argument) -> pending, "x");
		String id = IdempotencyKeys.recordId("resilience:idem", null, "payments", "key-1");
		assertThat(stage.toCompletableFuture()).isNotDone();
		assertThat(store.find(id).orElseThrow().state()).isEqualTo(IdempotencyRecord.State.IN_PROGRESS);
		pending.complete("done");
		assertThat(stage.toCompletableFuture()).isCompletedWithValue("done");
		assertThat(store.find(id).orElseThrow().state()).isEqualTo(IdempotencyRecord.State.COMPLETED);
	}

	@Test
	void throwingListenerDoesNotChangeTheOutcome() throws Throwable {
		Idempotency idempotency = Idempotency.of("payments", IdempotencyConfig.ofDefaults(),
				new MemoryIdempotencyStore(10, this.ticker), this.ticker, this.scheduler);
		idempotency.addListener((name, outcome) -> {
			throw new IllegalStateException("listener bug");
		});
		idempotency.addListener((name, outcome) -> this.outcomes.add(outcome));
		assertThat(idempotency.execute("key-1", null, "fp", StringResultCodec.INSTANCE, this::run, "x"))
			.isEqualTo("ran:x");
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.EXECUTED);
	}

	@Test
	void storedResultThatNoLongerDecodesFailsClearly() {
		MemoryIdempotencyStore store = new MemoryIdempotencyStore(10, this.ticker);
		String id = IdempotencyKeys.recordId("resilience:idem", null, "payments", "key-1");
		String token = ((ClaimResult.Claimed) store.claim(id, "fp", Duration.ofMinutes(1))).leaseToken();
		store.complete(id, token, new byte[] { 'X' }, Duration.ofHours(1));
		Idempotency idempotency = idempotency(store);
		assertThatThrownBy(() -> idempotency.execute("key-1", null, "fp", StringResultCodec.INSTANCE, this::run, "x"))
			.isInstanceOf(IdempotencyResultException.class)
			.hasMessageContaining("stored result cannot be read");
		assertThat(this.invocations).hasValue(0);
	}

	private Idempotency idempotency(IdempotencyStore store) {
		Idempotency idempotency = Idempotency.of("payments", IdempotencyConfig.ofDefaults(), store, this.ticker,
				this.scheduler);
		idempotency.addListener((name, outcome) -> this.outcomes.add(outcome));
		return idempotency;
	}

	private Object run(String argument) {
		this.invocations.incrementAndGet();
		return "ran:" + argument;
	}

	/**
	 * Claims succeed unless {@code claimFailure}; complete and release fail when given a
	 * failure.
	 */
	private static final class FailingStore implements IdempotencyStore {

		private final RuntimeException claimFailure;

		private final RuntimeException completeFailure;

		private final RuntimeException releaseFailure;

		FailingStore(RuntimeException claimFailure, RuntimeException completeFailure, RuntimeException releaseFailure) {
			this.claimFailure = claimFailure;
			this.completeFailure = completeFailure;
			this.releaseFailure = releaseFailure;
		}

		@Override
		public ClaimResult claim(String recordId, String fingerprint, Duration leaseTimeout) {
			if (this.claimFailure != null) {
				throw this.claimFailure;
			}
			return new ClaimResult.Claimed("token", false);
		}

		@Override
		public boolean complete(String recordId, String leaseToken, byte[] result, Duration ttl) {
			if (this.completeFailure != null) {
				throw this.completeFailure;
			}
			return true;
		}

		@Override
		public boolean renew(String recordId, String leaseToken, Duration leaseTimeout) {
			return true;
		}

		@Override
		public boolean release(String recordId, String leaseToken) {
			if (this.releaseFailure != null) {
				throw this.releaseFailure;
			}
			return true;
		}

		@Override
		public Optional<IdempotencyRecord> find(String recordId) {
			return Optional.empty();
		}

	}

}
