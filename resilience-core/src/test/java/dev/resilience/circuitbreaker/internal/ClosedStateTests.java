package dev.resilience.circuitbreaker.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.resilience.CheckedFunction;
import dev.resilience.Ticker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The closed state on its own: it is its calls' admission, it records in its own window
 * only while it is current, it opens once however many threads cross the threshold, and
 * its success path allocates nothing.
 */
class ClosedStateTests {

	private final FakeTicker ticker = new FakeTicker();

	private final Transitions transitions = new Transitions();

	private CircuitBreakerStateMachine breaker(CircuitBreakerConfig.Builder config) {
		CircuitBreakerStateMachine breaker = new CircuitBreakerStateMachine("closed", config.build(), this.ticker);
		breaker.addListener(this.transitions);
		return breaker;
	}

	private CircuitBreakerStateMachine breaker() {
		return breaker(CircuitBreakerConfig.custom().slidingWindowSize(4).minimumNumberOfCalls(4));
	}

	@Test
	void isItselfTheAdmissionOfEveryCall() {
		CircuitBreakerStateMachine breaker = breaker();
		BreakerState closed = breaker.currentState();
		assertThat(closed).isInstanceOf(ClosedState.class);
		assertThat(closed.admit()).isSameAs(closed);
		assertThat(breaker.tryAdmit()).isSameAs(closed);
	}

	@Test
	void outcomeOfAClosedStateThatWasLeftLandsInNoLaterWindow() {
		CircuitBreakerStateMachine breaker = breaker();
		BreakerState before = breaker.currentState();
		breaker.reset();
		BreakerState after = breaker.currentState();
		assertThat(after).isInstanceOf(ClosedState.class).isNotSameAs(before);
		for (int i = 0; i < 4; i++) {
			before.onError(0, new IOException("late"));
		}
		assertThat(after.counts().bufferedCalls()).isZero();
		assertThat(breaker.currentState()).isSameAs(after);
		assertThat(this.transitions.heard).isEmpty();
	}

	@Test
	void opensWithTheWindowThatReachedTheThreshold() {
		CircuitBreakerStateMachine breaker = breaker();
		BreakerState closed = breaker.currentState();
		closed.onSuccess(0);
		closed.onSuccess(0);
		closed.onError(0, new IOException());
		assertThat(breaker.currentState()).isSameAs(closed);
		closed.onError(0, new IOException());
		BreakerState open = breaker.currentState();
		assertThat(open).isInstanceOf(OpenState.class);
		assertThat(open.counts()).as("the open state keeps the counts that opened it").isSameAs(closed.counts());
		assertThat(this.transitions.heard).containsExactly("CLOSED -> OPEN: failure rate 50.0% >= 50.0% over 4 calls");
	}

	@Test
	void successBreaksARunOfConsecutiveFailures() {
		CircuitBreakerStateMachine breaker = breaker(CircuitBreakerConfig.custom()
			.slidingWindowSize(100)
			.minimumNumberOfCalls(100)
			.consecutiveFailureThreshold(3));
		BreakerState closed = breaker.currentState();
		closed.onError(0, new IOException());
		closed.onError(0, new IOException());
		closed.onSuccess(0);
		closed.onError(0, new IOException());
		closed.onError(0, new IOException());
		assertThat(breaker.currentState()).isSameAs(closed);
		closed.onError(0, new IOException());
		assertThat(breaker.currentState()).isInstanceOf(OpenState.class);
		assertThat(this.transitions.heard).containsExactly("CLOSED -> OPEN: 3 consecutive failures");
	}

	@Test
	void threadsCrossingTheThresholdTogetherOpenItOnce() throws Exception {
		int threads = 4;
		for (int round = 0; round < 200; round++) {
			this.transitions.heard.clear();
			CircuitBreakerStateMachine breaker = breaker(CircuitBreakerConfig.custom()
				.slidingWindowType(round % 2 == 0 ? SlidingWindowType.COUNT_BASED : SlidingWindowType.TIME_BASED)
				.slidingWindowSize(8)
				.minimumNumberOfCalls(2)
				.consecutiveFailureThreshold(2));
			BreakerState closed = breaker.currentState();
			CyclicBarrier start = new CyclicBarrier(threads);
			List<Thread> started = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				Thread thread = new Thread(() -> {
					await(start);
					for (int call = 0; call < 4; call++) {
						closed.onError(0, new IOException());
					}
				});
				thread.start();
				started.add(thread);
			}
			for (Thread thread : started) {
				thread.join(TimeUnit.SECONDS.toMillis(10));
				assertThat(thread.isAlive()).isFalse();
			}
			assertThat(this.transitions.heard).as("round %d", round)
				.singleElement()
				.asString()
				.startsWith("CLOSED -> OPEN");
			assertThat(breaker.currentState()).isInstanceOf(OpenState.class);
		}
	}

	@Test
	void successPathAllocatesNothing() throws Throwable {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		// Durations beyond the boxing cache, so that a boxed duration would show.
		Ticker ticker = new Ticker() {

			private long now;

			@Override
			public long read() {
				this.now += 1_000;
				return this.now;
			}

		};
		CircuitBreakerStateMachine breaker = new CircuitBreakerStateMachine("closed", CircuitBreakerConfig.ofDefaults(),
				ticker);
		breaker.addListener(new Transitions());
		CheckedFunction<Object, Object> call = (argument) -> argument;
		Object argument = "ok";
		int calls = 200_000;
		for (int i = 0; i < calls; i++) {
			breaker.execute(call, argument);
			breaker.tryAdmit().onSuccess(1_000);
		}
		long threadId = Thread.currentThread().getId();
		long before = threads.getThreadAllocatedBytes(threadId);
		for (int i = 0; i < calls; i++) {
			breaker.execute(call, argument);
			breaker.tryAdmit().onSuccess(1_000);
		}
		long allocated = threads.getThreadAllocatedBytes(threadId) - before;
		assertThat((double) allocated / calls).as("bytes allocated per call (listener registered, count window)")
			.isLessThan(1.0);
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
