package dev.resilience.circuitbreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model-based property test of the breaker: random configurations and random sequences of
 * admissions, outcomes (success, failure, slow, ignored), late outcomes of calls admitted
 * many steps (and states) earlier, permits given back, manual transitions, resets and
 * clock advances. After every step the breaker must agree with a small reference model
 * written here from the contract: its state, its window's counts and rates, its refusals,
 * and (through every admission) its trial permits. Covers count- and time-based windows,
 * the consecutive-failure rule, trial counting and the half-open max wait.
 */
class CircuitBreakerModelTests {

	private static final long SECOND = 1_000_000_000L;

	private static final long SLOW_NANOS = 2 * SECOND;

	@Property(tries = 500)
	void breakerAgreesWithTheReferenceModelAfterEveryStep(@ForAll("configs") Config config,
			@ForAll("steps") List<Step> steps) {
		FakeTicker ticker = new FakeTicker();
		CircuitBreaker breaker = CircuitBreaker.of("model", config.build(), ticker);
		Model model = new Model(config, ticker);
		RecordingListener heard = new RecordingListener();
		breaker.addListener(heard);
		List<Call> outstanding = new ArrayList<>();
		long[] ended = new long[2];
		long refusals = 0;
		int index = 0;
		for (Step step : steps) {
			String where = "step " + index++ + " " + step + " of " + steps + " with " + config;
			long refusedBefore = model.refused;
			boolean reset = step.kind == Kind.RESET;
			long endedAfter = apply(step, breaker, model, outstanding, ticker);
			if (endedAfter >= 0) {
				ended[0]++;
				ended[1] += endedAfter;
			}
			refusals += reset ? 0 : model.refused - refusedBefore;
			assertTotals(breaker.getMetrics(), heard, ended, refusals, where);
			assertThat(breaker.toString()).as(where).endsWith(" " + model.state.state);
			if (step.kind == Kind.OBSERVE) {
				assertThat(breaker.getState()).as(where).isEqualTo(model.observe());
			}
			int[] counts = model.state.counts();
			CircuitBreaker.Metrics metrics = breaker.getMetrics();
			assertThat(metrics.getNumberOfBufferedCalls()).as("buffered calls, " + where).isEqualTo(counts[0]);
			assertThat(metrics.getNumberOfFailedCalls()).as("failed calls, " + where).isEqualTo(counts[1]);
			assertThat(metrics.getNumberOfSlowCalls()).as("slow calls, " + where).isEqualTo(counts[2]);
			assertThat(metrics.getFailureRate()).as("failure rate, " + where)
				.isEqualTo(model.state.rate(counts[0], counts[1]));
			assertThat(metrics.getSlowCallRate()).as("slow call rate, " + where)
				.isEqualTo(model.state.rate(counts[0], counts[2]));
			assertThat(metrics.getNumberOfNotPermittedCalls()).as("refusals, " + where).isEqualTo(model.refused);
		}
	}

	/**
	 * The breaker's lifetime totals: every ended call counted once with its duration,
	 * under the outcome its listeners heard, and every refusal, none of it cleared by a
	 * transition or a reset.
	 */
	private static void assertTotals(CircuitBreaker.Metrics metrics, RecordingListener heard, long[] ended,
			long refusals, String where) {
		long calls = 0;
		long nanos = 0;
		for (CallOutcome outcome : CallOutcome.values()) {
			long heardCount = 0;
			long heardNanos = 0;
			for (int i = 0; i < heard.outcomes.size(); i++) {
				if (heard.outcomes.get(i) == outcome) {
					heardCount++;
					heardNanos += heard.durations.get(i);
				}
			}
			assertThat(metrics.getTotalNumberOfCalls(outcome)).as("total %s calls, %s", outcome, where)
				.isEqualTo(heardCount);
			assertThat(metrics.getTotalDurationNanos(outcome)).as("total %s nanos, %s", outcome, where)
				.isEqualTo(heardNanos);
			if (outcome != CallOutcome.NOT_PERMITTED) {
				calls += metrics.getTotalNumberOfCalls(outcome);
				nanos += metrics.getTotalDurationNanos(outcome);
			}
		}
		assertThat(calls).as("calls ended, %s", where).isEqualTo(ended[0]);
		assertThat(nanos).as("nanos of the calls ended, %s", where).isEqualTo(ended[1]);
		assertThat(metrics.getTotalNumberOfCalls(CallOutcome.NOT_PERMITTED)).as("refusals ever, %s", where)
			.isEqualTo(refusals);
	}

