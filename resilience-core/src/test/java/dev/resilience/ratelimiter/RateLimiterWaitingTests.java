package dev.resilience.ratelimiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Callers that may wait for a permit of a later cycle: they reserve it, are served in
 * that cycle and in the order they came, never more than the limit per cycle; a
 * synchronous caller sleeps through the scheduler and gives its permit back when
 * interrupted, an asynchronous one is a scheduled task that blocks no thread.
 */
class RateLimiterWaitingTests {

	private static final Duration PERIOD = Duration.ofSeconds(1);

	private static final ThreadLocal<String> CONTEXT = new ThreadLocal<>();

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final long origin = this.ticker.read();

	@AfterEach
	void clearInterrupt() {
		Thread.interrupted();
	}

	private RateLimiter limiter(int limit, Duration timeout, Scheduler scheduler) {
		return RateLimiter.of("orders",
				RateLimiterConfig.custom()
					.limitForPeriod(limit)
					.limitRefreshPeriod(PERIOD)
					.timeoutDuration(timeout)
					.build(),
				this.ticker, scheduler);
	}

	private long cycleNow() {
		return (this.ticker.read() - this.origin) / PERIOD.toNanos();
	}

	@Test
	void synchronousCallersSleepExactlyUntilTheCycleTheyReserved() {
		RateLimiter limiter = limiter(2, Duration.ofSeconds(2), this.scheduler);
		this.ticker.advance(Duration.ofMillis(400));
		List<Long> cycles = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			limiter.acquirePermission();
			cycles.add(cycleNow());
		}
		assertThat(cycles).containsExactly(0L, 0L, 1L, 1L, 2L, 2L);
		assertThat(this.scheduler.requestedDelays()).containsExactly(Duration.ofMillis(600).toNanos(),
				PERIOD.toNanos());
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(6);
	}

	@Test
	void asynchronousCallersAreServedInTheCycleTheyReservedNeverMoreThanTheLimit() {
		RateLimiter limiter = limiter(2, Duration.ofSeconds(3), this.scheduler);
		List<Long> startedInCycle = new ArrayList<>();
		List<CompletionStage<Integer>> results = new ArrayList<>();
		for (int i = 0; i < 9; i++) {
			int call = i;
			results.add(limiter.executeAsync((argument) -> {
				startedInCycle.add(cycleNow());
				return CompletableFuture.completedFuture(call);
			}, null));
		}
		assertThat(startedInCycle).containsExactly(0L, 0L);
		assertThat(limiter.getMetrics().getAvailablePermissions()).as("six callers wait").isEqualTo(-6);
		assertThat(results.get(8).toCompletableFuture()).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(RequestNotPermittedException.class,
					(ex) -> assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofSeconds(4)));
		assertThat(results.get(2).toCompletableFuture()).as("waits without blocking").isNotDone();
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).as("counted when they start").isEqualTo(2);

		this.scheduler.advance(PERIOD.minusNanos(1));
		assertThat(startedInCycle).hasSize(2);
		this.scheduler.advanceNanos(1);
		assertThat(startedInCycle).containsExactly(0L, 0L, 1L, 1L);
		assertThat(limiter.getMetrics().getAvailablePermissions()).isEqualTo(-4);
		assertThat(limiter.tryAcquirePermission()).as("the cycle belongs to the waiting callers").isFalse();
		this.scheduler.runAll();

		assertThat(startedInCycle).containsExactly(0L, 0L, 1L, 1L, 2L, 2L, 3L, 3L);
		for (int i = 0; i < 8; i++) {
			assertThat(results.get(i).toCompletableFuture()).isCompletedWithValue(i);
		}
		assertThat(limiter.getMetrics().getAvailablePermissions()).isZero();
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(8);
		assertThat(limiter.getMetrics().getNumberOfRejectedCalls()).isEqualTo(2);
	}

	@Test
	void aCallerWhosePermitIsBeyondItsTimeoutIsRefusedAtOnce() {
		RateLimiter limiter = limiter(1, Duration.ofMillis(500), this.scheduler);
		limiter.acquirePermission();
		this.ticker.advance(Duration.ofMillis(499));
		assertThatExceptionOfType(RequestNotPermittedException.class).isThrownBy(limiter::acquirePermission)
			.satisfies((ex) -> assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofMillis(501)));
		assertThat(this.scheduler.requestedDelays()).as("no wait").isEmpty();
		this.ticker.advance(Duration.ofMillis(1));
		limiter.acquirePermission();
		assertThat(this.scheduler.requestedDelays()).containsExactly(Duration.ofMillis(500).toNanos());
	}

	@Test
	void anInterruptedWaitIsARefusalThatGivesThePermitBack() {
		RateLimiter limiter = limiter(1, PERIOD, new InterruptingScheduler(this.scheduler, () -> {
		}));
		limiter.acquirePermission();
		this.ticker.advance(Duration.ofMillis(100));

		assertThatExceptionOfType(RequestNotPermittedException.class).isThrownBy(limiter::acquirePermission)
			.satisfies((ex) -> assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofMillis(900)));

		assertThat(Thread.interrupted()).as("interrupt flag set again").isTrue();
		assertThat(limiter.getMetrics().getAvailablePermissions()).as("permit given back").isZero();
		assertThat(limiter.getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(1);
		this.ticker.advance(Duration.ofMillis(900));
		assertThat(limiter.tryAcquirePermission()).isTrue();
	}

	@Test
	void anInterruptedWaitLosesItsPermitWhenALaterOneWasReserved() {
		AtomicInteger later = new AtomicInteger();
		RateLimiter[] holder = new RateLimiter[1];
		RateLimiter limiter = limiter(1, Duration.ofSeconds(2),
				new InterruptingScheduler(this.scheduler, () -> holder[0].executeAsync((argument) -> {
					later.incrementAndGet();
					return CompletableFuture.completedFuture("later");
				}, null)));
		holder[0] = limiter;
		limiter.acquirePermission();

		assertThatExceptionOfType(RequestNotPermittedException.class).isThrownBy(limiter::acquirePermission)
			.satisfies((ex) -> assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofSeconds(3)));
		assertThat(Thread.interrupted()).isTrue();

		this.scheduler.advance(PERIOD);
		assertThat(limiter.tryAcquirePermission()).as("cycle 1's permit was lost").isFalse();
		assertThat(later).hasValue(0);
		this.scheduler.advance(PERIOD);
		assertThat(later).as("the later caller keeps the cycle it reserved").hasValue(1);
	}

	@Test
	void cancellingAWaitingCallGivesItsPermitBackAndNeverStartsIt() {
		RateLimiter limiter = limiter(1, PERIOD, this.scheduler);
		limiter.acquirePermission();
		AtomicInteger calls = new AtomicInteger();
		CompletionStage<String> waiting = limiter.executeAsync((argument) -> {
			calls.incrementAndGet();
			return CompletableFuture.completedFuture("late");
		}, null);
		assertThat(this.scheduler.pendingTasks()).isEqualTo(1);

		waiting.toCompletableFuture().cancel(false);

		assertThat(this.scheduler.pendingTasks()).isZero();
		assertThat(limiter.getMetrics().getAvailablePermissions()).isZero();
		this.scheduler.advance(PERIOD);
		assertThat(calls).hasValue(0);
		assertThat(limiter.tryAcquirePermission()).isTrue();
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(2);
		assertThat(limiter.getMetrics().getNumberOfRejectedCalls()).isZero();
	}

	@Test
	void aStartedCallIsFollowedByItsResult() {
		RateLimiter limiter = limiter(1, PERIOD, this.scheduler);
		limiter.acquirePermission();
		CompletableFuture<String> own = new CompletableFuture<>();
		CompletionStage<String> result = limiter.executeAsync((argument) -> own, null);
		this.scheduler.advance(PERIOD);
		assertThat(result.toCompletableFuture()).isNotDone();
		own.completeExceptionally(new IllegalStateException("downstream"));
		assertThat(result.toCompletableFuture()).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IllegalStateException.class);
	}

	@Test
	void aSchedulerThatRefusesFailsTheCallAndGetsThePermitBack() {
		Scheduler refusing = new Scheduler() {
			@Override
			public Cancellable schedule(Runnable task, long delayNanos) {
				throw new RejectedExecutionException("shut down");
			}

			@Override
			public void sleep(long delayNanos) {
			}
		};
		RateLimiter limiter = limiter(1, PERIOD, refusing);
		limiter.acquirePermission();
		CompletionStage<String> result = limiter.executeAsync((argument) -> CompletableFuture.completedFuture("x"),
				null);
		assertThat(result.toCompletableFuture()).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(RejectedExecutionException.class);
		assertThat(limiter.getMetrics().getAvailablePermissions()).isZero();
	}

	@Test
	void aWaitingCallStartsInTheCallersContext() {
		ContextPropagator propagator = (task) -> {
			String captured = CONTEXT.get();
			return () -> {
				CONTEXT.set(captured);
				try {
					task.run();
				}
				finally {
					CONTEXT.remove();
				}
			};
		};
		RateLimiter limiter = RateLimiter.of("orders",
				RateLimiterConfig.custom().limitForPeriod(1).timeoutDuration(PERIOD).build(), this.ticker,
				this.scheduler, propagator);
		limiter.acquirePermission();
		CONTEXT.set("caller");
		CompletionStage<String> result;
		try {
			result = limiter.executeAsync((argument) -> CompletableFuture.completedFuture(CONTEXT.get()), null);
		}
		finally {
			CONTEXT.remove();
		}
		this.scheduler.advance(PERIOD);
		assertThat(result.toCompletableFuture()).isCompletedWithValue("caller");
	}

	/**
	 * Schedules through a fake scheduler; a sleep runs {@code duringSleep}, then is
	 * interrupted.
	 */
	private record InterruptingScheduler(FakeScheduler delegate, Runnable duringSleep) implements Scheduler {

		@Override
		public Cancellable schedule(Runnable task, long delayNanos) {
			return this.delegate.schedule(task, delayNanos);
		}

		@Override
		public void sleep(long delayNanos) throws InterruptedException {
			this.duringSleep.run();
			throw new InterruptedException();
		}

	}

}
