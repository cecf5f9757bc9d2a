package dev.resilience.hedge;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;

import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads call one hedge while attempts succeed, fail or hang on other threads and
 * hedges fire at once (a scheduler that ignores the delay, for the most races). Time is
 * frozen, so every call falls in one budget window. Afterwards: every call ended exactly
 * once and by one of its own attempts, every attempt of an ended call is done (completed
 * or cancelled: none runs on for nothing), and the hedges sent never exceed the budget.
 */
class HedgeConcurrencyTests {

	private static final int THREADS = 8;

	private static final int CALLS_PER_THREAD = 400;

	private static final double RATIO = 0.3;

	private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

	/** Tasks submitted and not yet ended. */
	private final AtomicInteger inFlight = new AtomicInteger();

	private final ReentrantLock quietLock = new ReentrantLock();

	private final Condition quiet = this.quietLock.newCondition();

	@AfterEach
	void stop() {
		this.pool.shutdownNow();
	}

	private void submit(Runnable task) {
		this.inFlight.incrementAndGet();
		this.pool.execute(() -> {
			try {
				task.run();
			}
			finally {
				ended();
			}
		});
	}

	private final Scheduler immediate = new Scheduler() {

		@Override
		public Cancellable schedule(Runnable task, long delayNanos) {
			// Run or cancelled, whichever comes first; a FutureTask's cancel would also
			// succeed on a task already running.
			AtomicBoolean claimed = new AtomicBoolean();
			HedgeConcurrencyTests.this.inFlight.incrementAndGet();
			HedgeConcurrencyTests.this.pool.execute(() -> {
				if (claimed.compareAndSet(false, true)) {
					try {
						task.run();
					}
					finally {
						HedgeConcurrencyTests.this.ended();
					}
				}
			});
			return () -> {
				if (claimed.compareAndSet(false, true)) {
					HedgeConcurrencyTests.this.ended();
				}
			};
		}

		@Override
		public void sleep(long delayNanos) {
			throw new UnsupportedOperationException();
		}

	};

	@RepeatedTest(5)
	void everyCallEndsOnceByItsOwnAttemptAndHedgesStayWithinTheBudget() throws Exception {
		Hedge hedge = Hedge.of("concurrent",
				HedgeConfig.custom()
					.delay(Duration.ofMillis(1))
					.maxHedgedAttempts(2)
					.budgetRatio(RATIO)
					.budgetWindow(Duration.ofMinutes(1))
					.build(),
				new FakeTicker(), this.immediate, ContextPropagator.NONE);
		int calls = THREADS * CALLS_PER_THREAD;
		List<Call> all = new ArrayList<>();
		for (int i = 0; i < calls; i++) {
			all.add(new Call(i));
		}
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> callers = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			int first = t * CALLS_PER_THREAD;
			Thread caller = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					return;
				}
				for (int i = first; i < first + CALLS_PER_THREAD; i++) {
					Call call = all.get(i);
					call.result = hedge.<Call, String>executeAsync(this::attempt, call).toCompletableFuture();
					call.result.whenComplete((value, failure) -> call.completions.incrementAndGet());
				}
			});
			callers.add(caller);
			caller.start();
		}
		start.countDown();
		for (Thread caller : callers) {
			caller.join(TimeUnit.SECONDS.toMillis(30));
		}
		awaitQuiet();

		for (Call call : all) {
			if (call.result.isDone()) {
				assertThat(call.attempts).as("attempts of ended call %d", call.id).allMatch(CompletableFuture::isDone);
			}
		}
		// Hung attempts answer late: every call that still waits ends now.
		for (Call call : all) {
			call.attempts.forEach((attempt) -> attempt.complete("late-" + call.id));
		}
		awaitQuiet();

		Hedge.Metrics metrics = hedge.getMetrics();
		for (Call call : all) {
			assertThat(call.result).as("call %d", call.id).isDone();
			assertThat(call.completions).as("completions of call %d", call.id).hasValue(1);
			if (!call.result.isCompletedExceptionally()) {
				assertThat(call.result.get()).matches("(ok|late)-" + call.id);
			}
			assertThat(call.attempts.size()).isBetween(1, 3);
		}
		assertThat(metrics.getNumberOfPrimaryWonCalls() + metrics.getNumberOfHedgeWonCalls()
				+ metrics.getNumberOfFailedCalls())
			.isEqualTo(calls);
		assertThat((double) metrics.getNumberOfHedgedAttempts()).isLessThanOrEqualTo(RATIO * calls);
		long attempts = all.stream().mapToLong((call) -> call.attempts.size()).sum();
		assertThat(attempts - calls).isEqualTo(metrics.getNumberOfHedgedAttempts());
	}

	private CompletableFuture<String> attempt(Call call) {
		CompletableFuture<String> stage = new CompletableFuture<>();
		call.attempts.add(stage);
		double dice = ThreadLocalRandom.current().nextDouble();
		if (dice < 0.4) {
			// Hangs until the test answers it, unless the hedge cancels it first.
			return stage;
		}
		submit(() -> {
			if (dice < 0.8) {
				stage.complete("ok-" + call.id);
			}
			else {
				stage.completeExceptionally(new IOException("attempt failed"));
			}
		});
		return stage;
	}

	private void ended() {
		if (this.inFlight.decrementAndGet() == 0) {
			this.quietLock.lock();
			try {
				this.quiet.signalAll();
			}
			finally {
				this.quietLock.unlock();
			}
		}
	}

	/** Waits until every task submitted so far, and every task they submitted, ended. */
	private void awaitQuiet() throws InterruptedException {
		this.quietLock.lock();
		try {
			while (this.inFlight.get() > 0) {
				assertThat(this.quiet.await(30, TimeUnit.SECONDS)).as("pool still busy").isTrue();
			}
		}
		finally {
			this.quietLock.unlock();
		}
	}

	private static final class Call {

		final int id;

		final Queue<CompletableFuture<String>> attempts = new ConcurrentLinkedQueue<>();

		final AtomicInteger completions = new AtomicInteger();

		volatile CompletableFuture<String> result;

		Call(int id) {
			this.id = id;
		}

	}

}
