package dev.resilience.retry.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import dev.resilience.internal.Failures;
import dev.resilience.retry.RetryConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seam between the retry and the engine's one unwrapping rule: what is classified is
 * the failure under every {@code CompletionException} and {@code ExecutionException},
 * while what an asynchronous caller gets back loses only the
 * {@code CompletionException}s.
 */
class RetryClassifierTests {

	private final RetryClassifier onlyIo = new RetryClassifier(
			RetryConfig.custom().retryExceptions(List.of(IOException.class)).build());

	@Test
	void classifiesAFailureByItsCauseUnderMixedWrappersTenDeep() {
		// The retry used to stop unwrapping at eight wrappers; the engine's rule goes to
		// sixteen.
		Throwable failure = new IOException("down");
		Throwable other = new IllegalStateException("bug");
		for (int i = 0; i < 10; i++) {
			failure = (i % 2 == 0) ? new CompletionException(failure) : new ExecutionException(failure);
			other = (i % 2 == 0) ? new CompletionException(other) : new ExecutionException(other);
		}
		assertThat(this.onlyIo.isRetryable(failure)).isTrue();
		assertThat(this.onlyIo.isRetryable(other)).isFalse();
	}

	@Test
	void neverRetriesAnErrorOrAnInterruptionUnderAWrapperWhateverTheLists() {
		RetryClassifier everything = new RetryClassifier(
				RetryConfig.custom().retryExceptions(List.of(Throwable.class)).build());
		assertThat(everything.isRetryable(new ExecutionException(new AssertionError()))).isFalse();
		assertThat(everything.isRetryable(new CompletionException(new InterruptedException()))).isFalse();
		assertThat(everything.isRetryable(new CompletionException(new IOException()))).isTrue();
	}

	@Test
	void theCallerSeesAnExecutionExceptionAsItIsButNoCompletionException() {
		ExecutionException thrown = new ExecutionException(new IOException("down"));
		assertThat(Failures.unwrapCompletion(new CompletionException(new CompletionException(thrown))))
			.isSameAs(thrown);
		assertThat(Failures.unwrapCompletion(thrown)).isSameAs(thrown);
		CompletionException empty = new CompletionException("no cause", null);
		assertThat(Failures.unwrapCompletion(empty)).isSameAs(empty);
	}

	@Test
	void stopsOnACycleOfCompletionExceptions() {
		// The protected constructor leaves the cause unset, so that it can close the
		// cycle.
		CompletionException first = new CompletionException("first") {
		};
		CompletionException second = new CompletionException(first);
		first.initCause(second);
		assertThat(Failures.unwrapCompletion(first)).isInstanceOf(CompletionException.class);
		assertThat(this.onlyIo.isRetryable(first)).isFalse();
	}

}
