package dev.resilience.circuitbreaker.internal;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck, stress mode: the trial permits and trial counts of a half-open state are
 * linearizable. Never more than {@code permitted} permits out, a permit given back at
 * most up to the number handed out, at most {@code permitted} outcomes counted, and the
 * recording that counts the last trial call sees the counts of all of them. The
 * sequential specification is the class itself run on one thread.
 */
@Param(name = "outcome", gen = IntGen.class, conf = "0:3")
public class TrialCallsLinearizabilityTests {

	private final TrialCalls trialCalls = new TrialCalls(2, new Thresholds(2, 50, 100));

	public TrialCallsLinearizabilityTests() {
	}

	@Operation
	public boolean tryAcquire() {
		return this.trialCalls.tryAcquire();
	}

	@Operation
	public void release() {
		this.trialCalls.release();
	}

	@Operation
	public String record(@Param(name = "outcome") int outcome) {
		long packed = this.trialCalls.record(PackedCountsLinearizabilityTests.OUTCOMES[outcome]);
		if (packed == TrialCalls.FULL) {
			return "full";
		}
		return PackedCounts.buffered(packed) + "/" + PackedCounts.failed(packed) + "/" + PackedCounts.slow(packed);
	}

	@Operation
	public int availablePermits() {
		return this.trialCalls.availablePermits();
	}

	// One operation per getter: each reads the counts once, a pair of them may see two
	// moments.
	@Operation
	public long bufferedCalls() {
		return this.trialCalls.bufferedCalls();
	}

	@Operation
	public long failedCalls() {
		return this.trialCalls.failedCalls();
	}

	@Test
	public void trialPermitsAndCountsAreLinearizable() {
		new StressOptions().iterations(20)
			.invocationsPerIteration(200)
			.threads(2)
			.actorsPerThread(3)
			.check(TrialCallsLinearizabilityTests.class);
	}

}
