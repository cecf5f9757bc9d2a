package dev.resilience.circuitbreaker.internal;

import java.time.Duration;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

import dev.resilience.testing.FakeTicker;

/**
 * Lincheck, stress mode: the time-based window, on a fake ticker that the scenario itself
 * moves by half a second at a time, behaves as the calls of the last {@code size}
 * seconds: each recording's verdict and each read of the counts must match some
 * sequential order of the recordings, reads and clock moves. The sequential specification
 * is the class itself run on one thread.
 */
@Param(name = "outcome", gen = IntGen.class, conf = "0:3")
public class TimeBasedSlidingWindowLinearizabilityTests {

	private final FakeTicker ticker = new FakeTicker();

	private final TimeBasedSlidingWindow window = new TimeBasedSlidingWindow(2, new Thresholds(2, 50, 50), this.ticker,
			new CallTotals());

	public TimeBasedSlidingWindowLinearizabilityTests() {
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

	@Operation
	public void advanceHalfASecond() {
		this.ticker.advance(Duration.ofMillis(500));
	}

	@Test
	public void windowIsLinearizable() {
		new StressOptions().iterations(20)
			.invocationsPerIteration(200)
			.threads(3)
			.actorsPerThread(3)
			.check(TimeBasedSlidingWindowLinearizabilityTests.class);
	}

}
