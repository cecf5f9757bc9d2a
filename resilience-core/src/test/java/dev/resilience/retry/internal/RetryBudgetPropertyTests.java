package dev.resilience.retry.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

import dev.resilience.retry.RetryConfig.BudgetConfig;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retry budget against a reference model written straight from docs/retry.md ("Retry
 * budget"): random interleavings of calls, retries asked for and clock advances across
 * the window. Every retry asked for must be granted exactly when, counting it, the
 * retries in the window stay at or below
 * {@code max(ratio * calls in the window, minRetriesPerSecond * window seconds)}: a grant
 * above the bound is a broken promise, a refusal within it a retry wrongly denied. The
 * model does its arithmetic in exact decimals, on the ratio as written.
 * <p>
 * The window is the budget's documented one: the current one-second-or-shorter slot and
 * the slots before it, {@code ceil(window / 1s)} (at most 60) in all.
 */
class RetryBudgetPropertyTests {

	private static final long NANOS_PER_SECOND = 1_000_000_000L;

	/** One step of a scenario: a call, a retry asked for, or time passing. */
	record Step(Kind kind, long advanceNanos) {

		enum Kind {

			CALL, RETRY, ADVANCE

		}

		@Override
		public String toString() {
			return (this.kind == Kind.ADVANCE) ? "advance " + this.advanceNanos + "ns" : this.kind.name();
		}

	}

	@Provide
	Arbitrary<BigDecimal> ratios() {
		return Arbitraries.oneOf(Arbitraries.bigDecimals().between(new BigDecimal("0.001"), BigDecimal.ONE).ofScale(3),
				Arbitraries.of(new BigDecimal("0.01"), new BigDecimal("0.1"), new BigDecimal("0.2"),
						new BigDecimal("0.29"), new BigDecimal("0.3"), new BigDecimal("0.7"), BigDecimal.ONE));
	}

	@Provide
	Arbitrary<List<Step>> scenarios() {
		Arbitrary<Step> call = Arbitraries.just(new Step(Step.Kind.CALL, 0));
		Arbitrary<Step> retry = Arbitraries.just(new Step(Step.Kind.RETRY, 0));
		Arbitrary<Step> advance = Arbitraries.longs()
			.between(1, 3 * NANOS_PER_SECOND)
			.map((nanos) -> new Step(Step.Kind.ADVANCE, nanos));
		return Arbitraries.frequencyOf(Tuple.of(5, call), Tuple.of(4, retry), Tuple.of(1, advance))
			.list()
			.ofMaxSize(300);
	}

	@Property(tries = 300)
	void grantsARetryExactlyWhenCountingItTheRetriesInTheWindowStayWithinTheBound(@ForAll("ratios") BigDecimal ratio,
			@ForAll @IntRange(min = 0, max = 4) int minRetriesPerSecond,
			@ForAll @IntRange(min = 1_000, max = 4_500) int windowMillis, @ForAll("scenarios") List<Step> steps) {
		FakeTicker ticker = new FakeTicker();
		Duration window = Duration.ofMillis(windowMillis);
		RetryBudget budget = new RetryBudget(BudgetConfig.of(ratio.doubleValue(), minRetriesPerSecond, window), ticker);
		Model model = new Model(ratio, minRetriesPerSecond, window);
		for (int i = 0; i < steps.size(); i++) {
			Step step = steps.get(i);
			switch (step.kind()) {
				case CALL -> {
					budget.deposit();
					model.call(ticker.read());
				}
				case ADVANCE -> ticker.advanceNanos(step.advanceNanos());
				case RETRY -> {
					boolean expected = model.fits(ticker.read());
					boolean granted = budget.tryWithdraw();
					assertThat(granted).as("step %d of %s: %s", i, steps, model.describe(ticker.read()))
						.isEqualTo(expected);
					if (granted) {
						model.retry(ticker.read());
						assertThat(model.withinBound(ticker.read())).isTrue();
					}
				}
			}
		}
	}

	/**
	 * The documented bound in exact decimals, over the slots of the documented window.
	 */
	private static final class Model {

		private final BigDecimal ratio;

		private final BigDecimal floor;

		private final long slotNanos;

		private final int slots;

		private final List<long[]> calls = new ArrayList<>();

		private final List<long[]> retries = new ArrayList<>();

		Model(BigDecimal ratio, int minRetriesPerSecond, Duration window) {
			this.ratio = ratio;
			long windowNanos = window.toNanos();
			this.floor = BigDecimal.valueOf(minRetriesPerSecond)
				.multiply(BigDecimal.valueOf(windowNanos))
				.divide(BigDecimal.valueOf(NANOS_PER_SECOND));
			this.slots = (int) Math.min(60, (windowNanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND);
			this.slotNanos = (windowNanos + this.slots - 1) / this.slots;
		}

		void call(long now) {
			this.calls.add(new long[] { Math.floorDiv(now, this.slotNanos) });
		}

		void retry(long now) {
			this.retries.add(new long[] { Math.floorDiv(now, this.slotNanos) });
		}

		private long inWindow(List<long[]> events, long now) {
			long slot = Math.floorDiv(now, this.slotNanos);
			return events.stream().filter((event) -> event[0] > slot - this.slots && event[0] <= slot).count();
		}

		private BigDecimal bound(long now) {
			return this.ratio.multiply(BigDecimal.valueOf(inWindow(this.calls, now))).max(this.floor);
		}

		boolean fits(long now) {
			return BigDecimal.valueOf(inWindow(this.retries, now) + 1).compareTo(bound(now)) <= 0;
		}

		boolean withinBound(long now) {
			return BigDecimal.valueOf(inWindow(this.retries, now)).compareTo(bound(now)) <= 0;
		}

		String describe(long now) {
			return inWindow(this.retries, now) + " retries and " + inWindow(this.calls, now)
					+ " calls in the window, bound " + bound(now);
		}

	}

}
