package dev.resilience.ratelimiter;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.CheckedFunction;
import dev.resilience.testing.ExecutionMode;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;
import dev.resilience.testing.InEveryExecutionMode;
import dev.resilience.testing.Outcome;
import dev.resilience.testing.Script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A rate limiter that does not wait: exactly its limit per cycle, cycles aligned to its
 * creation, the exact time until the next permit, its counters and listeners, and the two
 * ways of running a call under it.
 */
class RateLimiterTests {

	private static final Duration PERIOD = Duration.ofSeconds(1);

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private RateLimiter limiter(int limit) {
		return RateLimiter.of("orders",
				RateLimiterConfig.custom().limitForPeriod(limit).limitRefreshPeriod(PERIOD).build(), this.ticker,
				this.scheduler);
	}

	private static int take(RateLimiter limiter, int attempts) {
		int granted = 0;
		for (int i = 0; i < attempts; i++) {
			if (limiter.tryAcquirePermission()) {
				granted++;
			}
		}
		return granted;
	}

	@Test
	void grantsExactlyItsLimitPerCycle() {
		RateLimiter limiter = limiter(5);
		assertThat(take(limiter, 20)).isEqualTo(5);
		this.ticker.advance(PERIOD);
		assertThat(take(limiter, 20)).isEqualTo(5);
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(10);
		assertThat(limiter.getMetrics().getNumberOfRejectedCalls()).isEqualTo(30);
	}

	@Test
	void refillsAtTheCycleBoundaryAndNotBefore() {
		RateLimiter limiter = limiter(2);
		assertThat(take(limiter, 2)).isEqualTo(2);
		this.ticker.advance(PERIOD.minusNanos(1));
		assertThat(limiter.tryAcquirePermission()).isFalse();
		this.ticker.advanceNanos(1);
		assertThat(limiter.getMetrics().getAvailablePermissions()).isEqualTo(2);
		assertThat(take(limiter, 3)).isEqualTo(2);
	}

	@Test
	void cyclesAreAlignedToTheLimitersCreation() {
		this.ticker.advance(Duration.ofMillis(300));
		RateLimiter limiter = limiter(1);
		this.ticker.advance(Duration.ofMillis(800));
		assertThat(limiter.tryAcquirePermission()).as("first cycle, 800ms after creation").isTrue();
		this.ticker.advance(Duration.ofMillis(199));
		assertThat(limiter.tryAcquirePermission()).as("999ms after creation").isFalse();
		this.ticker.advance(Duration.ofMillis(1));
		assertThat(limiter.tryAcquirePermission()).as("second cycle").isTrue();
	}

	@Test
	void unusedPermitsOfIdleCyclesDoNotAccumulate() {
		RateLimiter limiter = limiter(3);
		this.ticker.advance(PERIOD.multipliedBy(10));
		assertThat(limiter.getMetrics().getAvailablePermissions()).isEqualTo(3);
		assertThat(take(limiter, 10)).isEqualTo(3);
	}

