package dev.resilience.circuitbreaker.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.resilience.circuitbreaker.CallOutcome;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression test for what a Lincheck run of
 * {@link TimeBasedSlidingWindowLinearizabilityTests} found on JDK 25: the getters read
 * the totals without the window's lock, so a reader saw a failed call in the calls before
 * it reached the failures ({@code bufferedCalls()} 3, then {@code failedCalls()} 0). Here
 * every recorded call is a failure and the clock stands still, so in any order of the
 * calls the failures read after the calls are at least as many.
 */
class TimeBasedSlidingWindowReadTests {

	private static final int FAILURES = 200_000;

	@Test
	void failuresReadAfterTheCallsAreNeverFewer() throws Exception {
		TimeBasedSlidingWindow window = new TimeBasedSlidingWindow(2, new Thresholds(2, 50, 50), new FakeTicker(),
				new CallTotals());
		CountDownLatch start = new CountDownLatch(1);
		AtomicBoolean done = new AtomicBoolean();
		Thread recorder = new Thread(() -> {
			try {
				start.await();
				for (int i = 0; i < FAILURES; i++) {
					window.record(CallOutcome.FAILURE, 0, window.thresholds);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				done.set(true);
			}
		});
		recorder.start();
		start.countDown();
		String contradiction = null;
		while (contradiction == null && !done.get()) {
			long calls = window.bufferedCalls();
			long failed = window.failedCalls();
			if (failed < calls) {
				contradiction = calls + " calls, then " + failed + " failures";
			}
		}
		recorder.join();
		assertThat(contradiction).as("reads that no order of the calls gives").isNull();
		assertThat(window.failedCalls()).isEqualTo(FAILURES);
		assertThat(window.bufferedCalls()).isEqualTo(FAILURES);
	}

}
