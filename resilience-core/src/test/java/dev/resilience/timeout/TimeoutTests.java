package dev.resilience.timeout;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.resilience.CheckedFunction;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link Timeout#of} with the production watcher thread. The hung calls here block until
 * the watcher interrupts them: no test sleeps, each waits for the event it asserts.
 */
class TimeoutTests {

	@Test
	void aHungCallIsInterruptedByTheSharedWatcher() throws Exception {
		Timeout timeout = Timeout.of("hung", TimeoutConfig.custom().duration(Duration.ofMillis(20)).build());

		assertThat(runHungCall(timeout)).isInstanceOf(TimeoutExceededException.class)
			.hasMessage("Timeout 'hung': the call did not end within 20ms");
		assertThat(timeout.getMetrics().getNumberOfTimedOutCalls()).isOne();
	}

	@Test
	void aTimeoutOnItsOwnTickerHasItsOwnWatcher() throws Exception {
		Ticker ownTicker = System::nanoTime;
		Timeout timeout = Timeout.of("own", TimeoutConfig.custom().duration(Duration.ofMillis(20)).build(), ownTicker,
				Scheduler.system());

		assertThat(runHungCall(timeout)).isInstanceOf(TimeoutExceededException.class);
	}

	private static Throwable runHungCall(Timeout timeout) throws Exception {
		ExecutorService worker = Executors.newSingleThreadExecutor();
		try {
			Future<Throwable> call = worker.submit(() -> {
				Throwable thrown = catchThrowable(() -> timeout.execute((latch) -> {
					latch.await();
					return "never";
				}, new CountDownLatch(1)));
				assertThat(Thread.currentThread().isInterrupted()).as("interrupt left behind").isFalse();
				return thrown;
			});
			return call.get(30, TimeUnit.SECONDS);
		}
		finally {
			worker.shutdownNow();
		}
	}

	@Test
	void successPathAllocatesNothing() throws Throwable {
		assertAllocatesNothing(Timeout.of("hot", TimeoutConfig.ofDefaults()));
	}

	@Test
	void successPathWithoutInterruptAllocatesNothing() throws Throwable {
		assertAllocatesNothing(Timeout.of("hot", TimeoutConfig.custom().interrupt(false).build()));
	}

	private static void assertAllocatesNothing(Timeout timeout) throws Throwable {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		timeout.addListener(new TimeoutListener() {
		});
		CheckedFunction<Object, Object> call = (argument) -> argument;
		Object argument = "ok";
		int calls = 200_000;
		for (int i = 0; i < calls; i++) {
			timeout.execute(call, argument);
		}
		long threadId = Thread.currentThread().getId();
		long before = threads.getThreadAllocatedBytes(threadId);
		for (int i = 0; i < calls; i++) {
			timeout.execute(call, argument);
		}
		long allocated = threads.getThreadAllocatedBytes(threadId) - before;

		assertThat((double) allocated / calls).as("bytes allocated per call (listener registered)").isLessThan(1.0);
	}

	@Test
	void metricsAreOneLiveObject() {
		Timeout timeout = Timeout.of("metrics", TimeoutConfig.ofDefaults());

		assertThat(timeout.getMetrics()).isSameAs(timeout.getMetrics());
		assertThat(timeout.getName()).isEqualTo("metrics");
		assertThat(timeout.getConfig()).isSameAs(TimeoutConfig.ofDefaults());
		assertThat(timeout).hasToString("Timeout 'metrics' (1s, interrupting)");
	}

	@Test
	void durationMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> TimeoutConfig.custom().duration(Duration.ZERO))
			.withMessageContaining("duration");
		assertThatIllegalArgumentException().isThrownBy(() -> TimeoutConfig.custom().duration(Duration.ofMillis(-1)))
			.withMessageContaining("duration");
	}

	@Test
	void aHugeDurationNeverExpires() throws Throwable {
		Timeout timeout = Timeout.of("huge",
				TimeoutConfig.custom().duration(Duration.ofSeconds(Long.MAX_VALUE)).build());

		assertThat(timeout.executeSupplier(() -> "ok")).isEqualTo("ok");
		assertThat(timeout.getMetrics().getNumberOfSuccessfulCalls()).isOne();
	}

}