	@Test
	void refusalSaysExactlyWhenTheNextPermitIsFree() {
		RateLimiter limiter = limiter(1);
		limiter.acquirePermission();
		this.ticker.advance(Duration.ofMillis(250).plusNanos(7));

		assertThatExceptionOfType(RequestNotPermittedException.class).isThrownBy(limiter::acquirePermission)
			.satisfies((ex) -> {
				assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofMillis(750).minusNanos(7));
				assertThat(ex.getInstanceName()).isEqualTo("orders");
				assertThat(ex.getStackTrace()).isEmpty();
			});
		this.ticker.advance(Duration.ofMillis(750).minusNanos(8));
		assertThatExceptionOfType(RequestNotPermittedException.class).isThrownBy(limiter::acquirePermission)
			.satisfies((ex) -> assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofNanos(1)))
			.withMessage("RateLimiter 'orders' does not permit further calls; next permit in 1ns");
		this.ticker.advanceNanos(1);
		limiter.acquirePermission();
	}

	@Test
	void availablePermissionsCountDownWithinACycle() {
		RateLimiter limiter = limiter(3);
		assertThat(limiter.getMetrics().getAvailablePermissions()).isEqualTo(3);
		limiter.acquirePermission();
		assertThat(limiter.getMetrics().getAvailablePermissions()).isEqualTo(2);
		take(limiter, 5);
		assertThat(limiter.getMetrics().getAvailablePermissions()).isZero();
		assertThat(limiter.getMetrics()).isSameAs(limiter.getMetrics());
	}

	@Test
	void listenersHearEveryDecisionAndAFailingOneChangesNothing() {
		RateLimiter limiter = limiter(1);
		List<RateLimiterOutcome> heard = new ArrayList<>();
		limiter.addListener(new RateLimiterListener() {
			@Override
			public void onOutcome(RateLimiter rateLimiter, RateLimiterOutcome outcome) {
				throw new IllegalStateException("broken listener");
			}
		});
		RateLimiterListener recording = new RateLimiterListener() {
			@Override
			public void onOutcome(RateLimiter rateLimiter, RateLimiterOutcome outcome) {
				assertThat(rateLimiter).isSameAs(limiter);
				heard.add(outcome);
			}
		};
		limiter.addListener(recording);
		limiter.addListener(recording);

		assertThat(limiter.tryAcquirePermission()).isTrue();
		assertThat(limiter.tryAcquirePermission()).isFalse();
		assertThatExceptionOfType(RequestNotPermittedException.class).isThrownBy(limiter::acquirePermission);
		limiter.removeListener(recording);
		limiter.tryAcquirePermission();

		assertThat(heard).containsExactly(RateLimiterOutcome.PERMITTED, RateLimiterOutcome.REJECTED,
				RateLimiterOutcome.REJECTED);
	}

	@Test
	void executeTakesOnePermitWhateverTheCallsOutcome() throws Throwable {
		RateLimiter limiter = limiter(2);
		AtomicInteger calls = new AtomicInteger();
		CheckedFunction<String, String> failing = (argument) -> {
			calls.incrementAndGet();
			throw new IOException(argument);
		};

		String result = limiter.execute((argument) -> argument + "!", "ok");
		assertThat(result).isEqualTo("ok!");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> limiter.execute(failing, "boom"));
		assertThatExceptionOfType(RequestNotPermittedException.class)
			.isThrownBy(() -> limiter.execute(failing, "refused"));

		assertThat(calls).as("a refused call never runs").hasValue(1);
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(2);
		assertThat(limiter.getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
	}

	@Test
	void executeAsyncFailsTheStageInsteadOfThrowing() {
		RateLimiter limiter = limiter(3);
		CompletableFuture<String> own = new CompletableFuture<>();

		CompletionStage<String> first = limiter.executeAsync((argument) -> own, "a");
		CompletionStage<String> thrown = limiter.executeAsync((argument) -> {
			throw new IOException("thrown");
		}, "b");
		CompletionStage<String> nullStage = limiter.executeAsync((argument) -> null, "c");
		CompletionStage<String> refused = limiter.executeAsync((argument) -> CompletableFuture.completedFuture("d"),
				"d");

		assertThat(first).as("a call that needs no wait keeps its own stage").isSameAs(own);
		assertThat(thrown.toCompletableFuture()).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IOException.class);
		assertThat(nullStage.toCompletableFuture()).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(NullPointerException.class);
		assertThat(refused.toCompletableFuture()).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(RequestNotPermittedException.class);
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(3);
		assertThat(limiter.getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
	}

	@InEveryExecutionMode
	void aCallBeyondTheLimitWaitsWithinTheTimeoutThenIsRefused(ExecutionMode mode) {
		RateLimiter waiting = RateLimiter.of("orders",
				RateLimiterConfig.custom().limitForPeriod(1).limitRefreshPeriod(PERIOD).timeoutDuration(PERIOD).build(),
				this.ticker, this.scheduler);
		long start = this.ticker.read();

		Outcome first = mode.run(waiting, this.scheduler, Script.of("first"));
		Outcome second = mode.run(waiting, this.scheduler, Script.alwaysFailing(new IOException("second")));
		Outcome third = mode.run(waiting, this.scheduler, Script.of("third"));

		assertThat(first.value()).isEqualTo("first");
		assertThat(second.failure()).as("a failing call took its permit too").isInstanceOf(IOException.class);
		assertThat(third.value()).isEqualTo("third");
		assertThat(this.ticker.read() - start).as("each waited one cycle").isEqualTo(2 * PERIOD.toNanos());
		assertThat(waiting.getMetrics().getNumberOfPermittedCalls()).isEqualTo(3);

		RateLimiter refusing = limiter(1);
		mode.run(refusing, this.scheduler, Script.of("ok"));
		Script refused = Script.of("never");
		Outcome outcome = mode.run(refusing, this.scheduler, refused);
		assertThat(outcome.failure()).isInstanceOf(RequestNotPermittedException.class);
		assertThat(refused.invocations()).isZero();
	}

	@Test
	void aLimitOfOnePerNanosecondStillCountsExactly() {
		RateLimiter limiter = RateLimiter.of("fast",
				RateLimiterConfig.custom().limitForPeriod(1).limitRefreshPeriod(Duration.ofNanos(1)).build(),
				this.ticker, this.scheduler);
		for (int i = 0; i < 1_000; i++) {
			assertThat(limiter.tryAcquirePermission()).isTrue();
			assertThat(limiter.tryAcquirePermission()).isFalse();
			this.ticker.advanceNanos(1);
		}
	}

	@Test
	void aHugePeriodAndLimitDoNotOverflow() {
		RateLimiter limiter = RateLimiter.of("slow",
				RateLimiterConfig.custom()
					.limitForPeriod(Integer.MAX_VALUE)
					.limitRefreshPeriod(Duration.ofSeconds(Long.MAX_VALUE))
					.timeoutDuration(Duration.ofSeconds(Long.MAX_VALUE))
					.build(),
				this.ticker, this.scheduler);
		assertThat(limiter.tryAcquirePermission()).isTrue();
		assertThat(limiter.getMetrics().getAvailablePermissions()).isEqualTo(Integer.MAX_VALUE - 1);
	}

	@Test
	void permittedPathAllocatesNothing() throws Throwable {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		assumeThat(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()).isTrue();
		RateLimiter limiter = RateLimiter.of("hot",
				RateLimiterConfig.custom().limitForPeriod(Integer.MAX_VALUE).timeoutDuration(PERIOD).build(),
				this.ticker, this.scheduler);
		limiter.addListener(new RateLimiterListener() {
		});
		CheckedFunction<Object, Object> call = (argument) -> argument;
		Object argument = "ok";
		int calls = 200_000;
		for (int i = 0; i < calls; i++) {
			limiter.execute(call, argument);
			limiter.tryAcquirePermission();
		}
		long threadId = Thread.currentThread().getId();
		long before = threads.getThreadAllocatedBytes(threadId);
		for (int i = 0; i < calls; i++) {
			limiter.execute(call, argument);
			limiter.tryAcquirePermission();
		}
		long allocated = threads.getThreadAllocatedBytes(threadId) - before;

		assertThat((double) allocated / calls).as("bytes allocated per permitted call (listener registered)")
			.isLessThan(1.0);
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(4L * calls);
	}

}