	/** Applies one step; returns the duration of the call it ended, or -1. */
	private static long apply(Step step, CircuitBreaker breaker, Model model, List<Call> outstanding,
			FakeTicker ticker) {
		switch (step.kind) {
			case ADMIT -> {
				Admission expected = model.admit();
				Call call = step.a % 2 == 0 ? Call.byPermission(breaker, ticker) : Call.byStage(breaker, ticker);
				assertThat(call.admitted()).as("admitted at %s in %s", step, model.state.state)
					.isEqualTo(expected != null);
				if (expected != null) {
					call.model = expected;
					outstanding.add(call);
				}
			}
			case END -> {
				if (!outstanding.isEmpty()) {
					Call call = outstanding.remove(step.a % outstanding.size());
					Outcome outcome = Outcome.values()[step.b % Outcome.values().length];
					long duration = call.end(outcome, ticker);
					model.end(call.model, outcome, duration);
					return duration;
				}
			}
			case RELEASE -> {
				if (!outstanding.isEmpty()) {
					Call call = outstanding.get(step.a % outstanding.size());
					if (call.permission != null) {
						outstanding.remove(call);
						call.permission.release();
						model.release(call.model);
					}
				}
			}
			case ADVANCE -> {
				long nanos = (step.b % 3 == 0) ? step.a * (SECOND / 4) : step.a * SECOND;
				ticker.advanceNanos(nanos);
			}
			case MANUAL -> {
				State target = State.values()[step.a % State.values().length];
				switch (target) {
					case CLOSED -> breaker.transitionToClosedState();
					case OPEN -> breaker.transitionToOpenState();
					case HALF_OPEN -> breaker.transitionToHalfOpenState();
					case FORCED_OPEN -> breaker.transitionToForcedOpenState();
					case DISABLED -> breaker.transitionToDisabledState();
				}
				model.manual(target);
			}
			case RESET -> {
				breaker.reset();
				model.reset();
			}
			case OBSERVE -> {
				// Checked by the caller: reading the state applies the timers.
			}
		}
		return -1;
	}

