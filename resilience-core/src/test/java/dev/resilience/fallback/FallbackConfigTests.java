package dev.resilience.fallback;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FallbackConfigTests {

	@Test
	void defaultsHandleEveryFailure() {
		FallbackConfig config = FallbackConfig.ofDefaults();
		assertThat(config.shouldHandle(new Exception())).isTrue();
		assertThat(config.shouldHandle(new IllegalStateException())).isTrue();
		assertThat(config.shouldHandle(new OutOfMemoryError())).isTrue();
		assertThat(config.getApplyOn()).containsExactly(Throwable.class);
		assertThat(config.getSkipOn()).isEmpty();
	}

	@Test
	void handlesOnlyInstancesOfApplyOnTypes() {
		FallbackConfig config = FallbackConfig.of(List.of(IOException.class, TimeoutException.class), List.of());
		assertThat(config.shouldHandle(new FileNotFoundException())).isTrue();
		assertThat(config.shouldHandle(new TimeoutException())).isTrue();
		assertThat(config.shouldHandle(new IllegalStateException())).isFalse();
	}

	@Test
	void skipOnWinsOverApplyOn() {
		FallbackConfig config = FallbackConfig.of(List.of(IOException.class), List.of(FileNotFoundException.class));
		assertThat(config.shouldHandle(new IOException())).isTrue();
		assertThat(config.shouldHandle(new FileNotFoundException())).isFalse();
	}

	@Test
	void judgesWrappedFailuresByTheirCause() {
		FallbackConfig config = FallbackConfig.of(List.of(Throwable.class), List.of(IllegalArgumentException.class));
		assertThat(config.shouldHandle(new CompletionException(new IllegalArgumentException()))).isFalse();
		assertThat(config.shouldHandle(new ExecutionException(new CompletionException(new IllegalArgumentException()))))
			.isFalse();
		assertThat(config.shouldHandle(new CompletionException(new IllegalStateException()))).isTrue();
		FallbackConfig ioOnly = FallbackConfig.of(List.of(IOException.class), List.of());
		assertThat(ioOnly.shouldHandle(new ExecutionException(new IOException()))).isTrue();
	}

	@Test
	void doesNotUnwrapOtherWrappers() {
		FallbackConfig ioOnly = FallbackConfig.of(List.of(IOException.class), List.of());
		assertThat(ioOnly.shouldHandle(new UncheckedIOException(new IOException()))).isFalse();
	}

	@Test
	void judgesACompletionExceptionWithoutCauseByItself() {
		FallbackConfig config = FallbackConfig.of(List.of(CompletionException.class), List.of());
		assertThat(config.shouldHandle(new CompletionException("no cause", null))).isTrue();
	}

	@Test
	void refusesAnEmptyApplyOn() {
		assertThatIllegalArgumentException().isThrownBy(() -> FallbackConfig.of(List.of(), List.of()))
			.withMessage("applyOn must name at least one exception type (Throwable for every failure) but was empty");
	}

	@Test
	void keepsACopyOfTheGivenLists() {
		java.util.ArrayList<Class<? extends Throwable>> applyOn = new java.util.ArrayList<>(List.of(IOException.class));
		FallbackConfig config = FallbackConfig.of(applyOn, List.of());
		applyOn.add(RuntimeException.class);
		assertThat(config.shouldHandle(new IllegalStateException())).isFalse();
	}

}
