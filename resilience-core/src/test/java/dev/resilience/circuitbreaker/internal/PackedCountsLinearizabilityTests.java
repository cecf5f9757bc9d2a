package dev.resilience.circuitbreaker.internal;

import java.util.concurrent.atomic.AtomicLong;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

import dev.resilience.circuitbreaker.CallOutcome;

/**
 * Lincheck, stress mode: three counters packed into one {@code long} behave as three
 * independent counters under concurrent additions and removals, removals applied before
 * their additions (negative fields) included. The sequential specification is three plain
 * {@code int}s.
 */
@Param(name = "outcome", gen = IntGen.class, conf = "0:3")
public class PackedCountsLinearizabilityTests {

	static final CallOutcome[] OUTCOMES = { CallOutcome.SUCCESS, CallOutcome.FAILURE, CallOutcome.SLOW_SUCCESS,
			CallOutcome.SLOW_FAILURE };

	private final AtomicLong packed = new AtomicLong();

	public PackedCountsLinearizabilityTests() {
	}

	@Operation
	public void add(@Param(name = "outcome") int outcome) {
		this.packed.addAndGet(PackedCounts.weight(OUTCOMES[outcome]));
	}

	@Operation
	public void remove(@Param(name = "outcome") int outcome) {
		this.packed.addAndGet(-PackedCounts.weight(OUTCOMES[outcome]));
	}

	@Operation
	public String counts() {
		long value = this.packed.get();
		return PackedCounts.buffered(value) + "/" + PackedCounts.failed(value) + "/" + PackedCounts.slow(value);
	}

	@Test
	public void packedFieldsBehaveAsThreeIndependentCounters() {
		new StressOptions().iterations(20)
			.invocationsPerIteration(200)
			.threads(3)
			.actorsPerThread(3)
			.sequentialSpecification(ThreeCounters.class)
			.check(PackedCountsLinearizabilityTests.class);
	}

	/** Sequential specification: the three counts kept apart. */
	public static class ThreeCounters {

		private int buffered;

		private int failed;

		private int slow;

		public ThreeCounters() {
		}

		public void add(int outcome) {
			change(outcome, 1);
		}

		public void remove(int outcome) {
			change(outcome, -1);
		}

		public String counts() {
			return this.buffered + "/" + this.failed + "/" + this.slow;
		}

		private void change(int outcome, int delta) {
			this.buffered += delta;
			this.failed += OUTCOMES[outcome].isFailure() ? delta : 0;
			this.slow += OUTCOMES[outcome].isSlow() ? delta : 0;
		}

	}

}