	@Provide
	Arbitrary<Config> configs() {
		Arbitrary<Boolean> timeBased = Arbitraries.of(true, false);
		Arbitrary<Integer> size = Arbitraries.integers().between(1, 6);
		Arbitrary<Integer> minimum = Arbitraries.integers().between(1, 6);
		Arbitrary<Float> failureRate = Arbitraries.of(25f, 50f, 60f, 100f);
		Arbitrary<Float> slowRate = Arbitraries.of(50f, 100f);
		Arbitrary<Integer> consecutive = Arbitraries.integers().between(0, 3);
		Arbitrary<Integer> waitSeconds = Arbitraries.integers().between(1, 5);
		Arbitrary<Integer> trials = Arbitraries.integers().between(1, 3);
		Arbitrary<Integer> maxWaitSeconds = Arbitraries.integers().between(0, 6);
		return Combinators.combine(timeBased, size, minimum, failureRate, slowRate, consecutive, waitSeconds, trials)
			.flatAs((t, s, m, f, sr, c, w, p) -> maxWaitSeconds
				.map((mw) -> new Config(t, s, t ? m : Math.min(m, s), f, sr, c, w, p, mw)));
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<Kind> kind = Arbitraries.frequencyOf(Tuple.of(30, Arbitraries.just(Kind.ADMIT)),
				Tuple.of(28, Arbitraries.just(Kind.END)), Tuple.of(4, Arbitraries.just(Kind.RELEASE)),
				Tuple.of(16, Arbitraries.just(Kind.ADVANCE)), Tuple.of(6, Arbitraries.just(Kind.MANUAL)),
				Tuple.of(2, Arbitraries.just(Kind.RESET)), Tuple.of(14, Arbitraries.just(Kind.OBSERVE)));
		Arbitrary<Step> step = Combinators
			.combine(kind, Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 11))
			.as(Step::new);
		return step.list().ofMinSize(1).ofMaxSize(50);
	}

	enum Kind {

		ADMIT, END, RELEASE, ADVANCE, MANUAL, RESET, OBSERVE

	}

	record Step(Kind kind, int a, int b) {

		@Override
		public String toString() {
			return this.kind + "(" + this.a + "," + this.b + ")";
		}

	}

	enum Outcome {

		SUCCESS, FAILURE, SLOW_SUCCESS, SLOW_FAILURE, IGNORED;

		boolean failed() {
			return this == FAILURE || this == SLOW_FAILURE;
		}

		boolean slow() {
			return this == SLOW_SUCCESS || this == SLOW_FAILURE;
		}

	}

	record Config(boolean timeBased, int size, int minimum, float failureRate, float slowRate, int consecutive,
			int waitSeconds, int trials, int maxWaitSeconds) {

		CircuitBreakerConfig build() {
			return CircuitBreakerConfig.custom()
				.slidingWindowType(this.timeBased ? SlidingWindowType.TIME_BASED : SlidingWindowType.COUNT_BASED)
				.slidingWindowSize(this.size)
				.minimumNumberOfCalls(this.minimum)
				.failureRateThreshold(this.failureRate)
				.slowCallRateThreshold(this.slowRate)
				.slowCallDurationThreshold(Duration.ofNanos(SLOW_NANOS))
				.consecutiveFailureThreshold(this.consecutive)
				.waitDurationInOpenState(Duration.ofSeconds(this.waitSeconds))
				.permittedNumberOfCallsInHalfOpenState(this.trials)
				.maxWaitDurationInHalfOpenState(Duration.ofSeconds(this.maxWaitSeconds))
				.ignoreExceptions(List.of(IllegalArgumentException.class))
				.build();
		}

	}

	/**
	 * One call against the real breaker: admitted through
	 * {@link CircuitBreaker#tryAdmit()}, ended with an explicit duration, or through
	 * {@code executeAsync}, ended by completing the stage the call returned (its duration
	 * is then ticker time).
	 */
	static final class Call {

		final CircuitBreaker.Permission permission;

		final CompletableFuture<String> pending;

		final CompletionStage<String> returned;

		final long start;

		Admission model;

		private Call(CircuitBreaker.Permission permission, CompletableFuture<String> pending,
				CompletionStage<String> returned, long start) {
			this.permission = permission;
			this.pending = pending;
			this.returned = returned;
			this.start = start;
		}

		static Call byPermission(CircuitBreaker breaker, FakeTicker ticker) {
			return new Call(breaker.tryAdmit(), null, null, ticker.read());
		}

		static Call byStage(CircuitBreaker breaker, FakeTicker ticker) {
			CompletableFuture<String> pending = new CompletableFuture<>();
			CompletionStage<String> returned = breaker.executeAsync((ignored) -> pending, null);
			return new Call(null, pending, returned, ticker.read());
		}

		boolean admitted() {
			if (this.permission != null) {
				return true;
			}
			return this.returned != null && !this.returned.toCompletableFuture().isCompletedExceptionally();
		}

		/** Ends the call; returns the duration the breaker measured. */
		long end(Outcome outcome, FakeTicker ticker) {
			Exception error = switch (outcome) {
				case FAILURE, SLOW_FAILURE -> new IOException("failed");
				case IGNORED -> new IllegalArgumentException("ignored");
				default -> null;
			};
			if (this.permission != null) {
				long duration = outcome.slow() ? SLOW_NANOS : 0;
				if (error != null) {
					this.permission.onError(duration, error);
				}
				else {
					this.permission.onSuccess(duration);
				}
				return duration;
			}
			if (error != null) {
				this.pending.completeExceptionally(error);
			}
			else {
				this.pending.complete("ok");
			}
			return ticker.read() - this.start;
		}

	}

	/**
	 * The model's record of one admitted call: which model state admitted it, and whether
	 * it ended.
	 */
	static final class Admission {

		final MState admittedBy;

		boolean ended;

		Admission(MState admittedBy) {
			this.admittedBy = admittedBy;
		}

	}

	/** A state of the model; a new object for each state entered, as in the contract. */
	abstract static class MState {

		final State state;

		MState(State state) {
			this.state = state;
		}

		/** Buffered, failed and slow calls the metrics show in this state. */
		abstract int[] counts();

		abstract float rate(int buffered, int part);

	}

	/** The reference model, written from the contract, not from the implementation. */
	static final class Model {

		final Config config;

		final FakeTicker ticker;

		final MState forcedOpen = new Empty(State.FORCED_OPEN);

		final MState disabled = new Empty(State.DISABLED);

		MState state;

		long refused;

		Model(Config config, FakeTicker ticker) {
			this.config = config;
			this.ticker = ticker;
			this.state = new Closed();
		}

		long now() {
			return this.ticker.read();
		}

		float rate(int minimum, int buffered, int part) {
			if (buffered < minimum) {
				return -1;
			}
			return Math.max(0f, Math.min(100f, part * 100f / buffered));
		}

		boolean reached(int minimum, int buffered, int failed, int slow) {
			return buffered >= minimum && (rate(minimum, buffered, failed) >= this.config.failureRate
					|| rate(minimum, buffered, slow) >= this.config.slowRate);
		}

		/**
		 * The state a call meets: an open state past its wait is half-open, a half-open
		 * one past its max wait open.
		 */
		State observe() {
			applyTimers();
			return this.state.state;
		}

		void applyTimers() {
			if (this.state instanceof Open open && now() - open.openedAt >= this.config.waitSeconds * SECOND) {
				this.state = new HalfOpen();
			}
			else if (this.state instanceof HalfOpen halfOpen && halfOpen.maxWaitElapsed()) {
				this.state = new Open(halfOpen);
			}
		}

		Admission admit() {
			applyTimers();
			boolean admitted = switch (this.state.state) {
				case CLOSED, DISABLED -> true;
				case HALF_OPEN -> ((HalfOpen) this.state).takePermit();
				case OPEN, FORCED_OPEN -> false;
			};
			if (!admitted) {
				this.refused++;
				return null;
			}
			return new Admission(this.state);
		}

		void end(Admission admission, Outcome outcome, long duration) {
			boolean slow = duration >= SLOW_NANOS;
			if (outcome == Outcome.IGNORED) {
				release(admission);
				return;
			}
			boolean failed = outcome.failed();
			if (admission.admittedBy instanceof HalfOpen) {
				if (admission.ended) {
					return;
				}
				admission.ended = true;
			}
			if (admission.admittedBy != this.state) {
				// Its state is gone: a late outcome counts nowhere.
				return;
			}
			if (this.state instanceof Closed closed) {
				closed.record(failed, slow);
			}
			else if (this.state instanceof HalfOpen halfOpen) {
				halfOpen.record(failed, slow);
			}
		}

		void release(Admission admission) {
			if (admission.admittedBy instanceof HalfOpen halfOpen && !admission.ended) {
				admission.ended = true;
				if (halfOpen == this.state) {
					halfOpen.free = Math.min(this.config.trials, halfOpen.free + 1);
				}
			}
		}

		void manual(State target) {
			if (this.state.state == target) {
				return;
			}
			this.state = switch (target) {
				case CLOSED -> new Closed();
				case OPEN -> new Open(this.state);
				case HALF_OPEN -> new HalfOpen();
				case FORCED_OPEN -> this.forcedOpen;
				case DISABLED -> this.disabled;
			};
		}

		void reset() {
			this.state = new Closed();
			this.refused = 0;
		}

		final class Closed extends MState {

			/** Each call as {second, failed, slow}. */
			final List<long[]> calls = new ArrayList<>();

			int consecutiveFailures;

			Closed() {
				super(State.CLOSED);
			}

			void record(boolean failed, boolean slow) {
				this.calls.add(new long[] { Math.floorDiv(now(), SECOND), failed ? 1 : 0, slow ? 1 : 0 });
				int[] counts = counts();
				if (reached(Model.this.config.minimum, counts[0], counts[1], counts[2])) {
					Model.this.state = new Open(this);
					return;
				}
				if (Model.this.config.consecutive > 0) {
					this.consecutiveFailures = failed ? this.consecutiveFailures + 1 : 0;
					if (this.consecutiveFailures >= Model.this.config.consecutive) {
						Model.this.state = new Open(this);
					}
				}
			}

			@Override
			int[] counts() {
				List<long[]> window;
				if (Model.this.config.timeBased) {
					long second = Math.floorDiv(now(), SECOND);
					window = this.calls.stream().filter((call) -> call[0] > second - Model.this.config.size).toList();
				}
				else {
					window = this.calls.subList(Math.max(0, this.calls.size() - Model.this.config.size),
							this.calls.size());
				}
				int[] counts = new int[3];
				for (long[] call : window) {
					counts[0]++;
					counts[1] += (int) call[1];
					counts[2] += (int) call[2];
				}
				return counts;
			}

			@Override
			float rate(int buffered, int part) {
				return Model.this.rate(Model.this.config.minimum, buffered, part);
			}

		}

		final class Open extends MState {

			final long openedAt = now();

			/** The state it opened from, whose counts the metrics keep showing. */
			final MState from;

			Open(MState from) {
				super(State.OPEN);
				this.from = from;
			}

			@Override
			int[] counts() {
				return this.from.counts();
			}

			@Override
			float rate(int buffered, int part) {
				return this.from.rate(buffered, part);
			}

		}

		final class HalfOpen extends MState {

			final long enteredAt = now();

			int free = Model.this.config.trials;

			int buffered;

			int failed;

			int slow;

			int consecutiveFailures;

			HalfOpen() {
				super(State.HALF_OPEN);
			}

			boolean maxWaitElapsed() {
				long maxWait = Model.this.config.maxWaitSeconds * SECOND;
				return maxWait > 0 && now() - this.enteredAt >= maxWait;
			}

			boolean takePermit() {
				if (this.free == 0) {
					return false;
				}
				this.free--;
				return true;
			}

			void record(boolean failed, boolean slow) {
				if (maxWaitElapsed()) {
					Model.this.state = new Open(this);
					return;
				}
				if (this.buffered >= Model.this.config.trials) {
					return;
				}
				this.buffered++;
				this.failed += failed ? 1 : 0;
				this.slow += slow ? 1 : 0;
				if (Model.this.config.consecutive > 0) {
					this.consecutiveFailures = failed ? this.consecutiveFailures + 1 : 0;
					if (this.consecutiveFailures >= Model.this.config.consecutive) {
						Model.this.state = new Open(this);
						return;
					}
				}
				if (this.buffered == Model.this.config.trials) {
					Model.this.state = reached(Model.this.config.trials, this.buffered, this.failed, this.slow)
							? new Open(this) : new Closed();
				}
			}

			@Override
			int[] counts() {
				return new int[] { this.buffered, this.failed, this.slow };
			}

			@Override
			float rate(int buffered, int part) {
				return Model.this.rate(Model.this.config.trials, buffered, part);
			}

		}

		final class Empty extends MState {

			Empty(State state) {
				super(state);
			}

			@Override
			int[] counts() {
				return new int[3];
			}

			@Override
			float rate(int buffered, int part) {
				return -1;
			}

		}

	}

}
