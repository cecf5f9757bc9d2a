package dev.resilience.idempotency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.resilience.CheckedFunction;
import dev.resilience.Scheduler;
import dev.resilience.fallback.FallbackAnswer;
import dev.resilience.idempotency.FaultInjectingStore.Fault;
import dev.resilience.idempotency.FaultInjectingStore.Operation;
import dev.resilience.idempotency.FaultInjectingStore.Plan;
import dev.resilience.idempotency.IdempotencyConfig.OnInProgress;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The promises of {@code docs/idempotency.md} that a hostile caller or a faulty store can
 * break: leases that outlive the lease timeout, completion under store errors, interrupts
 * while waiting, degraded answers. Each scenario runs synchronously and through a
 * {@code CompletionStage} where both exist.
 */
class IdempotencyPromiseTests {

	private static final Duration LEASE = Duration.ofSeconds(30);

	private static final String KEY = "order-17";

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final MemoryIdempotencyStore memory = new MemoryIdempotencyStore(100, this.ticker);

	private final FaultInjectingStore store = new FaultInjectingStore(this.memory, this.ticker, LEASE);

	private final List<IdempotencyOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());

	private final AtomicInteger invocations = new AtomicInteger();

	private final List<LogRecord> logged = Collections.synchronizedList(new ArrayList<>());

	private final Handler capture = new Handler() {

		@Override
		public void publish(LogRecord record) {
			IdempotencyPromiseTests.this.logged.add(record);
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

	};

	@BeforeEach
	void captureLog() {
		Logger.getLogger("dev.resilience.idempotency").addHandler(this.capture);
	}

	@AfterEach
	void releaseLog() {
		Logger.getLogger("dev.resilience.idempotency").removeHandler(this.capture);
	}

	// ---- interrupts
	// -------------------------------------------------------------------------

	@Test
	void interruptWhileWaitingForAnInProgressCallStopsWaitingKeepsTheFlagAndRefusesTheCall() throws Throwable {
		Scheduler interrupting = new Scheduler() {

			@Override
			public Cancellable schedule(Runnable task, long delayNanos) {
				return IdempotencyPromiseTests.this.scheduler.schedule(task, delayNanos);
			}

			@Override
			public void sleep(long delayNanos) throws InterruptedException {
				throw new InterruptedException("shutting down");
			}

		};
		Idempotency idempotency = Idempotency.of("payments", config().onInProgress(OnInProgress.WAIT).build(),
				this.store, this.ticker, interrupting);
		idempotency.addListener((name, outcome) -> this.outcomes.add(outcome));
		claimElsewhere();
		Throwable thrown;
		boolean interrupted;
		try {
			thrown = catchThrowable(
					() -> idempotency.execute(KEY, null, "fp", StringResultCodec.INSTANCE, this::run, "x"));
		}
		finally {
			interrupted = Thread.interrupted();
		}
		assertThat(thrown).as("an unchecked refusal a Spring caller can handle, not an undeclared checked exception")
			.isInstanceOf(IdempotencyInProgressException.class)
			.hasCauseInstanceOf(InterruptedException.class)
			.hasMessageContaining("interrupted")
			.hasMessageNotContaining(KEY);
		assertThat(interrupted).as("the thread stays interrupted").isTrue();
		assertThat(this.invocations).hasValue(0);
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.IN_PROGRESS);
	}

	// ---- leases
	// -----------------------------------------------------------------------------

	@ParameterizedTest
	@EnumSource(Mode.class)
	void callThatOutlivesItsLeaseKeepsItAndIsNeverTakenOver(Mode mode) throws Throwable {
		Idempotency first = idempotency();
		Idempotency otherInstance = idempotency();
		List<Throwable> secondCall = new ArrayList<>();
		CompletableFuture<Object> running = new CompletableFuture<>();
		Object result = start(mode, first, (argument) -> {
			this.invocations.incrementAndGet();
			this.scheduler.advance(LEASE.multipliedBy(4));
			secondCall.add(catchThrowable(
					() -> otherInstance.execute(KEY, null, "fp", StringResultCodec.INSTANCE, this::run, "y")));
			return "first";
		}, running);
		assertThat(secondCall).singleElement()
			.as("a live call is never taken over, however long it runs")
			.isInstanceOf(IdempotencyInProgressException.class);
		assertThat(result).isEqualTo("first");
		assertThat(this.invocations).hasValue(1);
		assertThat(record().state()).isEqualTo(IdempotencyRecord.State.COMPLETED);
		assertThat(this.scheduler.pendingTasks()).as("renewal stops when the call ends").isZero();
	}

	@Test
	void asyncLeaseIsHeldUntilTheMethodsOwnStageCompletesWhateverTheCallerDoesToItsStage() throws Throwable {
		Idempotency idempotency = idempotency();
		CompletableFuture<Object> methodStage = new CompletableFuture<>();
		CompletionStage<Object> handedBack = idempotency.executeAsync(KEY, null, "fp", StringResultCodec.INSTANCE,
				(String argument) -> {
					this.invocations.incrementAndGet();
					return methodStage;
				}, "x");
		handedBack.toCompletableFuture().cancel(true);
		handedBack.toCompletableFuture().complete("forged by the caller");
		this.scheduler.advance(LEASE.multipliedBy(5));
		Throwable second = catchThrowable(
				() -> idempotency().execute(KEY, null, "fp", StringResultCodec.INSTANCE, this::run, "y"));
		assertThat(second).as("the method is still running, whatever happened to the caller's stage")
			.isInstanceOf(IdempotencyInProgressException.class);
		methodStage.complete("late but real");
		assertThat(record().state()).isEqualTo(IdempotencyRecord.State.COMPLETED);
		assertThat(StringResultCodec.INSTANCE.decode(record().result())).isEqualTo("late but real");
		assertThat(this.scheduler.pendingTasks()).isZero();
		assertThat(this.invocations).hasValue(1);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void renewalStopsWhenTheMethodThrowsAnError(Mode mode) {
		Idempotency idempotency = idempotency();
		StackOverflowError error = new StackOverflowError("deep");
		Throwable thrown = catchThrowable(() -> start(mode, idempotency, (argument) -> {
			this.scheduler.advance(LEASE);
			throw error;
		}, new CompletableFuture<>()));
		assertThat(thrown).isSameAs(error);
		assertThat(this.memory.find(recordId())).as("claim released").isEmpty();
		assertThat(this.scheduler.pendingTasks()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void storeErrorWhileCompletingIsRetriedSoTheResultIsStored(Mode mode) throws Throwable {
		this.store.plan(Plan.first(Operation.COMPLETE, 2, Fault.FAIL));
		Idempotency idempotency = idempotency();
		assertThat(start(mode, idempotency, this::run, new CompletableFuture<>())).isEqualTo("ran:x");
		assertThat(record().state()).isEqualTo(IdempotencyRecord.State.COMPLETED);
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.EXECUTED);
		assertThat(idempotency.execute(KEY, null, "fp", StringResultCodec.INSTANCE, this::run, "x")).isEqualTo("ran:x");
		assertThat(this.invocations).hasValue(1);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void completionWhoseReplyWasLostIsRecognisedAsStored(Mode mode) throws Throwable {
		this.store.plan(Plan.first(Operation.COMPLETE, 1, Fault.FAIL_AFTER));
		Idempotency idempotency = idempotency();
		assertThat(start(mode, idempotency, this::run, new CompletableFuture<>())).isEqualTo("ran:x");
		assertThat(record().state()).isEqualTo(IdempotencyRecord.State.COMPLETED);
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.EXECUTED);
		assertThat(this.logged).as("nothing was lost").isEmpty();
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void storeThatKeepsFailingToCompleteLeavesTheClaimToExpireNeverACompletedRecordWithoutItsResult(Mode mode)
			throws Throwable {
		this.store.plan((operation, call) -> (operation == Operation.COMPLETE) ? Fault.FAIL : Fault.NONE);
		Idempotency idempotency = idempotency();
		assertThat(start(mode, idempotency, this::run, new CompletableFuture<>()))
			.as("the method ran: its result is handed back")
			.isEqualTo("ran:x");
		assertThat(this.store.count(Operation.COMPLETE)).as("completion retried, a bounded number of times")
			.isBetween(2, 5);
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.STORE_UNAVAILABLE);
		assertThat(this.memory.find(recordId()))
			.hasValueSatisfying((record) -> assertThat(record.state()).isEqualTo(IdempotencyRecord.State.IN_PROGRESS));
		this.scheduler.advance(LEASE.plusNanos(1));
		assertThat(this.memory.find(recordId())).as("renewal stopped: the claim expires with its lease").isEmpty();
		assertThat(this.scheduler.pendingTasks()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void callThatOutlivesItsLeaseAnywayIsCountedAndLoggedWithoutKeyOrArguments(Mode mode) throws Throwable {
		Idempotency idempotency = idempotency();
		Object result = start(mode, idempotency, (argument) -> {
			// a pause longer than the lease with no chance to renew (a stop-the-world
			// pause, a frozen VM)
			this.ticker.advance(LEASE.multipliedBy(2));
			assertThat(this.memory.claim(recordId(), "fp", LEASE)).isInstanceOf(ClaimResult.Claimed.class);
			return "stale";
		}, new CompletableFuture<>());
		assertThat(result).isEqualTo("stale");
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.LEASE_LOST);
		assertThat(this.logged).singleElement().satisfies((record) -> {
			assertThat(record.getLevel()).isEqualTo(Level.WARNING);
			assertThat(record.getMessage()).contains("'payments'")
				.contains("lease")
				.doesNotContain(KEY)
				.doesNotContain("stale")
				.doesNotContain("x");
		});
	}

	// ---- degraded answers
	// -------------------------------------------------------------------

	@ParameterizedTest
	@EnumSource(Mode.class)
	void fallbackAnswerIsReturnedUnwrappedButNotStoredSoTheNextCallRunsTheMethod(Mode mode) throws Throwable {
		Idempotency idempotency = idempotency();
		Object degraded = start(mode, idempotency, (argument) -> {
			this.invocations.incrementAndGet();
			return new FallbackAnswer("degraded");
		}, new CompletableFuture<>());
		assertThat(degraded).isEqualTo("degraded");
		assertThat(this.memory.find(recordId())).as("claim released").isEmpty();
		assertThat(start(mode, idempotency, this::run, new CompletableFuture<>())).isEqualTo("ran:x");
		assertThat(this.invocations).hasValue(2);
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.EXECUTED, IdempotencyOutcome.EXECUTED);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void fallbackAnswerIsStoredLikeAnyResultWhenStoreFallbackResultsIsOn(Mode mode) throws Throwable {
		Idempotency idempotency = Idempotency.of("payments", config().storeFallbackResults(true).build(), this.store,
				this.ticker, this.scheduler);
		Object degraded = start(mode, idempotency, (argument) -> {
			this.invocations.incrementAndGet();
			return new FallbackAnswer("degraded");
		}, new CompletableFuture<>());
		assertThat(degraded).isEqualTo("degraded");
		assertThat(start(mode, idempotency, this::run, new CompletableFuture<>())).as("replayed, unwrapped")
			.isEqualTo("degraded");
		assertThat(this.invocations).hasValue(1);
	}

	// ---- namespaces and keys
	// ----------------------------------------------------------------

	@Test
	void sameKeyInTwoNamespacesOfOneConfigurationNeverSharesARecordAndKeepsTheMetricName() throws Throwable {
		List<String> names = Collections.synchronizedList(new ArrayList<>());
		Idempotency billing = Idempotency.builder("PaymentService.charge", config().build(), this.store)
			.ticker(this.ticker)
			.scheduler(this.scheduler)
			.namespace("com.example.billing.PaymentService.charge(java.lang.String)")
			.build();
		Idempotency refunds = Idempotency.builder("PaymentService.charge", config().build(), this.store)
			.ticker(this.ticker)
			.scheduler(this.scheduler)
			.namespace("com.example.refunds.PaymentService.charge(java.lang.String)")
			.build();
		billing.addListener((name, outcome) -> names.add(name));
		refunds.addListener((name, outcome) -> names.add(name));
		assertThat(billing.execute(KEY, null, "fp", StringResultCodec.INSTANCE, this::run, "billing"))
			.isEqualTo("ran:billing");
		assertThat(refunds.execute(KEY, null, "fp", StringResultCodec.INSTANCE, this::run, "refunds"))
			.isEqualTo("ran:refunds");
		assertThat(this.invocations).hasValue(2);
		assertThat(names).containsExactly("PaymentService.charge", "PaymentService.charge");
		assertThat(this.memory.find(recordId())).as("neither uses the record id of the bare name").isEmpty();
	}

	@Test
	void keyIsValidatedOnItsOwnBeforeAnyFingerprintWorkOrStoreAccess() {
		Idempotency idempotency = idempotency();
		Throwable thrown = catchThrowable(() -> idempotency.validateKey("has space"));
		assertThat(thrown).isInstanceOf(InvalidIdempotencyKeyException.class);
		assertThat(this.outcomes).containsExactly(IdempotencyOutcome.INVALID_KEY);
		assertThat(this.store.log()).isEmpty();
		idempotency.validateKey(KEY);
		assertThat(this.outcomes).hasSize(1);
	}

	// ---- helpers
	// ----------------------------------------------------------------------------

	enum Mode {

		SYNC, ASYNC

	}

	/**
	 * Runs one call; an asynchronous call's method stage completes on this thread, as
	 * soon as the method returns.
	 */
	private Object start(Mode mode, Idempotency idempotency, CheckedFunction<String, Object> method,
			CompletableFuture<Object> unused) throws Throwable {
		if (mode == Mode.SYNC) {
			return idempotency.execute(KEY, null, "fp", StringResultCodec.INSTANCE, method, "x");
		}
		CompletionStage<Object> stage = idempotency.executeAsync(KEY, null, "fp", StringResultCodec.INSTANCE,
				(String argument) -> {
					try {
						return CompletableFuture.completedFuture(method.apply(argument));
					}
					catch (Throwable ex) {
						return CompletableFuture.failedFuture(ex);
					}
				}, "x");
		CompletableFuture<Object> future = stage.toCompletableFuture();
		assertThat(future).as("the call is over").isDone();
		try {
			return future.join();
		}
		catch (CompletionException ex) {
			throw ex.getCause();
		}
	}

	private IdempotencyConfig.Builder config() {
		return IdempotencyConfig.custom().inProgressTimeout(LEASE);
	}

	private Idempotency idempotency() {
		Idempotency idempotency = Idempotency.of("payments", config().build(), this.store, this.ticker, this.scheduler);
		idempotency.addListener((name, outcome) -> this.outcomes.add(outcome));
		return idempotency;
	}

	private void claimElsewhere() {
		assertThat(this.memory.claim(recordId(), "fp", LEASE)).isInstanceOf(ClaimResult.Claimed.class);
	}

	private IdempotencyRecord record() {
		return this.memory.find(recordId()).orElseThrow();
	}

	private static String recordId() {
		return IdempotencyKeys.recordId(IdempotencyConfig.DEFAULT_KEY_PREFIX, null, "payments", KEY);
	}

	private Object run(String argument) {
		this.invocations.incrementAndGet();
		return "ran:" + argument;
	}

}
