package dev.resilience.internal;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/** Include and exclude lists as the breaker, retry and fallback all read them. */
class ExceptionClassifierTests {

	@Test
	void emptyListsMatchEveryFailure() {
		ExceptionClassifier classifier = ExceptionClassifier.of(List.of(), List.of());
		assertThat(classifier.matches(new IOException())).isTrue();
		assertThat(classifier.matches(new IllegalStateException())).isTrue();
		assertThat(classifier.matches(new AssertionError())).isTrue();
		assertThat(classifier.isExcluded(new IOException())).isFalse();
	}

	@Test
	void emptyIncludeListMatchesEverythingNotExcluded() {
		ExceptionClassifier classifier = ExceptionClassifier.of(List.of(), List.of(IllegalArgumentException.class));
		assertThat(classifier.matches(new IOException())).isTrue();
		assertThat(classifier.matches(new TimeoutException())).isTrue();
		assertThat(classifier.matches(new IllegalArgumentException())).isFalse();
	}

	@Test
	void includeListMatchesOnlyItsTypes() {
		ExceptionClassifier classifier = ExceptionClassifier.of(List.of(IOException.class, TimeoutException.class),
				List.of());
		assertThat(classifier.matches(new IOException())).isTrue();
		assertThat(classifier.matches(new TimeoutException())).isTrue();
		assertThat(classifier.matches(new IllegalStateException())).isFalse();
		assertThat(classifier.matches(new Exception())).as("a supertype of a listed type").isFalse();
	}

	@Test
	void aListedTypeCoversItsSubclasses() {
		ExceptionClassifier classifier = ExceptionClassifier.of(List.of(IOException.class),
				List.of(FileNotFoundException.class));
		assertThat(classifier.matches(new SocketTimeoutException())).isTrue();
		assertThat(classifier.matches(new FileNotFoundException())).isFalse();
		assertThat(classifier.isExcluded(new FileNotFoundException())).isTrue();
		assertThat(classifier.isExcluded(new IOException())).isFalse();
	}

	@Test
	void excludedWinsOverIncludedForTheSameType() {
		ExceptionClassifier classifier = ExceptionClassifier.of(List.of(IOException.class), List.of(IOException.class));
		assertThat(classifier.matches(new IOException())).isFalse();
	}

	@Test
	void excludedWinsWhenItIsTheBroaderType() {
		ExceptionClassifier classifier = ExceptionClassifier.of(List.of(SocketTimeoutException.class),
				List.of(IOException.class));
		assertThat(classifier.matches(new SocketTimeoutException())).isFalse();
	}

	@Test
	void matchesClassifiesTheUnwrappedFailure() {
		ExceptionClassifier classifier = ExceptionClassifier.of(List.of(IOException.class),
				List.of(IllegalArgumentException.class));
		assertThat(classifier.matches(new CompletionException(new IOException()))).isTrue();
		assertThat(classifier.matches(new ExecutionException(new CompletionException(new IOException())))).isTrue();
		assertThat(classifier.matches(new CompletionException(new IllegalArgumentException()))).isFalse();
		assertThat(classifier.matches(new CompletionException(new IllegalStateException()))).isFalse();
	}

	@Test
	void aListedWrapperTypeMatchesOnlyAWrapperWithoutACause() {
		ExceptionClassifier classifier = ExceptionClassifier.of(List.of(CompletionException.class), List.of());
		assertThat(classifier.matches(new CompletionException(new IOException())))
			.as("classified by its cause, not by the wrapper")
			.isFalse();
		assertThat(classifier.matches(new CompletionException("no cause", null))).isTrue();
	}

	@Test
	void matchesUnwrappedDoesNotUnwrap() {
		ExceptionClassifier classifier = ExceptionClassifier.of(List.of(IOException.class), List.of());
		assertThat(classifier.matchesUnwrapped(new IOException())).isTrue();
		assertThat(classifier.matchesUnwrapped(new CompletionException(new IOException()))).isFalse();
	}

	@Test
	void errorsAreClassifiedLikeAnyOtherFailure() {
		ExceptionClassifier classifier = ExceptionClassifier.of(List.of(Exception.class), List.of());
		assertThat(classifier.matches(new AssertionError())).isFalse();
		assertThat(ExceptionClassifier.of(List.of(), List.of(Error.class)).matches(new OutOfMemoryError())).isFalse();
	}

	@Test
	void laterChangesToTheGivenListsDoNotChangeTheClassifier() {
		List<Class<? extends Throwable>> included = new ArrayList<>(List.of(IOException.class));
		ExceptionClassifier classifier = ExceptionClassifier.of(included, List.of());
		included.clear();
		included.add(IllegalStateException.class);
		assertThat(classifier.matches(new IOException())).isTrue();
		assertThat(classifier.matches(new IllegalStateException())).isFalse();
	}

	@Test
	void refusesNullLists() {
		assertThatNullPointerException().isThrownBy(() -> ExceptionClassifier.of(null, List.of()))
			.withMessageContaining("included");
		assertThatNullPointerException().isThrownBy(() -> ExceptionClassifier.of(List.of(), null))
			.withMessageContaining("excluded");
	}

}
