package dev.resilience.idempotency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

import dev.resilience.CheckedFunction;
import dev.resilience.fallback.FallbackAnswer;
import dev.resilience.idempotency.FaultInjectingStore.Fault;
import dev.resilience.idempotency.IdempotencyConfig.OnInProgress;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random interleavings of idempotent calls (synchronous and asynchronous, rejecting and
 * waiting, from three instances sharing one store, methods that return, throw, throw an
 * {@link Error}, hand back a degraded answer or outlive their lease) against random
 * schedules of store faults (failures before and after the store applied an operation,
 * delays, time-outs). Whatever the schedule:
 * <ul>
 * <li>a running call is never taken over, unless the store lost its lease (two renewals
 * failed, or store time jumped past it);</li>
 * <li>a key whose result is stored never runs again while its record lives;</li>
 * <li>every caller gets a result of its key, a documented refusal or the method's own
 * failure, never a {@link FallbackAnswer};</li>
 * <li>once every call has ended, nothing keeps renewing or polling, no claim outlives one
 * lease, and a completed record holds a result the method produced.</li>
 * </ul>
 */
class IdempotencyFaultSchedulePropertyTests {

	private static final Duration LEASE = Duration.ofSeconds(30);

	private static final int KEYS = 2;

	/** Held, or the logging framework may forget the level set on it. */
	private final Logger engineLogger = Logger.getLogger("dev.resilience.idempotency");

	private Level previousLevel;

	@BeforeProperty
	void quietLeaseWarnings() {
		// lost leases are expected under these schedules; their WARN lines would only
		// drown the report
		this.previousLevel = this.engineLogger.getLevel();
		this.engineLogger.setLevel(Level.SEVERE);
	}

	@AfterProperty
	void restoreLeaseWarnings() {
		this.engineLogger.setLevel(this.previousLevel);
	}

	@Property(tries = 200)
	void everyPromiseHoldsWhateverTheStoreDoes(@ForAll("steps") List<Step> steps, @ForAll("faults") List<Fault> faults)
			throws Throwable {
		new Run(faults, true).play(steps);
	}

