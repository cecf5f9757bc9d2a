package dev.resilience.circuitbreaker.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.resilience.circuitbreaker.CallOutcome;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression tests for what the Lincheck runs found: a window's verdict on a call (the
 * opening reason computed from the counts its own recording produced) must be the verdict
 * of some order of the calls recorded concurrently. Each round records one failure, then
 * a failure and a slow success from two threads released together, and checks the pair of
 * verdicts against the two possible orders.
 */
class SlidingWindowVerdictRaceTests {

	private static final int ROUNDS = 20_000;

	@Test
	void countBasedVerdictSeesEveryCallOrderedBeforeIt() throws Exception {
		// Last 2 calls, 2 needed, 50%: after F, either F then SS (100%, then 50%) or SS
		// then F (50%, 50%).
		List<String> wrong = race(() -> new CountBasedSlidingWindow(2, new Thresholds(2, 50, 50), new CallTotals()),
				(failure, slow) -> {
					boolean failureFirst = failure.startsWith("failure rate 100.0%")
							&& slow.startsWith("failure rate 50.0%");
					boolean slowFirst = failure.startsWith("failure rate 50.0%")
							&& slow.startsWith("failure rate 50.0%");
					return failureFirst || slowFirst;
				});
		assertThat(wrong).as("verdicts (failure, slow success) that no order of the two calls gives").isEmpty();
	}

	@Test
	void timeBasedVerdictIsTheVerdictOfItsOwnRecording() throws Exception {
		FakeTicker ticker = new FakeTicker();
		// All in one second, 2 needed, 50%: after F, either F then SS (100% over 2, then
		// 66.7% over 3) or SS then F (50% over 2, then 66.7% over 3): exactly one of them
		// sees 3 calls.
		List<String> wrong = race(
				() -> new TimeBasedSlidingWindow(1, new Thresholds(2, 50, 50), ticker, new CallTotals()),
				(failure, slow) -> {
					boolean failureFirst = failure.equals("failure rate 100.0% >= 50.0% over 2 calls")
							&& slow.equals("failure rate 66.7% >= 50.0% over 3 calls");
					boolean slowFirst = slow.equals("failure rate 50.0% >= 50.0% over 2 calls")
							&& failure.equals("failure rate 66.7% >= 50.0% over 3 calls");
					return failureFirst || slowFirst;
				});
		assertThat(wrong).as("verdicts (failure, slow success) that no order of the two calls gives").isEmpty();
	}

	private interface Check {

		boolean allowed(String failureVerdict, String slowVerdict);

	}

	private static List<String> race(Supplier<SlidingWindow> windows, Check check) throws Exception {
		List<String> wrong = new ArrayList<>();
		SlidingWindow[] window = new SlidingWindow[1];
		String[] slowVerdict = new String[1];
		CyclicBarrier start = new CyclicBarrier(2);
		CyclicBarrier end = new CyclicBarrier(2);
		Thread other = new Thread(() -> {
			try {
				for (int round = 0; round < ROUNDS; round++) {
					start.await();
					slowVerdict[0] = window[0].record(CallOutcome.SLOW_SUCCESS, 0, window[0].thresholds);
					end.await();
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		other.start();
		for (int round = 0; round < ROUNDS; round++) {
			window[0] = windows.get();
			window[0].record(CallOutcome.FAILURE, 0, window[0].thresholds);
			start.await();
			String failureVerdict = window[0].record(CallOutcome.FAILURE, 0, window[0].thresholds);
			end.await();
			String both = String.valueOf(failureVerdict);
			if (failureVerdict == null || slowVerdict[0] == null || !check.allowed(failureVerdict, slowVerdict[0])) {
				wrong.add(both + " / " + slowVerdict[0]);
			}
		}
		other.join();
		return wrong.subList(0, Math.min(5, wrong.size()));
	}

}
