package dev.resilience.idempotency;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.resilience.CheckedFunction;
import dev.resilience.Scheduler;
import dev.resilience.idempotency.IdempotencyConfig.OnInProgress;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The behaviour every {@link IdempotencyStore} must show, at the SPI level and through
 * the {@link Idempotency} executor, in synchronous and asynchronous mode. Each store's
 * test class extends this one and supplies the store and a way to let the store's clock
 * pass; the cases and expectations are the same for all stores.
 * <p>
 * The executor always runs on a fake ticker and scheduler (its waits are instant); stores
 * with their own clock (Redis, a database) see real time pass only where expiry is the
 * point.
 */
public abstract class IdempotencyStoreContractTests {

	protected static final String NAME = "payments";

	private static final String FINGERPRINT = "fp-1";

	private static final String OTHER_FINGERPRINT = "fp-2";

	protected final FakeTicker ticker = new FakeTicker();

	protected final FakeScheduler fakeScheduler = new FakeScheduler(this.ticker);

	private final HookedScheduler scheduler = new HookedScheduler(this.fakeScheduler);

	private final List<IdempotencyOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());

	private final AtomicInteger invocations = new AtomicInteger();

	protected IdempotencyStore store;

	/** A fresh store (or a fresh namespace of a shared one) for each test. */
	protected abstract IdempotencyStore createStore() throws Exception;

	/** Returns once at least {@code duration} has passed on the store's clock. */
	protected abstract void elapse(Duration duration);

	/** Lease used by expiry cases: short where the store's clock is real. */
	protected abstract Duration shortLease();

	/** Ttl used by expiry cases. */
	protected abstract Duration shortTtl();

	protected void destroyStore() throws Exception {
	}

	@BeforeEach
	void setUpStore() throws Exception {
		this.store = createStore();
	}

	@AfterEach
	void tearDownStore() throws Exception {
		destroyStore();
	}

	// ---- SPI
	// -------------------------------------------------------------------------------

	@Test
	void claimOfAbsentRecordGrantsAFreshLease() {
		String id = newRecordId();
		ClaimResult first = this.store.claim(id, FINGERPRINT, Duration.ofMinutes(1));
		assertThat(first).isInstanceOf(ClaimResult.Claimed.class);
		ClaimResult.Claimed claimed = (ClaimResult.Claimed) first;
		assertThat(claimed.takenOver()).isFalse();
		assertThat(claimed.leaseToken()).isNotBlank();
		IdempotencyRecord record = this.store.find(id).orElseThrow();
		assertThat(record.state()).isEqualTo(IdempotencyRecord.State.IN_PROGRESS);
		assertThat(record.fingerprint()).isEqualTo(FINGERPRINT);
		assertThat(record.leaseToken()).isEqualTo(claimed.leaseToken());
		assertThat(record.result()).isNull();
	}

	@Test
	void claimOfRecordInProgressReportsItsFingerprint() {
		String id = newRecordId();
		claimed(id, FINGERPRINT, Duration.ofMinutes(1));
		assertThat(this.store.claim(id, OTHER_FINGERPRINT, Duration.ofMinutes(1)))
			.isEqualTo(new ClaimResult.InProgress(FINGERPRINT));
		assertThat(this.store.claim(id, FINGERPRINT, Duration.ofMinutes(1)))
			.isEqualTo(new ClaimResult.InProgress(FINGERPRINT));
	}

	@Test
	void completionStoresResultForLaterClaims() {
		String id = newRecordId();
		String token = claimed(id, FINGERPRINT, Duration.ofMinutes(1));
		byte[] result = bytes("receipt-1");
		assertThat(this.store.complete(id, token, result, Duration.ofHours(1))).isTrue();
		ClaimResult again = this.store.claim(id, OTHER_FINGERPRINT, Duration.ofMinutes(1));
		assertThat(again).isInstanceOf(ClaimResult.Completed.class);
		assertThat(((ClaimResult.Completed) again).fingerprint()).isEqualTo(FINGERPRINT);
		assertThat(((ClaimResult.Completed) again).result()).isEqualTo(result);
		IdempotencyRecord record = this.store.find(id).orElseThrow();
		assertThat(record.state()).isEqualTo(IdempotencyRecord.State.COMPLETED);
		assertThat(record.result()).isEqualTo(result);
	}

	@Test
	void completionWithAnotherTokenIsDropped() {
		String id = newRecordId();
		String token = claimed(id, FINGERPRINT, Duration.ofMinutes(1));
		assertThat(this.store.complete(id, token + "x", bytes("forged"), Duration.ofHours(1))).isFalse();
		assertThat(this.store.release(id, token + "x")).isFalse();
		IdempotencyRecord record = this.store.find(id).orElseThrow();
		assertThat(record.state()).isEqualTo(IdempotencyRecord.State.IN_PROGRESS);
		assertThat(record.leaseToken()).isEqualTo(token);
	}

	@Test
	void completedRecordCannotBeCompletedAgainOrReleased() {
		String id = newRecordId();
		String token = claimed(id, FINGERPRINT, Duration.ofMinutes(1));
		assertThat(this.store.complete(id, token, bytes("first"), Duration.ofHours(1))).isTrue();
		assertThat(this.store.complete(id, token, bytes("second"), Duration.ofHours(1))).isFalse();
		assertThat(this.store.release(id, token)).isFalse();
		assertThat(this.store.find(id).orElseThrow().result()).isEqualTo(bytes("first"));
	}

	@Test
	void releaseMakesTheRecordAbsent() {
		String id = newRecordId();
		String token = claimed(id, FINGERPRINT, Duration.ofMinutes(1));
		assertThat(this.store.release(id, token)).isTrue();
		assertThat(this.store.find(id)).isEmpty();
		assertThat(this.store.claim(id, OTHER_FINGERPRINT, Duration.ofMinutes(1)))
			.isInstanceOfSatisfying(ClaimResult.Claimed.class, (claim) -> assertThat(claim.takenOver()).isFalse());
		assertThat(this.store.complete(newRecordId(), token, bytes("x"), Duration.ofHours(1))).isFalse();
	}

	@Test
	void expiredLeaseIsTakenOverWithANewToken() {
		String id = newRecordId();
		String first = claimed(id, FINGERPRINT, shortLease());
		assertThat(this.store.claim(id, FINGERPRINT, shortLease())).isInstanceOf(ClaimResult.InProgress.class);
		elapse(shortLease());
		ClaimResult second = this.store.claim(id, OTHER_FINGERPRINT, Duration.ofMinutes(1));
		assertThat(second).isInstanceOfSatisfying(ClaimResult.Claimed.class, (claim) -> {
			assertThat(claim.takenOver()).isTrue();
			assertThat(claim.leaseToken()).isNotEqualTo(first);
		});
		assertThat(this.store.find(id).orElseThrow().fingerprint()).isEqualTo(OTHER_FINGERPRINT);
	}

	@Test
	void staleOwnerCannotCompleteOrReleaseAfterTakeover() {
		String id = newRecordId();
		String stale = claimed(id, FINGERPRINT, shortLease());
		elapse(shortLease());
		String owner = claimed(id, FINGERPRINT, Duration.ofMinutes(1));
		assertThat(this.store.complete(id, stale, bytes("stale"), Duration.ofHours(1))).isFalse();
		assertThat(this.store.release(id, stale)).isFalse();
		assertThat(this.store.find(id).orElseThrow().leaseToken()).isEqualTo(owner);
		assertThat(this.store.complete(id, owner, bytes("owner"), Duration.ofHours(1))).isTrue();
		assertThat(this.store.find(id).orElseThrow().result()).isEqualTo(bytes("owner"));
	}

	@Test
	void expiredLeaseIsLostEvenWithoutTakeover() {
		String id = newRecordId();
		String token = claimed(id, FINGERPRINT, shortLease());
		elapse(shortLease());
		assertThat(this.store.find(id)).isEmpty();
		assertThat(this.store.complete(id, token, bytes("late"), Duration.ofHours(1))).isFalse();
		assertThat(this.store.release(id, token)).isFalse();
		assertThat(this.store.find(id)).isEmpty();
	}

	@Test
	void renewExtendsALiveLeaseSoTheClaimIsNotTakenOverAtItsFirstExpiry() {
		String id = newRecordId();
		String token = claimed(id, FINGERPRINT, shortLease());
		assertThat(this.store.renew(id, token, Duration.ofMinutes(1))).isTrue();
		elapse(shortLease());
		assertThat(this.store.claim(id, OTHER_FINGERPRINT, Duration.ofMinutes(1)))
			.as("a renewed lease is still live after the first lease's end")
			.isEqualTo(new ClaimResult.InProgress(FINGERPRINT));
		IdempotencyRecord record = this.store.find(id).orElseThrow();
		assertThat(record.state()).isEqualTo(IdempotencyRecord.State.IN_PROGRESS);
		assertThat(record.leaseToken()).as("renewal keeps the token").isEqualTo(token);
		assertThat(this.store.renew(id, token, Duration.ofMinutes(1))).as("renewable again").isTrue();
		assertThat(this.store.complete(id, token, bytes("renewed"), Duration.ofHours(1))).isTrue();
		assertThat(this.store.find(id).orElseThrow().result()).isEqualTo(bytes("renewed"));
	}

	@Test
	void renewWithAnotherTokenIsRefusedAndDoesNotExtendTheLease() {
		String id = newRecordId();
		String token = claimed(id, FINGERPRINT, shortLease());
		assertThat(this.store.renew(id, token + "x", Duration.ofHours(1))).isFalse();
		assertThat(this.store.find(id).orElseThrow().leaseToken()).isEqualTo(token);
		elapse(shortLease());
		assertThat(this.store.find(id)).as("the lease ended when first granted").isEmpty();
		// whether the claim also reports a takeover depends on how long the store keeps
		// an expired claim
		assertThat(this.store.claim(id, OTHER_FINGERPRINT, Duration.ofMinutes(1)))
			.isInstanceOf(ClaimResult.Claimed.class);
	}

	@Test
	void renewOfAnExpiredLeaseIsRefusedAndDoesNotReviveIt() {
		String id = newRecordId();
		String token = claimed(id, FINGERPRINT, shortLease());
		elapse(shortLease());
		assertThat(this.store.renew(id, token, Duration.ofHours(1))).isFalse();
		assertThat(this.store.find(id)).isEmpty();
		assertThat(this.store.complete(id, token, bytes("late"), Duration.ofHours(1))).isFalse();
		assertThat(this.store.claim(id, OTHER_FINGERPRINT, Duration.ofMinutes(1)))
			.isInstanceOf(ClaimResult.Claimed.class);
	}

	@Test
	void renewByAStaleOwnerAfterTakeoverIsRefusedAndLeavesTheNewOwnersLease() {
		String id = newRecordId();
		String stale = claimed(id, FINGERPRINT, shortLease());
		elapse(shortLease());
		String owner = claimed(id, OTHER_FINGERPRINT, shortLease());
		assertThat(this.store.renew(id, stale, Duration.ofHours(1))).isFalse();
		assertThat(this.store.renew(id, stale + "x", Duration.ofHours(1))).isFalse();
		elapse(shortLease());
		assertThat(this.store.find(id)).as("the new owner's lease was not extended by the stale renewal").isEmpty();
		assertThat(this.store.renew(id, owner, Duration.ofHours(1))).as("nor can its owner renew it once lost")
			.isFalse();
	}

	@Test
	void renewNeverTouchesACompletedRecord() {
		String id = newRecordId();
		String token = claimed(id, FINGERPRINT, Duration.ofMinutes(1));
		assertThat(this.store.complete(id, token, bytes("done"), shortTtl())).isTrue();
		assertThat(this.store.renew(id, token, Duration.ofHours(1))).isFalse();
		IdempotencyRecord record = this.store.find(id).orElseThrow();
		assertThat(record.state()).isEqualTo(IdempotencyRecord.State.COMPLETED);
		assertThat(record.result()).isEqualTo(bytes("done"));
		elapse(shortTtl());
		assertThat(this.store.find(id)).as("renewal did not stretch the ttl").isEmpty();
	}

	@Test
	void renewOfAReleasedOrAbsentRecordIsRefusedAndCreatesNothing() {
		String id = newRecordId();
		assertThat(this.store.renew(id, "no-such-token", Duration.ofMinutes(1))).isFalse();
		assertThat(this.store.find(id)).isEmpty();
		String token = claimed(id, FINGERPRINT, Duration.ofMinutes(1));
		assertThat(this.store.release(id, token)).isTrue();
		assertThat(this.store.renew(id, token, Duration.ofMinutes(1))).isFalse();
		assertThat(this.store.find(id)).isEmpty();
		assertThat(this.store.claim(id, OTHER_FINGERPRINT, Duration.ofMinutes(1)))
			.isInstanceOfSatisfying(ClaimResult.Claimed.class, (claim) -> assertThat(claim.takenOver()).isFalse());
	}

	@Test
	void completedRecordExpiresAfterTtl() {
		String id = newRecordId();
		String token = claimed(id, FINGERPRINT, Duration.ofMinutes(1));
		assertThat(this.store.complete(id, token, bytes("r"), shortTtl())).isTrue();
		assertThat(this.store.find(id)).isPresent();
		elapse(shortTtl());
		assertThat(this.store.find(id)).isEmpty();
		assertThat(this.store.claim(id, OTHER_FINGERPRINT, Duration.ofMinutes(1)))
			.isInstanceOfSatisfying(ClaimResult.Claimed.class, (claim) -> assertThat(claim.takenOver()).isFalse());
	}

	@Test
	void recordsWithDifferentIdsAreIndependent() {
		String first = newRecordId();
		String second = newRecordId();
		String token = claimed(first, FINGERPRINT, Duration.ofMinutes(1));
		claimed(second, FINGERPRINT, Duration.ofMinutes(1));
		assertThat(this.store.complete(first, token, bytes("one"), Duration.ofHours(1))).isTrue();
		assertThat(this.store.find(second).orElseThrow().state()).isEqualTo(IdempotencyRecord.State.IN_PROGRESS);
	}

	@Test
	void concurrentClaimsOfOneRecordHaveExactlyOneWinner() throws Exception {
		int threads = 32;
		String id = newRecordId();
		CyclicBarrier start = new CyclicBarrier(threads);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<ClaimResult>> results = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				String fingerprint = "fp-" + i;
				results.add(pool.submit(() -> {
					start.await(30, TimeUnit.SECONDS);
					return this.store.claim(id, fingerprint, Duration.ofMinutes(1));
				}));
			}
			List<ClaimResult> claims = new ArrayList<>();
			for (Future<ClaimResult> result : results) {
				claims.add(result.get(60, TimeUnit.SECONDS));
			}
			assertThat(claims).filteredOn(ClaimResult.Claimed.class::isInstance).hasSize(1);
			assertThat(claims).filteredOn(ClaimResult.InProgress.class::isInstance).hasSize(threads - 1);
			String winner = this.store.find(id).orElseThrow().fingerprint();
			assertThat(claims).filteredOn(ClaimResult.InProgress.class::isInstance)
				.allSatisfy((claim) -> assertThat(((ClaimResult.InProgress) claim).fingerprint()).isEqualTo(winner));
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void manyThreadsClaimingTheSameKeysGiveEachKeyExactlyOneOwner() throws Exception {
		int threads = 16;
		int keys = 64;
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < keys; i++) {
			ids.add(newRecordId());
		}
		CyclicBarrier start = new CyclicBarrier(threads);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<List<String>>> owned = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				List<String> order = new ArrayList<>(ids);
				Collections.shuffle(order, new java.util.Random(t));
				String fingerprint = "fp-" + t;
				owned.add(pool.submit(() -> {
					start.await(30, TimeUnit.SECONDS);
					List<String> won = new ArrayList<>();
					for (String id : order) {
						ClaimResult claim = this.store.claim(id, fingerprint, Duration.ofMinutes(1));
						if (claim instanceof ClaimResult.Claimed claimed) {
							// completing while others still claim: they must see it in
							// progress or completed
							assertThat(this.store.complete(id, claimed.leaseToken(), bytes(fingerprint),
									Duration.ofHours(1)))
								.isTrue();
							won.add(id);
						}
						else if (claim instanceof ClaimResult.Completed completed) {
							assertThat(completed.result()).isEqualTo(bytes(completed.fingerprint()));
						}
					}
					return won;
				}));
			}
			List<String> winners = new ArrayList<>();
			for (Future<List<String>> result : owned) {
				winners.addAll(result.get(120, TimeUnit.SECONDS));
			}
			assertThat(winners).as("every key claimed by exactly one thread")
				.hasSize(keys)
				.containsExactlyInAnyOrderElementsOf(ids);
			for (String id : ids) {
				IdempotencyRecord record = this.store.find(id).orElseThrow();
				assertThat(record.state()).isEqualTo(IdempotencyRecord.State.COMPLETED);
				assertThat(record.result()).as("the winner's own result").isEqualTo(bytes(record.fingerprint()));
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	// ---- executor
	// --------------------------------------------------------------------------

	@ParameterizedTest
	@EnumSource(Mode.class)
	void firstCallRunsTheMethodAndStoresItsResult(Mode mode) throws Throwable {
		Idempotency idempotency = idempotency(config());
		String key = newKey();
		assertThat(call(mode, idempotency, key, null, FINGERPRINT, this::receipt, "order-1"))
			.isEqualTo("receipt:order-1");
		assertThat(this.invocations).hasValue(1);
		IdempotencyRecord record = this.store.find(recordId(key, null)).orElseThrow();
		assertThat(record.state()).isEqualTo(IdempotencyRecord.State.COMPLETED);
		assertThat(record.fingerprint()).isEqualTo(FINGERPRINT);
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.EXECUTED);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void replayReturnsTheStoredResultWithoutRunningTheMethod(Mode mode) throws Throwable {
		Idempotency idempotency = idempotency(config());
		String key = newKey();
		Object first = call(mode, idempotency, key, null, FINGERPRINT, this::receipt, "order-1");
		Object replay = call(mode, idempotency, key, null, FINGERPRINT, this::receipt, "order-2");
		assertThat(replay).isEqualTo(first).isEqualTo("receipt:order-1");
		assertThat(this.invocations).hasValue(1);
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.EXECUTED, IdempotencyOutcome.REPLAYED);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void keyReusedWithOtherArgumentsAfterCompletionIsRefused(Mode mode) throws Throwable {
		Idempotency idempotency = idempotency(config());
		String key = newKey();
		call(mode, idempotency, key, null, FINGERPRINT, this::receipt, "order-1");
		Throwable thrown = catchThrowable(
				() -> call(mode, idempotency, key, null, OTHER_FINGERPRINT, this::receipt, "order-2"));
		assertThat(thrown).isInstanceOf(IdempotencyKeyReusedException.class).hasMessageNotContaining(key);
		assertThat(((IdempotencyKeyReusedException) thrown).getInstanceName()).isEqualTo(NAME);
		assertThat(this.invocations).hasValue(1);
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.EXECUTED, IdempotencyOutcome.KEY_REUSED);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void keyReusedWithOtherArgumentsWhileInProgressIsRefused(Mode mode) {
		Idempotency idempotency = idempotency(config().onInProgress(OnInProgress.WAIT));
		String key = newKey();
		claimed(recordId(key, null), FINGERPRINT, Duration.ofMinutes(1));
		assertThatThrownBy(() -> call(mode, idempotency, key, null, OTHER_FINGERPRINT, this::receipt, "order-2"))
			.isInstanceOf(IdempotencyKeyReusedException.class);
		assertThat(this.invocations).hasValue(0);
		assertThat(this.fakeScheduler.requestedDelays()).as("no wait for a call that can never match").isEmpty();
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void repeatWhileInProgressIsRejected(Mode mode) {
		Idempotency idempotency = idempotency(config());
		String key = newKey();
		claimed(recordId(key, null), FINGERPRINT, Duration.ofMinutes(1));
		Throwable thrown = catchThrowable(() -> call(mode, idempotency, key, null, FINGERPRINT, this::receipt, "o"));
		assertThat(thrown).isInstanceOf(IdempotencyInProgressException.class).hasMessageNotContaining(key);
		assertThat(this.invocations).hasValue(0);
		assertThat(this.fakeScheduler.requestedDelays()).isEmpty();
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.IN_PROGRESS);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void repeatWhileInProgressWaitsForTheFirstCallsResult(Mode mode) throws Throwable {
		Idempotency idempotency = idempotency(config().onInProgress(OnInProgress.WAIT));
		String key = newKey();
		String id = recordId(key, null);
		String token = claimed(id, FINGERPRINT, Duration.ofMinutes(1));
		this.scheduler.onFirstWait(() -> assertThat(
				this.store.complete(id, token, StringResultCodec.INSTANCE.encode("first"), Duration.ofHours(1)))
			.isTrue());
		assertThat(call(mode, idempotency, key, null, FINGERPRINT, this::receipt, "second")).isEqualTo("first");
		assertThat(this.invocations).hasValue(0);
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.REPLAYED);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void waitingRepeatRunsTheMethodWhenTheFirstCallReleases(Mode mode) throws Throwable {
		Idempotency idempotency = idempotency(config().onInProgress(OnInProgress.WAIT));
		String key = newKey();
		String id = recordId(key, null);
		String token = claimed(id, FINGERPRINT, Duration.ofMinutes(1));
		this.scheduler.onFirstWait(() -> assertThat(this.store.release(id, token)).isTrue());
		assertThat(call(mode, idempotency, key, null, FINGERPRINT, this::receipt, "second"))
			.isEqualTo("receipt:second");
		assertThat(this.invocations).hasValue(1);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void waitingRepeatGivesUpAfterInProgressWait(Mode mode) {
		Duration wait = Duration.ofSeconds(5);
		Idempotency idempotency = idempotency(config().onInProgress(OnInProgress.WAIT).inProgressWait(wait));
		String key = newKey();
		claimed(recordId(key, null), FINGERPRINT, Duration.ofMinutes(10));
		long before = this.ticker.read();
		assertThatThrownBy(() -> call(mode, idempotency, key, null, FINGERPRINT, this::receipt, "o"))
			.isInstanceOf(IdempotencyInProgressException.class)
			.hasMessageContaining("after waiting PT5S");
		assertThat(this.ticker.read() - before).isEqualTo(wait.toNanos());
		assertThat(this.fakeScheduler.requestedDelays()).hasSizeGreaterThan(1)
			.allSatisfy((delay) -> assertThat(delay).isPositive().isLessThanOrEqualTo(wait.toNanos()));
		assertThat(this.invocations).hasValue(0);
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.IN_PROGRESS);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void failureReleasesTheClaimAndPropagatesUnchanged(Mode mode) throws Throwable {
		Idempotency idempotency = idempotency(config());
		String key = newKey();
		IllegalStateException failure = new IllegalStateException("payment declined");
		Throwable thrown = catchThrowable(() -> call(mode, idempotency, key, null, FINGERPRINT, (argument) -> {
			this.invocations.incrementAndGet();
			throw failure;
		}, "o"));
		assertThat(thrown).isSameAs(failure);
		assertThat(this.store.find(recordId(key, null))).isEmpty();
		assertThat(call(mode, idempotency, key, null, FINGERPRINT, this::receipt, "o")).isEqualTo("receipt:o");
		assertThat(this.invocations).hasValue(2);
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.EXECUTED, IdempotencyOutcome.EXECUTED);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void nullResultIsStoredAndReplayed(Mode mode) throws Throwable {
		Idempotency idempotency = idempotency(config());
		String key = newKey();
		CheckedFunction<String, Object> returnsNull = (argument) -> {
			this.invocations.incrementAndGet();
			return null;
		};
		assertThat(call(mode, idempotency, key, null, FINGERPRINT, returnsNull, "o")).isNull();
		assertThat(call(mode, idempotency, key, null, FINGERPRINT, returnsNull, "o")).isNull();
		assertThat(this.invocations).hasValue(1);
		assertThat(this.store.find(recordId(key, null)).orElseThrow().state())
			.isEqualTo(IdempotencyRecord.State.COMPLETED);
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.EXECUTED, IdempotencyOutcome.REPLAYED);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void resultThatCannotBeStoredFailsClearlyAndLeavesNoClaim(Mode mode) throws Throwable {
		Idempotency idempotency = idempotency(config());
		String key = newKey();
		assertThatThrownBy(() -> call(mode, idempotency, key, null, FINGERPRINT, (argument) -> new Object(), "o"))
			.isInstanceOf(IdempotencyResultException.class)
			.hasMessageContaining("cannot be stored")
			.hasRootCauseInstanceOf(IllegalArgumentException.class);
		assertThat(this.store.find(recordId(key, null))).isEmpty();
		assertThat(call(mode, idempotency, key, null, FINGERPRINT, this::receipt, "o")).isEqualTo("receipt:o");
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void ownerThatLostItsLeaseCannotOverwriteTheNewOwnersRecord(Mode mode) throws Throwable {
		Idempotency idempotency = idempotency(config().inProgressTimeout(shortLease()));
		String key = newKey();
		String id = recordId(key, null);
		String[] newOwner = new String[1];
		Object result = call(mode, idempotency, key, null, FINGERPRINT, (argument) -> {
			elapse(shortLease());
			newOwner[0] = claimed(id, FINGERPRINT, Duration.ofMinutes(1));
			return "stale";
		}, "o");
		assertThat(result).as("the caller still gets what its call produced").isEqualTo("stale");
		IdempotencyRecord record = this.store.find(id).orElseThrow();
		assertThat(record.state()).isEqualTo(IdempotencyRecord.State.IN_PROGRESS);
		assertThat(record.leaseToken()).isEqualTo(newOwner[0]);
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.LEASE_LOST);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void keyRunsAgainOnceItsRecordExpired(Mode mode) throws Throwable {
		Idempotency idempotency = idempotency(config().ttl(shortTtl()));
		String key = newKey();
		call(mode, idempotency, key, null, FINGERPRINT, this::receipt, "o");
		elapse(shortTtl());
		call(mode, idempotency, key, null, OTHER_FINGERPRINT, this::receipt, "o");
		assertThat(this.invocations).hasValue(2);
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.EXECUTED, IdempotencyOutcome.EXECUTED);
	}

	@ParameterizedTest
	@MethodSource("invalidKeys")
	void invalidKeyIsRefusedBeforeTheStoreIsTouched(Mode mode, String key, String reason) {
		CountingStore counting = new CountingStore(this.store);
		Idempotency idempotency = Idempotency.of(NAME, config().maxKeyLength(20).build(), counting, this.ticker,
				this.scheduler);
		idempotency.addListener((name, outcome) -> this.outcomes.add(outcome));
		Throwable thrown = catchThrowable(() -> call(mode, idempotency, key, null, FINGERPRINT, this::receipt, "o"));
		assertThat(thrown).isInstanceOf(InvalidIdempotencyKeyException.class);
		assertThat(((InvalidIdempotencyKeyException) thrown).getReason()).isEqualTo(reason);
		assertThat(thrown.getMessage()).contains(NAME).contains(reason);
		if (key != null && !key.isEmpty()) {
			assertThat(thrown.getMessage()).doesNotContain(key);
		}
		assertThat(counting.calls).hasValue(0);
		assertThat(this.invocations).hasValue(0);
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.INVALID_KEY);
	}

	static Stream<Arguments> invalidKeys() {
		List<Arguments> cases = new ArrayList<>();
		for (Mode mode : Mode.values()) {
			cases.add(Arguments.of(mode, null, "is missing (null)"));
			cases.add(Arguments.of(mode, "", "is empty"));
			cases.add(Arguments.of(mode, "k".repeat(21), "is too long (21 > 20 characters)"));
			cases.add(Arguments.of(mode, "order 17", "has a character outside visible ASCII at index 5"));
			cases.add(Arguments.of(mode, "caf\u00e9-1", "has a character outside visible ASCII at index 3"));
			cases.add(Arguments.of(mode, "line\nbreak", "has a character outside visible ASCII at index 4"));
		}
		return cases.stream();
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void keyOfMaximumLengthWithEveryVisibleCharacterIsAccepted(Mode mode) throws Throwable {
		Idempotency idempotency = idempotency(config().maxKeyLength(94));
		StringBuilder key = new StringBuilder();
		for (char c = '!'; c <= '~'; c++) {
			key.append(c);
		}
		assertThat(call(mode, idempotency, key.toString(), null, FINGERPRINT, this::receipt, "o"))
			.isEqualTo("receipt:o");
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void sameKeyInDifferentScopesNeverSharesARecord(Mode mode) throws Throwable {
		Idempotency idempotency = idempotency(config());
		String key = newKey();
		assertThat(call(mode, idempotency, key, "alice", FINGERPRINT, this::receipt, "a")).isEqualTo("receipt:a");
		assertThat(call(mode, idempotency, key, "bob", OTHER_FINGERPRINT, this::receipt, "b")).isEqualTo("receipt:b");
		assertThat(call(mode, idempotency, key, null, FINGERPRINT, this::receipt, "g")).isEqualTo("receipt:g");
		assertThat(call(mode, idempotency, key, "alice", FINGERPRINT, this::receipt, "a2")).isEqualTo("receipt:a");
		assertThat(this.invocations).hasValue(3);
	}

	@Test
	void sameKeyInDifferentInstancesNeverSharesARecord() throws Throwable {
		String key = newKey();
		Idempotency payments = idempotency(config());
		Idempotency refunds = Idempotency.of("refunds", config().build(), this.store, this.ticker, this.scheduler);
		payments.execute(key, null, FINGERPRINT, StringResultCodec.INSTANCE, this::receipt, "p");
		assertThat(refunds.execute(key, null, OTHER_FINGERPRINT, StringResultCodec.INSTANCE, this::receipt, "r"))
			.isEqualTo("receipt:r");
		assertThat(this.invocations).hasValue(2);
	}

	@Test
	void concurrentCallsWithOneKeyRunTheMethodOnce() throws Exception {
		int threads = 32;
		Idempotency idempotency = idempotency(config());
		String key = newKey();
		CyclicBarrier start = new CyclicBarrier(threads);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<Object>> results = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				results.add(pool.submit(() -> {
					start.await(30, TimeUnit.SECONDS);
					try {
						return idempotency.execute(key, null, FINGERPRINT, StringResultCodec.INSTANCE, this::receipt,
								"o");
					}
					catch (IdempotencyInProgressException ex) {
						return ex;
					}
					catch (Throwable ex) {
						throw new AssertionError(ex);
					}
				}));
			}
			for (Future<Object> result : results) {
				assertThat(result.get(60, TimeUnit.SECONDS)).satisfiesAnyOf(
						(value) -> assertThat(value).isEqualTo("receipt:o"),
						(value) -> assertThat(value).isInstanceOf(IdempotencyInProgressException.class));
			}
			assertThat(this.invocations).hasValue(1);
			assertThat(this.outcomes).filteredOn(IdempotencyOutcome.EXECUTED::equals).hasSize(1);
			assertThat(this.outcomes).hasSize(threads);
		}
		finally {
			pool.shutdownNow();
		}
	}

	// ---- helpers
	// ---------------------------------------------------------------------------

	protected enum Mode {

		SYNC, ASYNC

	}

	private Object call(Mode mode, Idempotency idempotency, String key, String scope, String fingerprint,
			CheckedFunction<String, Object> function, String argument) throws Throwable {
		if (mode == Mode.SYNC) {
			return idempotency.execute(key, scope, fingerprint, StringResultCodec.INSTANCE, function, argument);
		}
		CompletionStage<Object> stage = idempotency.executeAsync(key, scope, fingerprint, StringResultCodec.INSTANCE,
				(String value) -> {
					try {
						return CompletableFuture.completedFuture(function.apply(value));
					}
					catch (Throwable ex) {
						return CompletableFuture.failedFuture(ex);
					}
				}, argument);
		this.fakeScheduler.runAll();
		CompletableFuture<Object> future = stage.toCompletableFuture();
		assertThat(future).as("asynchronous call finished once the scheduler ran").isDone();
		try {
			return future.join();
		}
		catch (CompletionException ex) {
			throw ex.getCause();
		}
	}

	private Object receipt(String argument) {
		this.invocations.incrementAndGet();
		return "receipt:" + argument;
	}

	private IdempotencyConfig.Builder config() {
		return IdempotencyConfig.custom().keyPrefix("contract-tests");
	}

	private Idempotency idempotency(IdempotencyConfig.Builder config) {
		Idempotency idempotency = Idempotency.of(NAME, config.build(), this.store, this.ticker, this.scheduler);
		idempotency.addListener((name, outcome) -> {
			assertThat(name).isEqualTo(NAME);
			this.outcomes.add(outcome);
		});
		return idempotency;
	}

	private static String recordId(String key, String scope) {
		return IdempotencyKeys.recordId("contract-tests", scope, NAME, key);
	}

	private String claimed(String id, String fingerprint, Duration lease) {
		ClaimResult claim = this.store.claim(id, fingerprint, lease);
		assertThat(claim).isInstanceOf(ClaimResult.Claimed.class);
		return ((ClaimResult.Claimed) claim).leaseToken();
	}

	/** A record id no other test (or earlier run against a shared store) has used. */
	protected static String newRecordId() {
		return IdempotencyKeys.recordId("contract-tests", null, NAME, newKey());
	}

	private static String newKey() {
		return UUID.randomUUID().toString();
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Runs a hook before the executor's first wait, to change the record while a repeat
	 * waits.
	 */
	private static final class HookedScheduler implements Scheduler {

		private final FakeScheduler delegate;

		private volatile ThrowingRunnable onFirstWait;

		HookedScheduler(FakeScheduler delegate) {
			this.delegate = delegate;
		}

		void onFirstWait(ThrowingRunnable hook) {
			this.onFirstWait = hook;
		}

		@Override
		public Cancellable schedule(Runnable task, long delayNanos) {
			runHook();
			return this.delegate.schedule(task, delayNanos);
		}

		@Override
		public void sleep(long delayNanos) {
			runHook();
			this.delegate.sleep(delayNanos);
		}

		private void runHook() {
			ThrowingRunnable hook = this.onFirstWait;
			this.onFirstWait = null;
			if (hook != null) {
				try {
					hook.run();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}
		}

	}

	@FunctionalInterface
	private interface ThrowingRunnable {

		void run() throws Exception;

	}

	/** Counts every store operation. */
	private static final class CountingStore implements IdempotencyStore {

		private final IdempotencyStore delegate;

		final AtomicInteger calls = new AtomicInteger();

		CountingStore(IdempotencyStore delegate) {
			this.delegate = delegate;
		}

		@Override
		public ClaimResult claim(String recordId, String fingerprint, Duration leaseTimeout) {
			this.calls.incrementAndGet();
			return this.delegate.claim(recordId, fingerprint, leaseTimeout);
		}

		@Override
		public boolean complete(String recordId, String leaseToken, byte[] result, Duration ttl) {
			this.calls.incrementAndGet();
			return this.delegate.complete(recordId, leaseToken, result, ttl);
		}

		@Override
		public boolean renew(String recordId, String leaseToken, Duration leaseTimeout) {
			this.calls.incrementAndGet();
			return this.delegate.renew(recordId, leaseToken, leaseTimeout);
		}

		@Override
		public boolean release(String recordId, String leaseToken) {
			this.calls.incrementAndGet();
			return this.delegate.release(recordId, leaseToken);
		}

		@Override
		public Optional<IdempotencyRecord> find(String recordId) {
			this.calls.incrementAndGet();
			return this.delegate.find(recordId);
		}

	}

}
