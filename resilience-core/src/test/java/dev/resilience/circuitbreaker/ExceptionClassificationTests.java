package dev.resilience.circuitbreaker;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/** How {@code record-exceptions} and {@code ignore-exceptions} classify a failed call. */
class ExceptionClassificationTests {

	private final RecordingListener listener = new RecordingListener();

	private CircuitBreaker breaker(List<Class<? extends Throwable>> record, List<Class<? extends Throwable>> ignore) {
		CircuitBreaker breaker = CircuitBreaker.of("classify",
				CircuitBreakerConfig.custom()
					.slidingWindowSize(10)
					.minimumNumberOfCalls(10)
					.recordExceptions(record)
					.ignoreExceptions(ignore)
					.build(),
				new FakeTicker());
		breaker.addListener(this.listener);
		return breaker;
	}

	@Test
	void everyExceptionIsAFailureWhenNoListIsGiven() {
		CircuitBreaker breaker = breaker(List.of(), List.of());
		breaker.onError(0, new IOException());
		breaker.onError(0, new IllegalStateException());
		breaker.onError(0, new AssertionError());
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(3);
		assertThat(this.listener.outcomes).containsOnly(CallOutcome.FAILURE);
	}

	@Test
	void ignoredExceptionCountsAsNeitherSuccessNorFailure() {
		CircuitBreaker breaker = breaker(List.of(), List.of(IllegalArgumentException.class));
		breaker.onError(0, new IllegalArgumentException());
		breaker.onError(0, new NumberFormatException());
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.IGNORED, CallOutcome.IGNORED);
	}

	@Test
	void onlyListedExceptionsAreFailuresWhenARecordListIsGiven() {
		CircuitBreaker breaker = breaker(List.of(IOException.class), List.of());
		breaker.onError(0, new FileNotFoundException());
		breaker.onError(0, new IllegalStateException());
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
		assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.FAILURE, CallOutcome.SUCCESS);
	}

	@Test
	void ignoreListWinsOverRecordList() {
		CircuitBreaker breaker = breaker(List.of(IOException.class), List.of(FileNotFoundException.class));
		breaker.onError(0, new FileNotFoundException());
		breaker.onError(0, new IOException());
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.IGNORED, CallOutcome.FAILURE);
	}

	@Test
	void completionAndExecutionExceptionsAreClassifiedByTheirCause() {
		CircuitBreaker breaker = breaker(List.of(IOException.class), List.of(IllegalArgumentException.class));
		breaker.onError(0, new CompletionException(new IllegalArgumentException()));
		breaker.onError(0, new ExecutionException(new CompletionException(new IOException())));
		breaker.onError(0, new CompletionException(new IllegalStateException()));
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.IGNORED, CallOutcome.FAILURE,
				CallOutcome.SUCCESS);
	}

	@Test
	void otherWrappersAreNotUnwrapped() {
		CircuitBreaker breaker = breaker(List.of(), List.of(IOException.class));
		breaker.onError(0, new UncheckedIOException(new IOException()));
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.FAILURE);
	}

	@Test
	void completionExceptionWithoutCauseIsClassifiedItself() {
		CircuitBreaker breaker = breaker(List.of(), List.of(CompletionException.class));
		breaker.onError(0, new CompletionException("no cause", null));
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.IGNORED);
	}

	@Test
	void nullErrorIsRejectedNamingTheBreaker() {
		CircuitBreaker breaker = breaker(List.of(), List.of());
		assertThatNullPointerException().isThrownBy(() -> breaker.onError(0, null)).withMessageContaining("'classify'");
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
	}

}
