package dev.resilience.bulkhead;

import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck, in stress mode (model checking needs extra JVM flags on JDK 17 to instrument
 * the synchronizer's internals): every concurrent history of taking, returning and
 * counting permits must be explainable by some sequential order of the same operations on
 * a fresh bulkhead. The sequential behaviour is that of a counter bounded by the limit: a
 * take succeeds only while a permit is free, a return over the limit is refused, and the
 * available count is never negative nor above the limit. The refusal counter is left out:
 * it is a statistic, bumped just after the refusal it counts, not part of the permit
 * state.
 */
public class SemaphoreBulkheadLinearizabilityTests {

	private static final int LIMIT = 2;

	private final Bulkhead bulkhead = Bulkhead.of("lincheck",
			BulkheadConfig.custom().maxConcurrentCalls(LIMIT).build());

	public SemaphoreBulkheadLinearizabilityTests() {
	}

	@Operation
	public boolean tryAcquire() {
		return this.bulkhead.tryAcquirePermission();
	}

	@Operation
	public String acquire() {
		try {
			this.bulkhead.acquirePermission();
			return "acquired";
		}
		catch (BulkheadFullException ex) {
			return "full";
		}
	}

	@Operation
	public String release() {
		try {
			this.bulkhead.releasePermission();
			return "released";
		}
		catch (IllegalStateException ex) {
			return "already all available";
		}
	}

	@Operation
	public int available() {
		int available = this.bulkhead.getMetrics().getAvailableConcurrentCalls();
		if (available < 0 || available > LIMIT) {
			throw new AssertionError("available permits out of [0, " + LIMIT + "]: " + available);
		}
		return available;
	}

	@Test
	public void takingReturningAndCountingPermitsIsLinearizable() {
		new StressOptions().iterations(20)
			.invocationsPerIteration(1_000)
			.threads(3)
			.actorsPerThread(3)
			.check(SemaphoreBulkheadLinearizabilityTests.class);
	}

}