	@Property(tries = 100)
	void liveCallIsNeverTakenOverWhileItsRenewalsGetThrough(@ForAll("steps") List<Step> steps,
			@ForAll("failuresOnly") List<Fault> faults) throws Throwable {
		Run run = new Run(faults, false);
		run.play(steps);
		assertThat(run.takeovers).as("store failures elsewhere never cost a running call its lease").isEmpty();
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<Step> start = Combinators
			.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, KEYS - 1),
					Arbitraries.of(true, false), Arbitraries.of(Behaviour.class))
			.as((instance, key, async, behaviour) -> new Step(Kind.START, instance, key, async, behaviour, 0));
		Arbitrary<Step> finish = Combinators
			.combine(Arbitraries.integers().between(0, 7), Arbitraries.of(Behaviour.class))
			.as((index, behaviour) -> new Step(Kind.FINISH, 0, 0, true, behaviour, index));
		Arbitrary<Step> advance = Arbitraries.integers()
			.between(1, 6)
			.map((thirds) -> new Step(Kind.ADVANCE, 0, 0, false, Behaviour.VALUE, thirds));
		Arbitrary<Step> cancel = Arbitraries.integers()
			.between(0, 7)
			.map((index) -> new Step(Kind.CANCEL, 0, 0, true, Behaviour.VALUE, index));
		return Arbitraries
			.frequencyOf(net.jqwik.api.Tuple.of(5, start), net.jqwik.api.Tuple.of(3, finish),
					net.jqwik.api.Tuple.of(2, advance), net.jqwik.api.Tuple.of(1, cancel))
			.list()
			.ofMinSize(1)
			.ofMaxSize(24);
	}

	@Provide
	Arbitrary<List<Fault>> faults() {
		return Arbitraries
			.frequencyOf(net.jqwik.api.Tuple.of(12, Arbitraries.just(Fault.NONE)),
					net.jqwik.api.Tuple.of(3, Arbitraries.just(Fault.FAIL)),
					net.jqwik.api.Tuple.of(2, Arbitraries.just(Fault.FAIL_AFTER)),
					net.jqwik.api.Tuple.of(1, Arbitraries.just(Fault.DELAY)),
					net.jqwik.api.Tuple.of(1, Arbitraries.just(Fault.TIME_OUT)))
			.list()
			.ofMaxSize(60);
	}

	@Provide
	Arbitrary<List<Fault>> failuresOnly() {
		return Arbitraries
			.frequencyOf(net.jqwik.api.Tuple.of(6, Arbitraries.just(Fault.NONE)),
					net.jqwik.api.Tuple.of(2, Arbitraries.just(Fault.FAIL)),
					net.jqwik.api.Tuple.of(1, Arbitraries.just(Fault.FAIL_AFTER)))
			.list()
			.ofMaxSize(60);
	}

	enum Kind {

		START, FINISH, ADVANCE, CANCEL

	}

	/**
	 * How a method ends; {@code LONG} runs for two leases first (synchronous calls only).
	 */
	enum Behaviour {

		VALUE, THROW, ERROR, FALLBACK, LONG

	}

	record Step(Kind kind, int instance, int key, boolean async, Behaviour behaviour, int number) {
	}

	/**
	 * An {@link Error} a method throws, as opposed to one the test's own assertions
	 * throw.
	 */
	static final class MethodError extends Error {

		MethodError(String message) {
			super(message);
		}

	}

	/** One execution of the method for a key: when it started and under which lease. */
	static final class Execution {

		final int key;

		final String token;

		final int timeFaultsAtStart;

		boolean running = true;

		Execution(int key, String token, int timeFaultsAtStart) {
			this.key = key;
			this.token = token;
			this.timeFaultsAtStart = timeFaultsAtStart;
		}

	}

	/** A method's stage still pending, and the execution it belongs to. */
	record Pending(CompletableFuture<Object> stage, Execution execution) {
	}

	/** A caller: its key, and its outcome once known. */
	static final class Call {

		final int key;

		CompletableFuture<Object> promise;

		Object value;

		Throwable failure;

		boolean done;

		boolean cancelled;

		Call(int key) {
			this.key = key;
		}

	}

	/** One scenario: three instances over one faulty store, driven on a fake clock. */
	static final class Run {

		final FakeTicker ticker = new FakeTicker();

		final FakeScheduler scheduler = new FakeScheduler(this.ticker);

		final MemoryIdempotencyStore memory = new MemoryIdempotencyStore(100, this.ticker);

		final FaultInjectingStore store = new FaultInjectingStore(this.memory, this.ticker, LEASE);

		final List<Idempotency> instances = new ArrayList<>();

		final Map<Integer, List<Execution>> executions = new HashMap<>();

		final Map<Integer, Set<Object>> produced = new HashMap<>();

		final Map<Integer, Set<Object>> realResults = new HashMap<>();

		final Map<Throwable, Integer> methodFailures = new IdentityHashMap<>();

		final Set<Integer> completedKeys = new HashSet<>();

		final List<Pending> pending = new ArrayList<>();

		final List<Call> calls = new ArrayList<>();

		/**
		 * Broken promises seen inside a method, where the engine may turn them into a
		 * call's failure.
		 */
		final List<AssertionError> violations = new ArrayList<>();

		/** Why each takeover of a live call was allowed: "renewals" or "time". */
		final List<String> takeovers = new ArrayList<>();

		final AtomicInteger values = new AtomicInteger();

		/**
		 * @param faultyRenewals whether renewals draw from the fault schedule too, or
		 * always get through
		 */
		Run(List<Fault> faults, boolean faultyRenewals) {
			AtomicInteger next = new AtomicInteger();
			this.store.plan((operation, call) -> {
				if (operation == FaultInjectingStore.Operation.RENEW && !faultyRenewals) {
					return Fault.NONE;
				}
				int index = next.getAndIncrement();
				return (index < faults.size()) ? faults.get(index) : Fault.NONE;
			});
			IdempotencyConfig.Builder config = IdempotencyConfig.custom().inProgressTimeout(LEASE);
			this.instances.add(Idempotency.of("payments", config.build(), this.store, this.ticker, this.scheduler));
			this.instances.add(Idempotency.of("payments",
					config.onInProgress(OnInProgress.WAIT).inProgressWait(Duration.ofSeconds(5)).build(), this.store,
					this.ticker, this.scheduler));
			this.instances.add(Idempotency.of("payments", config.onInProgress(OnInProgress.REJECT).build(), this.store,
					this.ticker, this.scheduler));
			for (int key = 0; key < KEYS; key++) {
				this.executions.put(key, new ArrayList<>());
				this.produced.put(key, new HashSet<>());
				this.realResults.put(key, new HashSet<>());
			}
		}

		void play(List<Step> steps) throws Throwable {
			for (Step step : steps) {
				switch (step.kind()) {
					case START -> start(step);
					case FINISH -> {
						if (!this.pending.isEmpty()) {
							finish(this.pending.remove(step.number() % this.pending.size()), step.behaviour());
						}
					}
					case ADVANCE -> this.scheduler.advance(LEASE.dividedBy(3).multipliedBy(step.number()));
					case CANCEL -> {
						List<Call> open = this.calls.stream()
							.filter((call) -> call.promise != null && !call.promise.isDone())
							.toList();
						if (!open.isEmpty()) {
							Call call = open.get(step.number() % open.size());
							call.cancelled = true;
							call.promise.cancel(true);
						}
					}
				}
				observeCompletedRecords();
			}
			assertThat(this.violations).as("promises kept while methods ran").isEmpty();
			settle();
			checkOutcomes();
		}

		private void start(Step step) {
			Idempotency idempotency = this.instances.get(step.instance());
			int key = step.key();
			Call call = new Call(key);
			this.calls.add(call);
			if (step.async()) {
				call.promise = idempotency
					.executeAsync(key(key), null, "fp-" + key, StringResultCodec.INSTANCE, (Integer k) -> {
						Execution execution = begin(k);
						CompletableFuture<Object> stage = new CompletableFuture<>();
						this.pending.add(new Pending(stage, execution));
						return stage;
					}, key)
					.toCompletableFuture();
				return;
			}
			Behaviour behaviour = step.behaviour();
			CheckedFunction<Integer, Object> method = (Integer k) -> {
				Execution execution = begin(k);
				if (behaviour == Behaviour.LONG) {
					this.scheduler.advance(LEASE.multipliedBy(2));
				}
				execution.running = false;
				return outcome(k, behaviour);
			};
			try {
				call.value = idempotency.execute(key(key), null, "fp-" + key, StringResultCodec.INSTANCE, method, key);
			}
			catch (AssertionError ex) {
				throw ex;
			}
			catch (Throwable ex) {
				call.failure = ex;
			}
			call.done = true;
		}

		private void finish(Pending pending, Behaviour behaviour) {
			pending.execution().running = false;
			try {
				pending.stage().complete(outcome(pending.execution().key, behaviour));
			}
			catch (AssertionError ex) {
				throw ex;
			}
			catch (Throwable ex) {
				pending.stage().completeExceptionally(ex);
			}
		}

		/** What the method hands back, or throws. */
		private Object outcome(int key, Behaviour behaviour) throws Throwable {
			String value = "v" + this.values.incrementAndGet();
			switch (behaviour) {
				case THROW -> {
					IllegalStateException failure = new IllegalStateException("declined " + value);
					this.methodFailures.put(failure, key);
					throw failure;
				}
				case ERROR -> {
					MethodError error = new MethodError("error " + value);
					this.methodFailures.put(error, key);
					throw error;
				}
				case FALLBACK -> {
					this.produced.get(key).add(value);
					return new FallbackAnswer(value);
				}
				default -> {
					this.produced.get(key).add(value);
					this.realResults.get(key).add(value);
					return value;
				}
			}
		}

		/**
		 * A method starts running for {@code key}: checks that no live call of the key is
		 * taken over.
		 */
		private Execution begin(int key) {
			try {
				return checkedBegin(key);
			}
			catch (AssertionError ex) {
				this.violations.add(ex);
				throw ex;
			}
		}

		private Execution checkedBegin(int key) {
			String token = this.store.lastClaimedToken(recordId(key));
			assertThat(this.completedKeys).as("a key whose result is stored never runs again while its record lives")
				.doesNotContain(key);
			for (Execution other : this.executions.get(key)) {
				if (other.running) {
					boolean renewalsFailed = this.store.faultedRenewals(other.token) >= 2;
					boolean timeJumped = this.store.timeFaults() > other.timeFaultsAtStart;
					assertThat(renewalsFailed || timeJumped)
						.as("a live call was taken over although its lease was renewable")
						.isTrue();
					this.takeovers.add(timeJumped ? "time" : "renewals");
				}
			}
			Execution execution = new Execution(key, token, this.store.timeFaults());
			this.executions.get(key).add(execution);
			return execution;
		}

		private void observeCompletedRecords() {
			for (int key = 0; key < KEYS; key++) {
				this.memory.find(recordId(key))
					.filter((record) -> record.state() == IdempotencyRecord.State.COMPLETED)
					.ifPresent((record) -> {
						assertThat(record.result()).as("a completed record holds its result").isNotNull();
						this.completedKeys.add(keyOf(record));
					});
			}
		}

		private int keyOf(IdempotencyRecord record) {
			return Integer.parseInt(record.fingerprint().substring("fp-".length()));
		}

		/**
		 * Ends every method still running, then lets time pass until nothing is
		 * scheduled.
		 */
		private void settle() {
			while (!this.pending.isEmpty()) {
				finish(this.pending.remove(0), Behaviour.VALUE);
				observeCompletedRecords();
			}
			for (int round = 0; round < 40 && this.scheduler.pendingTasks() > 0; round++) {
				this.scheduler.advance(LEASE);
				while (!this.pending.isEmpty()) {
					finish(this.pending.remove(0), Behaviour.VALUE);
				}
				observeCompletedRecords();
			}
			assertThat(this.scheduler.pendingTasks()).as("no renewal or poll outlives the calls").isZero();
			this.scheduler.advance(LEASE.plusNanos(1));
			for (int key = 0; key < KEYS; key++) {
				this.memory.find(recordId(key)).ifPresent((record) -> {
					assertThat(record.state()).as("no claim stays in progress past its lease")
						.isEqualTo(IdempotencyRecord.State.COMPLETED);
					try {
						assertThat(StringResultCodec.INSTANCE.decode(record.result()))
							.as("a stored result is one the method produced, never a degraded answer")
							.isIn(this.realResults.get(keyOf(record)));
					}
					catch (Exception ex) {
						throw new AssertionError(ex);
					}
				});
			}
		}

		private void checkOutcomes() {
			assertThat(this.violations).as("promises kept while methods ran").isEmpty();
			for (Call call : this.calls) {
				if (call.promise != null) {
					assertThat(call.promise).as("every asynchronous caller hears back").isDone();
					try {
						call.value = call.promise.join();
					}
					catch (CancellationException ex) {
						assertThat(call.cancelled).as("only a caller's own cancel cancels its stage").isTrue();
						continue;
					}
					catch (CompletionException ex) {
						call.failure = ex.getCause();
					}
				}
				if (call.failure == null) {
					assertThat(call.value).as("the caller gets a result of its key, unwrapped")
						.isNotInstanceOf(FallbackAnswer.class)
						.isIn(this.produced.get(call.key));
					continue;
				}
				Throwable failure = call.failure;
				boolean documented = failure instanceof IdempotencyInProgressException
						|| failure instanceof IdempotencyStoreUnavailableException;
				boolean own = Integer.valueOf(call.key).equals(this.methodFailures.get(failure));
				assertThat(documented || own).as("a documented refusal or the method's own failure, not %s", failure)
					.isTrue();
			}
		}

		private static String key(int key) {
			return "key-" + key;
		}

		private static String recordId(int key) {
			return IdempotencyKeys.recordId(IdempotencyConfig.DEFAULT_KEY_PREFIX, null, "payments", key(key));
		}

	}

}
