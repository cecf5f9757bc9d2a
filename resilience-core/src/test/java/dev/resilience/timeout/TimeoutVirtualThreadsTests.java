package dev.resilience.timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The timeout on virtual threads (JDK 21 and later; CI runs the build on JDK 25): each
 * virtual thread gets its own slot, the watcher interrupts a virtual thread parked on a
 * latch, and no virtual thread ends a call with an interrupt left behind, while thousands
 * of other virtual threads arm and disarm deadlines on the same watcher. Calls wait for
 * the events they assert; nothing sleeps.
 */
class TimeoutVirtualThreadsTests {

	private static final int HUNG_CALLS = 500;

	private static final int QUICK_CALLS = 2_000;

	@Test
	void everyHungVirtualThreadTimesOutAndNoQuickOneIsDisturbed() throws Exception {
		assumeTrue(Runtime.version().feature() >= 21,
				() -> "virtual threads need JDK 21 or later; this JVM is " + Runtime.version());
		Timeout timeout = Timeout.of("virtual", TimeoutConfig.custom().duration(Duration.ofMillis(50)).build());
		// The quick calls share the watcher (same system ticker) but have a deadline no
		// loaded machine reaches, so any interrupt they end with is a stray one.
		Timeout generous = Timeout.of("virtual-quick", TimeoutConfig.custom().duration(Duration.ofMinutes(5)).build());
		CountDownLatch never = new CountDownLatch(1);
		List<Future<String>> results = new ArrayList<>();
		ExecutorService threads = newVirtualThreadPerTaskExecutor();
		try {
			for (int i = 0; i < HUNG_CALLS; i++) {
				results.add(threads.submit(() -> outcome(timeout, () -> {
					never.await();
					return "never";
				})));
			}
			for (int i = 0; i < QUICK_CALLS; i++) {
				results.add(threads.submit(() -> outcome(generous, () -> "quick")));
			}
			int timedOut = 0;
			int quick = 0;
			for (Future<String> result : results) {
				String outcome = result.get(60, TimeUnit.SECONDS);
				assertThat(outcome).isIn("timed out", "quick");
				if (outcome.equals("timed out")) {
					timedOut++;
				}
				else {
					quick++;
				}
			}
			assertThat(timedOut).as("hung calls that timed out").isEqualTo(HUNG_CALLS);
			assertThat(quick).as("quick calls that returned").isEqualTo(QUICK_CALLS);
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(timeout.getMetrics().getNumberOfTimedOutCalls()).isEqualTo(HUNG_CALLS);
		assertThat(generous.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(QUICK_CALLS);
	}

	private static String outcome(Timeout timeout, Body body) {
		String outcome;
		try {
			Object result = timeout.execute((Object ignored) -> body.run(), null);
			outcome = String.valueOf(result);
		}
		catch (TimeoutExceededException ex) {
			outcome = "timed out";
		}
		catch (Throwable ex) {
			outcome = "failed: " + ex;
		}
		if (Thread.currentThread().isInterrupted()) {
			return "interrupt left behind after " + outcome;
		}
		return outcome;
	}

	private static ExecutorService newVirtualThreadPerTaskExecutor() throws ReflectiveOperationException {
		return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
	}

	@FunctionalInterface
	private interface Body {

		Object run() throws Throwable;

	}

}
