package dev.resilience.circuitbreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/** What listeners hear, and that a broken listener cannot break a call. */
class CircuitBreakerListenerTests {

	private final FakeTicker ticker = new FakeTicker();

	private final CircuitBreaker breaker = CircuitBreaker.of("inventory",
			CircuitBreakerConfig.custom()
				.slidingWindowSize(2)
				.minimumNumberOfCalls(2)
				.waitDurationInOpenState(Duration.ofSeconds(5))
				.permittedNumberOfCallsInHalfOpenState(1)
				.build(),
			this.ticker);

	private final List<LogRecord> logged = new CopyOnWriteArrayList<>();

	private final Handler handler = new Handler() {

		@Override
		public void publish(LogRecord record) {
			CircuitBreakerListenerTests.this.logged.add(record);
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

	};

	// System.Logger is backed by java.util.logging when no other LoggerFinder is
	// installed.
	private final Logger julLogger = Logger.getLogger("dev.resilience.circuitbreaker");

	@BeforeEach
	void captureLog() {
		this.julLogger.addHandler(this.handler);
	}

	@AfterEach
	void releaseLog() {
		this.julLogger.removeHandler(this.handler);
	}

	@Test
	void hearsEveryTransitionOnceWithItsReason() {
		RecordingListener listener = new RecordingListener();
		this.breaker.addListener(listener);
		this.breaker.onError(0, new IOException());
		this.breaker.onError(0, new IOException());
		this.breaker.getState();
		this.ticker.advance(Duration.ofSeconds(5));
		this.breaker.getState();
		this.breaker.getState();
		this.breaker.acquirePermission();
		this.breaker.onSuccess(0);
		assertThat(listener.transitions).extracting(RecordingListener.Transition::toString)
			.containsExactly("CircuitBreaker 'inventory' CLOSED -> OPEN: failure rate 100.0% >= 50.0% over 2 calls",
					"CircuitBreaker 'inventory' OPEN -> HALF_OPEN: wait duration 5s elapsed",
					"CircuitBreaker 'inventory' HALF_OPEN -> CLOSED: 1 trial calls: failure rate 0.0% < 50.0%");
	}

	@Test
	void hearsEveryCallOutcomeWithItsDuration() {
		RecordingListener listener = new RecordingListener();
		this.breaker.addListener(listener);
		this.breaker.onSuccess(7);
		this.breaker.onSuccess(Duration.ofMinutes(2).toNanos());
		this.breaker.transitionToForcedOpenState();
		this.breaker.tryAcquirePermission();
		assertThat(listener.outcomes).containsExactly(CallOutcome.SUCCESS, CallOutcome.SLOW_SUCCESS,
				CallOutcome.NOT_PERMITTED);
		assertThat(listener.durations).containsExactly(7L, Duration.ofMinutes(2).toNanos(), 0L);
	}

	@Test
	void callOutcomeIsHeardBeforeTheTransitionItCauses() {
		List<String> heard = new CopyOnWriteArrayList<>();
		this.breaker.addListener(new CircuitBreakerListener() {

			@Override
			public void onStateTransition(CircuitBreaker breaker, State from, State to, String reason) {
				heard.add(from + "->" + to);
			}

			@Override
			public void onCallRecorded(CircuitBreaker breaker, CallOutcome outcome, long durationNanos) {
				heard.add(outcome.name());
			}

		});
		this.breaker.onError(0, new IOException());
		this.breaker.onError(0, new IOException());
		assertThat(heard).containsExactly("FAILURE", "FAILURE", "CLOSED->OPEN");
	}

	@Test
	void throwingListenerDoesNotBreakTheCallNorOtherListeners() throws Throwable {
		RecordingListener healthy = new RecordingListener();
		this.breaker.addListener(new CircuitBreakerListener() {

			@Override
			public void onCallRecorded(CircuitBreaker breaker, CallOutcome outcome, long durationNanos) {
				throw new IllegalStateException("listener bug");
			}

			@Override
			public void onStateTransition(CircuitBreaker breaker, State from, State to, String reason) {
				throw new IllegalStateException("listener bug");
			}

		});
		this.breaker.addListener(healthy);
		assertThat(this.breaker.execute((String argument) -> argument + "!", "ok")).isEqualTo("ok!");
		this.breaker.transitionToOpenState();
		assertThat(this.breaker.getState()).isEqualTo(State.OPEN);
		assertThat(healthy.outcomes).containsExactly(CallOutcome.SUCCESS);
		assertThat(healthy.transitions).hasSize(1);
	}

	@Test
	void throwingListenerIsReportedOnce() {
		this.breaker.addListener(new CircuitBreakerListener() {

			@Override
			public void onCallRecorded(CircuitBreaker breaker, CallOutcome outcome, long durationNanos) {
				throw new IllegalStateException("listener bug");
			}

		});
		this.breaker.onSuccess(0);
		this.breaker.onSuccess(0);
		this.breaker.onSuccess(0);
		assertThat(this.logged).singleElement().satisfies((record) -> {
			assertThat(record.getMessage()).contains("'inventory'");
			assertThat(record.getThrown()).hasMessage("listener bug");
		});
	}

	@Test
	void removedListenerHearsNothingMore() {
		RecordingListener listener = new RecordingListener();
		this.breaker.addListener(listener);
		this.breaker.onSuccess(0);
		this.breaker.removeListener(listener);
		this.breaker.onSuccess(0);
		this.breaker.transitionToOpenState();
		assertThat(listener.outcomes).hasSize(1);
		assertThat(listener.transitions).isEmpty();
	}

	@Test
	void listenerAddedTwiceHearsEachEventOnce() {
		RecordingListener listener = new RecordingListener();
		this.breaker.addListener(listener);
		this.breaker.addListener(listener);
		this.breaker.onSuccess(0);
		assertThat(listener.outcomes).hasSize(1);
	}

	@Test
	void listenersAreCalledInRegistrationOrder() {
		List<String> order = new CopyOnWriteArrayList<>();
		for (String name : List.of("first", "second", "third")) {
			this.breaker.addListener(new CircuitBreakerListener() {

				@Override
				public void onCallRecorded(CircuitBreaker breaker, CallOutcome outcome, long durationNanos) {
					order.add(name);
				}

			});
		}
		this.breaker.onSuccess(0);
		assertThat(order).containsExactly("first", "second", "third");
	}

	@Test
	void listenerSeesTheBreakerItListensTo() {
		List<CircuitBreaker> seen = new CopyOnWriteArrayList<>();
		this.breaker.addListener(new CircuitBreakerListener() {

			@Override
			public void onCallRecorded(CircuitBreaker breaker, CallOutcome outcome, long durationNanos) {
				seen.add(breaker);
			}

		});
		this.breaker.onSuccess(0);
		assertThat(seen).containsExactly(this.breaker);
	}

}
