package dev.resilience.ratelimiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rate limiter against a model written from its documented rules: cycle {@code k}
 * starts {@code k} periods after creation with {@code limit} permits; a caller gets the
 * first permit not yet handed out, in the current cycle or in the latest cycle already
 * reserved (callers are served in order); it is granted when that permit's cycle starts
 * within its timeout (at once for {@code tryAcquirePermission}), refused otherwise with
 * the exact time until then. Random sequences of immediate, synchronous and asynchronous
 * requests and clock advances; after every step the available permissions must be the
 * model's, and at the end every granted call must have started in the cycle the model
 * gave it, never more than the limit per cycle.
 */
class RateLimiterModelTests {

	/** One step: a request of some kind, or time passing. */
	record Step(Kind kind, long advanceNanos) {

		enum Kind {

			TRY, SYNC, ASYNC, ADVANCE

		}

		@Override
		public String toString() {
			return (this.kind == Kind.ADVANCE) ? "advance " + this.advanceNanos : this.kind.name();
		}

	}

	@Provide
	Arbitrary<List<Step>> scenarios() {
		Arbitrary<Step> advance = Arbitraries.longs()
			.between(1, 2_500)
			.map((nanos) -> new Step(Step.Kind.ADVANCE, nanos));
		return Arbitraries
			.frequencyOf(Tuple.of(4, Arbitraries.just(new Step(Step.Kind.TRY, 0))),
					Tuple.of(2, Arbitraries.just(new Step(Step.Kind.SYNC, 0))),
					Tuple.of(4, Arbitraries.just(new Step(Step.Kind.ASYNC, 0))), Tuple.of(3, advance))
			.list()
			.ofMaxSize(200);
	}

	@Property(tries = 500)
	void grantsRefusesAndServesAsTheModelSays(@ForAll @IntRange(min = 1, max = 4) int limit,
			@ForAll @IntRange(min = 1, max = 1_000) int periodNanos,
			@ForAll @IntRange(min = 0, max = 3_000) int timeoutNanos, @ForAll("scenarios") List<Step> steps) {
		FakeTicker ticker = new FakeTicker();
		FakeScheduler scheduler = new FakeScheduler(ticker);
		RateLimiter limiter = RateLimiter.of("model",
				RateLimiterConfig.custom()
					.limitForPeriod(limit)
					.limitRefreshPeriod(Duration.ofNanos(periodNanos))
					.timeoutDuration(Duration.ofNanos(timeoutNanos))
					.build(),
				ticker, scheduler);
		Model model = new Model(ticker.read(), limit, periodNanos);
		List<long[]> expectedAndActualCycles = new ArrayList<>();
		for (int i = 0; i < steps.size(); i++) {
			Step step = steps.get(i);
			long now = ticker.read();
			long cycle = model.cycle(now);
			long permitCycle = model.nextFreeCycle(now);
			long wait = model.waitUntil(permitCycle, now);
			String where = "step " + i + " of " + steps;
			switch (step.kind()) {
				case ADVANCE -> scheduler.advanceNanos(step.advanceNanos());
				case TRY -> {
					boolean granted = limiter.tryAcquirePermission();
					assertThat(granted).as(where).isEqualTo(permitCycle == cycle);
					if (granted) {
						model.take(permitCycle);
						expectedAndActualCycles.add(new long[] { permitCycle, cycle });
					}
				}
				case SYNC -> {
					if (wait <= timeoutNanos) {
						limiter.acquirePermission();
						model.take(permitCycle);
						assertThat(ticker.read()).as(where).isEqualTo(now + wait);
						expectedAndActualCycles.add(new long[] { permitCycle, model.cycle(ticker.read()) });
					}
					else {
						try {
							limiter.acquirePermission();
							throw new AssertionError(where + ": granted a permit " + wait + "ns away");
						}
						catch (RequestNotPermittedException ex) {
							assertThat(ex.getRetryAfter()).as(where).isEqualTo(Duration.ofNanos(wait));
						}
					}
				}
				case ASYNC -> {
					long[] record = { permitCycle, -1 };
					CompletionStage<String> result = limiter.executeAsync((argument) -> {
						record[1] = model.cycle(ticker.read());
						return CompletableFuture.completedFuture("ok");
					}, null);
					if (wait <= timeoutNanos) {
						model.take(permitCycle);
						expectedAndActualCycles.add(record);
						assertThat(result.toCompletableFuture().isDone()).as(where).isEqualTo(wait == 0);
					}
					else {
						assertThat(result.toCompletableFuture()).as(where)
							.failsWithin(Duration.ZERO)
							.withThrowableOfType(ExecutionException.class)
							.havingCause()
							.isInstanceOfSatisfying(RequestNotPermittedException.class,
									(ex) -> assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofNanos(wait)));
					}
				}
			}
			assertThat(limiter.getMetrics().getAvailablePermissions()).as(where)
				.isEqualTo(model.available(ticker.read()));
		}
		scheduler.runAll();
		Map<Long, Integer> startedPerCycle = new HashMap<>();
		for (long[] call : expectedAndActualCycles) {
			assertThat(call[1]).as("a granted call starts in the cycle of its permit").isEqualTo(call[0]);
			startedPerCycle.merge(call[1], 1, Integer::sum);
		}
		assertThat(startedPerCycle.values()).allSatisfy((count) -> assertThat(count).isLessThanOrEqualTo(limit));
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(expectedAndActualCycles.size());
	}

	/** Reserved permits per cycle and the latest cycle reserved. */
	private static final class Model {

		private final long origin;

		private final int limit;

		private final long period;

		private final Map<Long, Integer> reserved = new HashMap<>();

		private long latest = -1;

		Model(long origin, int limit, long period) {
			this.origin = origin;
			this.limit = limit;
			this.period = period;
		}

		long cycle(long now) {
			return (now - this.origin) / this.period;
		}

		long nextFreeCycle(long now) {
			long cycle = cycle(now);
			if (this.latest < cycle) {
				return cycle;
			}
			return (this.reserved.getOrDefault(this.latest, 0) < this.limit) ? this.latest : this.latest + 1;
		}

		long waitUntil(long cycle, long now) {
			return Math.max(0, this.origin + cycle * this.period - now);
		}

		void take(long cycle) {
			int count = this.reserved.merge(cycle, 1, Integer::sum);
			assertThat(count).isLessThanOrEqualTo(this.limit);
			this.latest = Math.max(this.latest, cycle);
		}

		long available(long now) {
			long cycle = cycle(now);
			long taken = this.reserved.entrySet()
				.stream()
				.filter((entry) -> entry.getKey() >= cycle)
				.mapToLong(Map.Entry::getValue)
				.sum();
			return this.limit - taken;
		}

	}

}
