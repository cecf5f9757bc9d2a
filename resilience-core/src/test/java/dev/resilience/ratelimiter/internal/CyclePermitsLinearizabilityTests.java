package dev.resilience.ratelimiter.internal;

import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

import dev.resilience.testing.FakeTicker;

/**
 * Lincheck, in stress mode: the permit counter, with the clock as part of its state,
 * behaves as if taking a permit, reserving one of a later cycle, reading the available
 * permits and moving the clock happened one at a time. Each decision returns the permit
 * number or the exact wait that refused it, so a decision made on a stale reading of the
 * clock or of the counter (a permit of a cycle that is over, a refusal with a wait no
 * order explains) is caught. Three permits per cycle of 90ns; the clock moves by 40ns.
 */
public class CyclePermitsLinearizabilityTests {

	private static final long PERIOD = 90;

	private final FakeTicker ticker = new FakeTicker();

	private final CyclePermits permits = new CyclePermits(this.ticker, PERIOD, 3);

	public CyclePermitsLinearizabilityTests() {
	}

	@Operation
	public long takeNow() {
		return this.permits.reserve(0);
	}

	@Operation
	public long reserveWithinACycle() {
		return this.permits.reserve(PERIOD);
	}

	@Operation
	public long available() {
		return this.permits.available();
	}

	@Operation
	public long nanosUntilNextFree() {
		return this.permits.nanosUntilNextFree();
	}

	@Operation
	public void advance() {
		this.ticker.advanceNanos(40);
	}

	@Test
	public void decisionsAreLinearizableWithTheClock() {
		new StressOptions().iterations(30)
			.invocationsPerIteration(1_000)
			.threads(3)
			.actorsPerThread(4)
			.check(CyclePermitsLinearizabilityTests.class);
	}

}
