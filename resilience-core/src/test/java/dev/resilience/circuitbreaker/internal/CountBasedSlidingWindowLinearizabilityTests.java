package dev.resilience.circuitbreaker.internal;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck, stress mode: the count-based window behaves as a ring of the last
 * {@code size} outcomes updated one call at a time. Each recording's verdict (the opening
 * reason, built from the counts its own update produced) and each read of the counts must
 * match some sequential order of the calls. The sequential specification is the class
 * itself run on one thread.
 */
@Param(name = "outcome", gen = IntGen.class, conf = "0:3")
public class CountBasedSlidingWindowLinearizabilityTests {

	private final CountBasedSlidingWindow window = new CountBasedSlidingWindow(2, new Thresholds(2, 50, 50),
			new CallTotals());

	public CountBasedSlidingWindowLinearizabilityTests() {
	}

	@Operation
	public String record(@Param(name = "outcome") int outcome) {
		return this.window.record(PackedCountsLinearizabilityTests.OUTCOMES[outcome], 0, this.window.thresholds);
	}

	// One operation per getter: each reads the window once, a pair of them may see two
	// moments.
	@Operation
	public long bufferedCalls() {
		return this.window.bufferedCalls();
	}

	@Operation
	public long failedCalls() {
		return this.window.failedCalls();
	}

	@Operation
	public long slowCalls() {
		return this.window.slowCalls();
	}

	@Operation
	public float failureRate() {
		return this.window.failureRate();
	}

	@Test
	public void windowIsLinearizable() {
		new StressOptions().iterations(20)
			.invocationsPerIteration(200)
			.threads(3)
			.actorsPerThread(3)
			.check(CountBasedSlidingWindowLinearizabilityTests.class);
	}

}
