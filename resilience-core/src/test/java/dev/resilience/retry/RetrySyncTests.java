package dev.resilience.retry;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.retry.RetryConfig.Backoff;
import dev.resilience.retry.RetryConfig.BudgetConfig;
import dev.resilience.retry.RetryConfig.Jitter;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static dev.resilience.retry.RetryBehaviourTests.assertCounts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * What only the synchronous path promises: interruption, the convenience methods, no
 * allocation.
 */
class RetrySyncTests {

	private static final CheckedFunction<String, String> ECHO = (argument) -> argument;

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private static RetryConfig config(int maxAttempts, BudgetConfig budget) {
		return RetryConfig.custom()
			.maxAttempts(maxAttempts)
			.waitDuration(Duration.ofMillis(100))
			.backoff(Backoff.FIXED)
			.jitter(Jitter.NONE)
			.budget(budget)
			.build();
	}

	private Retry retry(int maxAttempts) {
		return Retry.of("inventory", config(maxAttempts, BudgetConfig.disabled()), this.ticker, this.scheduler,
				ContextPropagator.NONE);
	}

	@Test
	void interruptedWhileWaitingKeepsTheInterruptAndThrowsTheLastFailure() {
		Scheduler interrupting = new Scheduler() {

			@Override
			public Cancellable schedule(Runnable task, long delayNanos) {
				throw new AssertionError("a synchronous call never schedules");
			}

			@Override
			public void sleep(long delayNanos) throws InterruptedException {
				throw new InterruptedException();
			}

		};
		Retry retry = Retry.of("inventory", config(3, BudgetConfig.disabled()), this.ticker, interrupting,
				ContextPropagator.NONE);
		IOException failure = new IOException("down");
		AtomicInteger invocations = new AtomicInteger();
		try {
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> retry.execute((argument) -> {
				invocations.incrementAndGet();
				throw failure;
			}, null)).isSameAs(failure);
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		assertThat(invocations).hasValue(1);
		assertCounts(retry, 0, 0, 0, 1, 0, 0);
	}

	@Test
	void executeSupplierRethrowsTheUncheckedFailureAsItIs() {
		Retry retry = retry(2);
		IllegalStateException failure = new IllegalStateException("down");
		AtomicInteger invocations = new AtomicInteger();
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> retry.executeSupplier(() -> {
			invocations.incrementAndGet();
			throw failure;
		})).isSameAs(failure);
		assertThat(invocations).hasValue(2);
	}

	@Test
	void executeCallableRethrowsTheCheckedFailureAsItIs() {
		Retry retry = retry(3);
		IOException failure = new IOException("down");
		AtomicInteger invocations = new AtomicInteger();
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> retry.executeCallable(() -> {
			invocations.incrementAndGet();
			throw failure;
		})).isSameAs(failure);
		assertThat(invocations).hasValue(3);
		assertThat(this.scheduler.requestedDelays()).containsExactly(100_000_000L, 100_000_000L);
	}

	@Test
	void executeCallableReturnsTheFirstSuccessfulResult() throws Exception {
		Retry retry = retry(3);
		AtomicInteger invocations = new AtomicInteger();
		Integer result = retry.executeCallable(() -> {
			if (invocations.incrementAndGet() < 2) {
				throw new IOException("down");
			}
			return 42;
		});
		assertThat(result).isEqualTo(42);
		assertCounts(retry, 0, 1, 0, 0, 0, 1);
	}

	@Test
	void passesTheArgumentToEveryAttempt() throws Throwable {
		Retry retry = retry(3);
		AtomicInteger invocations = new AtomicInteger();
		String result = retry.execute((String argument) -> {
			if (invocations.incrementAndGet() < 3) {
				throw new IOException(argument);
			}
			return argument + "!";
		}, "sku-1");
		assertThat(result).isEqualTo("sku-1!");
	}

	@Test
	void successfulCallsAllocateNothing() throws Throwable {
		ThreadMXBean bean = ManagementFactory.getThreadMXBean();
		assumeThat(bean).isInstanceOf(com.sun.management.ThreadMXBean.class);
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
		assumeThat(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()).isTrue();
		// Budget on, so the deposit is measured too; the fake ticker stands still, so no
		// bucket rolls.
		Retry retry = Retry.of("inventory", config(3, BudgetConfig.ofDefaults()), this.ticker, this.scheduler,
				ContextPropagator.NONE);
		String argument = "sku-1";
		int calls = 20_000;
		for (int i = 0; i < calls; i++) {
			retry.execute(ECHO, argument);
		}
		long before = threads.getCurrentThreadAllocatedBytes();
		for (int i = 0; i < calls; i++) {
			retry.execute(ECHO, argument);
		}
		long allocated = threads.getCurrentThreadAllocatedBytes() - before;
		// One object per call would be at least 16 bytes each: 320,000 bytes.
		assertThat(allocated).isLessThan(calls);
		assertThat(retry.getMetrics().getNumberOfSuccessfulCallsWithoutRetryAttempt()).isEqualTo(2L * calls);
	}

	@Test
	void rejectsNullsAndBlankNamesNamingTheArgument() {
		assertThatNullPointerException().isThrownBy(() -> Retry.of(null, RetryConfig.ofDefaults()))
			.withMessageContaining("name");
		assertThatIllegalArgumentException().isThrownBy(() -> Retry.of(" ", RetryConfig.ofDefaults()))
			.withMessageContaining("name");
		assertThatNullPointerException().isThrownBy(() -> Retry.of("inventory", null)).withMessageContaining("config");
		assertThatNullPointerException()
			.isThrownBy(
					() -> Retry.of("inventory", RetryConfig.ofDefaults(), null, this.scheduler, ContextPropagator.NONE))
			.withMessageContaining("ticker");
	}

}
