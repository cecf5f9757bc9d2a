package dev.resilience.timeout.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.resilience.CheckedFunction;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;
import dev.resilience.timeout.TimeoutConfig;
import dev.resilience.timeout.TimeoutExceededException;
import dev.resilience.timeout.TimeoutListener;
import dev.resilience.timeout.TimeoutOutcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The synchronous path on fake time: the watcher is driven by hand through
 * {@link DeadlineWatcher#checkDeadlines()}, so no test waits for real time.
 */
class SynchronousTimeoutTests {

	private static final Duration ONE_SECOND = Duration.ofSeconds(1);

	private final FakeTicker ticker = new FakeTicker();

	private final DeadlineWatcher watcher = DeadlineWatcher.manual(this.ticker);

	private final ExecutorService workers = Executors.newCachedThreadPool();

	@AfterEach
	void stopWorkers() {
		this.workers.shutdownNow();
		// Leave the test thread as the test found it.
		Thread.interrupted();
	}

	private TimeoutImpl timeout(Duration duration, boolean interrupt) {
		return new TimeoutImpl("downstream", TimeoutConfig.custom().duration(duration).interrupt(interrupt).build(),
				new FakeScheduler(this.ticker), this.watcher);
	}

	@Test
	void firedDeadlineInterruptsTheBlockedCallWhichFailsWithTheTimeout() throws Exception {
		TimeoutImpl timeout = timeout(ONE_SECOND, true);
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch never = new CountDownLatch(1);
		AtomicBoolean interruptedAfter = new AtomicBoolean(true);
		Future<Throwable> worker = this.workers.submit(() -> {
			Throwable thrown = catchThrowable(() -> timeout.execute((latch) -> {
				entered.countDown();
				latch.await();
				return "never";
			}, never));
			interruptedAfter.set(Thread.currentThread().isInterrupted());
			return thrown;
		});
		assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
		this.ticker.advance(ONE_SECOND.minusNanos(1));
		this.watcher.checkDeadlines();
		assertThat(worker.isDone()).as("not interrupted before the deadline").isFalse();
		this.ticker.advanceNanos(1);
		this.watcher.checkDeadlines();

		Throwable thrown = worker.get(10, TimeUnit.SECONDS);
		assertThat(thrown).isInstanceOf(TimeoutExceededException.class)
			.hasMessage("Timeout 'downstream': the call did not end within 1s");
		assertThat(((TimeoutExceededException) thrown).getDuration()).isEqualTo(ONE_SECOND);
		assertThat(thrown.getSuppressed()).singleElement().isInstanceOf(InterruptedException.class);
		assertThat(interruptedAfter).as("interrupt left on the caller's thread").isFalse();
		assertThat(timeout.getNumberOfTimedOutCalls()).isOne();
	}

	@Test
	void callEndingJustBeforeItsDeadlineSucceedsAndLeavesNoInterrupt() throws Throwable {
		TimeoutImpl timeout = timeout(ONE_SECOND, true);

		Object result = timeout.execute((ignored) -> {
			this.ticker.advance(ONE_SECOND.minusNanos(1));
			this.watcher.checkDeadlines();
			return "ok";
		}, null);
		this.ticker.advance(ONE_SECOND);
		this.watcher.checkDeadlines();

		assertThat(result).isEqualTo("ok");
		assertThat(Thread.interrupted()).isFalse();
		assertThat(timeout.getNumberOfSuccessfulCalls()).isOne();
	}

	@Test
	void aWatcherThatReadAnEndedCallCannotFireTheNextCallInTheSameSlot() {
		Slot slot = this.watcher.arm(this.ticker.read() + 100);
		long observedByTheWatcher = slot.observe();
		this.ticker.advanceNanos(100);
		assertThat(this.watcher.disarm(slot, this.ticker.read())).as("the first call ended late").isTrue();
		Slot reused = this.watcher.arm(this.ticker.read() + 1_000_000);
		assertThat(reused).isSameAs(slot);

		assertThat(slot.fire(observedByTheWatcher)).as("fired with a stale reading").isFalse();
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
		assertThat(this.watcher.disarm(reused, this.ticker.read())).as("the second call is on time").isFalse();
	}

	@Test
	void callEndingAfterItsDeadlineFailsEvenWhenTheWatcherHasNotSeenIt() {
		TimeoutImpl timeout = timeout(ONE_SECOND, true);

		assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(() -> timeout.execute((ignored) -> {
			this.ticker.advance(ONE_SECOND);
			return "late";
		}, null));
		assertThat(Thread.interrupted()).isFalse();
	}

	@Test
	void anInterruptTheCallerHadBeforeTheCallSurvivesATimeout() {
		TimeoutImpl timeout = timeout(ONE_SECOND, true);
		Thread.currentThread().interrupt();

		assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(() -> timeout.execute((ignored) -> {
			this.ticker.advance(ONE_SECOND);
			this.watcher.checkDeadlines();
			return "late";
		}, null));
		assertThat(Thread.interrupted()).as("the caller's own interrupt").isTrue();
	}

	@Test
	void anInterruptTheCallerHadBeforeTheCallSurvivesASuccessfulCall() throws Throwable {
		TimeoutImpl timeout = timeout(ONE_SECOND, true);
		Thread.currentThread().interrupt();

		Object result = timeout.execute((ignored) -> "ok", null);

		assertThat(result).isEqualTo("ok");
		assertThat(Thread.interrupted()).isTrue();
	}

	@Test
	void anInterruptTheCallSetsItselfAfterTheDeadlineFiredIsCleared() {
		TimeoutImpl timeout = timeout(ONE_SECOND, true);

		// The usual idiom: catch the interrupt, restore the flag, fail.
		assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(() -> timeout.execute((ignored) -> {
			this.ticker.advance(ONE_SECOND);
			this.watcher.checkDeadlines();
			assertThat(Thread.interrupted()).as("interrupted by the watcher").isTrue();
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted");
		}, null)).satisfies((ex) -> assertThat(ex.getSuppressed()[0]).hasMessage("interrupted"));
		assertThat(Thread.interrupted()).isFalse();
	}

	@Test
	void withoutInterruptTheCallRunsToItsEndAndThenFails() {
		TimeoutImpl timeout = timeout(ONE_SECOND, false);
		List<Boolean> interruptedDuringCall = new ArrayList<>();

		assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(() -> timeout.execute((ignored) -> {
			this.ticker.advance(Duration.ofSeconds(5));
			this.watcher.checkDeadlines();
			interruptedDuringCall.add(Thread.currentThread().isInterrupted());
			return "finished";
		}, null));
		assertThat(interruptedDuringCall).containsExactly(false);
		assertThat(Thread.interrupted()).isFalse();
		assertThat(timeout.getNumberOfTimedOutCalls()).isOne();
	}

	@Test
	void innerTimeoutFiresAndTheOuterCallGoesOn() throws Throwable {
		TimeoutImpl outer = timeout(Duration.ofSeconds(5), true);
		TimeoutImpl inner = timeout(ONE_SECOND, true);

		Object result = outer.execute((ignored) -> {
			try {
				return inner.execute((nothing) -> {
					this.ticker.advance(ONE_SECOND);
					this.watcher.checkDeadlines();
					return Thread.currentThread().isInterrupted() ? "interrupted" : "not interrupted";
				}, null);
			}
			catch (TimeoutExceededException ex) {
				assertThat(Thread.currentThread().isInterrupted()).isFalse();
				return "inner timed out";
			}
		}, null);
		this.ticker.advance(Duration.ofSeconds(10));
		this.watcher.checkDeadlines();

		assertThat(result).isEqualTo("inner timed out");
		assertThat(Thread.interrupted()).isFalse();
		assertThat(inner.getNumberOfTimedOutCalls()).isOne();
		assertThat(outer.getNumberOfSuccessfulCalls()).isOne();
	}

	@Test
	void outerTimeoutFiresWhileTheInnerCallRuns() {
		TimeoutImpl outer = timeout(ONE_SECOND, true);
		TimeoutImpl inner = timeout(Duration.ofSeconds(5), true);

		Throwable thrown = catchThrowable(() -> outer.execute((ignored) -> inner.execute((nothing) -> {
			this.ticker.advance(ONE_SECOND);
			this.watcher.checkDeadlines();
			if (Thread.interrupted()) {
				throw new InterruptedException("by the outer deadline");
			}
			return "not interrupted";
		}, null), null));

		assertThat(thrown).isInstanceOf(TimeoutExceededException.class);
		assertThat(thrown.getSuppressed()).hasSize(1);
		assertThat(thrown.getSuppressed()[0]).isInstanceOf(InterruptedException.class)
			.hasMessage("by the outer deadline");
		assertThat(inner.getNumberOfFailedCalls()).isOne();
		assertThat(outer.getNumberOfTimedOutCalls()).isOne();
		assertThat(Thread.interrupted()).isFalse();
	}

	@Test
	void bothNestedDeadlinesFireAndNoInterruptIsLeft() {
		TimeoutImpl outer = timeout(ONE_SECOND, true);
		TimeoutImpl inner = timeout(ONE_SECOND, true);

		Throwable thrown = catchThrowable(() -> outer.execute((ignored) -> inner.execute((nothing) -> {
			this.ticker.advance(ONE_SECOND);
			this.watcher.checkDeadlines();
			return "late";
		}, null), null));

		assertThat(thrown).isInstanceOf(TimeoutExceededException.class);
		assertThat(thrown.getSuppressed()).singleElement().isInstanceOf(TimeoutExceededException.class);
		assertThat(Thread.interrupted()).isFalse();
	}

	@Test
	void deepNestingReusesSlotsAndUnwindsInOrder() throws Throwable {
		TimeoutImpl timeout = timeout(ONE_SECOND, true);
		CheckedFunction<Integer, Integer> nested = new CheckedFunction<>() {

			@Override
			public Integer apply(Integer depth) throws Throwable {
				return (depth == 0) ? 0 : 1 + timeout.execute(this, depth - 1);
			}

		};

		assertThat(timeout.execute(nested, 10)).isEqualTo(10);
		assertThat(timeout.execute(nested, 10)).isEqualTo(10);
		this.ticker.advance(Duration.ofSeconds(2));
		this.watcher.checkDeadlines();
		assertThat(Thread.interrupted()).isFalse();
		assertThat(timeout.getNumberOfSuccessfulCalls()).isEqualTo(22);
	}

	@Test
	void anErrorWithinTheDeadlinePropagatesUnchanged() {
		TimeoutImpl timeout = timeout(ONE_SECOND, true);
		AssertionError error = new AssertionError("broken");

		assertThat(catchThrowable(() -> timeout.execute((ignored) -> {
			throw error;
		}, null))).isSameAs(error);
		assertThat(timeout.getNumberOfFailedCalls()).isOne();
	}

	@Test
	void aFailureAfterTheDeadlineIsAttachedToTheTimeout() {
		TimeoutImpl timeout = timeout(ONE_SECOND, true);
		IllegalStateException failure = new IllegalStateException("late failure");

		Throwable thrown = catchThrowable(() -> timeout.execute((ignored) -> {
			this.ticker.advance(ONE_SECOND);
			throw failure;
		}, null));

		assertThat(thrown).isInstanceOf(TimeoutExceededException.class);
		assertThat(thrown.getSuppressed()).containsExactly(failure);
	}

	@Test
	void aVirtualMachineErrorAfterTheDeadlinePropagatesUnchanged() {
		TimeoutImpl timeout = timeout(ONE_SECOND, true);
		StackOverflowError error = new StackOverflowError("deep");

		assertThat(catchThrowable(() -> timeout.execute((ignored) -> {
			this.ticker.advance(ONE_SECOND);
			this.watcher.checkDeadlines();
			throw error;
		}, null))).isSameAs(error);
		assertThat(Thread.interrupted()).as("the watcher's interrupt is cleared all the same").isFalse();
		assertThat(timeout.getNumberOfTimedOutCalls()).isOne();
	}

	@Test
	void listenersHearEveryOutcomeWithItsDuration() throws Throwable {
		TimeoutImpl timeout = timeout(ONE_SECOND, true);
		List<String> heard = new ArrayList<>();
		TimeoutListener listener = new TimeoutListener() {

			@Override
			public void onOutcome(dev.resilience.timeout.Timeout source, TimeoutOutcome outcome, long durationNanos) {
				heard.add(source.getName() + " " + outcome + " " + durationNanos);
			}

		};
		timeout.addListener(listener);
		timeout.addListener(listener);
		timeout.addListener(new TimeoutListener() {

			@Override
			public void onOutcome(dev.resilience.timeout.Timeout source, TimeoutOutcome outcome, long durationNanos) {
				throw new IllegalStateException("a failing listener changes nothing");
			}

		});

		timeout.execute((ignored) -> this.ticker.advanceNanos(10), null);
		catchThrowable(() -> timeout.execute((ignored) -> {
			this.ticker.advanceNanos(20);
			throw new IllegalStateException();
		}, null));
		catchThrowable(() -> timeout.execute((ignored) -> this.ticker.advance(ONE_SECOND), null));

		assertThat(heard).containsExactly("downstream SUCCESSFUL 10", "downstream FAILED 20",
				"downstream TIMED_OUT 1000000000");
		assertThat(timeout.getMetrics().getNumberOfSuccessfulCalls()).isOne();
		assertThat(timeout.getMetrics().getNumberOfFailedCalls()).isOne();
		assertThat(timeout.getMetrics().getNumberOfTimedOutCalls()).isOne();
		timeout.removeListener(listener);
		timeout.execute((ignored) -> "quiet", null);
		assertThat(heard).hasSize(3);
	}

	@Test
	void eachThreadGetsItsOwnSlots() throws Throwable {
		TimeoutImpl timeout = timeout(ONE_SECOND, true);
		CountDownLatch entered = new CountDownLatch(1);
		Future<Throwable> hung = this.workers.submit(() -> catchThrowable(() -> timeout.execute((ignored) -> {
			entered.countDown();
			new CountDownLatch(1).await();
			return "never";
		}, null)));
		assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
		Object quick = timeout.execute((ignored) -> "quick", null);
		this.ticker.advance(ONE_SECOND);
		this.watcher.checkDeadlines();

		assertThat(quick).isEqualTo("quick");
		assertThat(hung.get(10, TimeUnit.SECONDS)).isInstanceOf(TimeoutExceededException.class);
		assertThat(Thread.interrupted()).as("only the hung thread is interrupted").isFalse();
		assertThat(this.watcher.registeredThreads()).isEqualTo(2);
	}

	@Test
	void deadThreadsAreForgottenByTheWatcher() throws Exception {
		TimeoutImpl timeout = timeout(ONE_SECOND, true);
		Thread worker = new Thread(() -> {
			try {
				timeout.execute((ignored) -> "ok", null);
			}
			catch (Throwable ex) {
				throw new IllegalStateException(ex);
			}
		});
		worker.start();
		worker.join(10_000);
		assertThat(worker.isAlive()).isFalse();
		assertThat(this.watcher.registeredThreads()).isOne();

		for (int i = 0; i < 1024; i++) {
			this.watcher.checkDeadlines();
		}

		assertThat(this.watcher.registeredThreads()).isZero();
	}

}
