package dev.resilience.internal;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/** The one unwrapping rule: what it takes off, what it leaves, and where it stops. */
class FailuresTests {

	@Test
	void returnsAFailureThatIsNoWrapperAsItIs() {
		IOException failure = new IOException("down");
		assertThat(Failures.unwrap(failure)).isSameAs(failure);
	}

	@Test
	void returnsNullForNull() {
		assertThat(Failures.unwrap(null)).isNull();
	}

	@Test
	void takesOffACompletionException() {
		IOException cause = new IOException("down");
		assertThat(Failures.unwrap(new CompletionException(cause))).isSameAs(cause);
	}

	@Test
	void takesOffAnExecutionException() {
		IOException cause = new IOException("down");
		assertThat(Failures.unwrap(new ExecutionException(cause))).isSameAs(cause);
	}

	@Test
	void takesOffNestedWrappersOfBothKinds() {
		IOException cause = new IOException("down");
		Throwable wrapped = new CompletionException(
				new ExecutionException(new CompletionException(new ExecutionException(cause))));
		assertThat(Failures.unwrap(wrapped)).isSameAs(cause);
	}

	@Test
	void takesOffASubclassOfCompletionException() {
		IOException cause = new IOException("down");
		assertThat(Failures.unwrap(new CustomCompletionException(cause))).isSameAs(cause);
	}

	@Test
	void stopsAtTheFirstFailureThatIsNoWrapperEvenWhenItHasACause() {
		IllegalStateException notAWrapper = new IllegalStateException("bug",
				new CompletionException(new IOException()));
		assertThat(Failures.unwrap(new CompletionException(notAWrapper))).isSameAs(notAWrapper);
	}

	@Test
	void returnsAWrapperWithoutACauseAsItIs() {
		CompletionException noCause = new CompletionException("no cause", null);
		assertThat(Failures.unwrap(noCause)).isSameAs(noCause);
		ExecutionException executionNoCause = new ExecutionException("no cause", null);
		assertThat(Failures.unwrap(new CompletionException(executionNoCause))).isSameAs(executionNoCause);
	}

	@Test
	void aCycleOfWrappersEndsAtTheDepthLimit() {
		CustomCompletionException a = new CustomCompletionException("a");
		CustomCompletionException b = new CustomCompletionException("b");
		a.initCause(b);
		b.initCause(a);
		assertThat(Failures.MAX_UNWRAP_DEPTH % 2)
			.as("the depth limit is even, so a two-wrapper cycle ends where it began")
			.isZero();
		assertThatNoException().isThrownBy(() -> Failures.unwrap(a));
		assertThat(Failures.unwrap(a)).isSameAs(a);
		assertThat(Failures.unwrap(b)).isSameAs(b);
	}

	@Test
	void aWrapperThatIsItsOwnCauseDoesNotLoop() {
		SelfCausedCompletionException self = new SelfCausedCompletionException();
		assertThat(Failures.unwrap(self)).isSameAs(self);
	}

	@Test
	void takesOffAtMostTheDepthLimit() {
		IOException cause = new IOException("deep");
		Throwable[] wrappers = new Throwable[Failures.MAX_UNWRAP_DEPTH + 4];
		Throwable current = cause;
		for (int i = wrappers.length - 1; i >= 0; i--) {
			current = (i % 2 == 0) ? new CompletionException(current) : new ExecutionException(current);
			wrappers[i] = current;
		}
		assertThat(Failures.unwrap(wrappers[0])).as("%d wrappers deep", wrappers.length)
			.isSameAs(wrappers[Failures.MAX_UNWRAP_DEPTH]);
		assertThat(Failures.unwrap(wrappers[4])).as("exactly at the limit").isSameAs(cause);
	}

	@Test
	void isWrapperNamesExactlyTheTwoWrappersAndTheirSubclasses() {
		assertThat(Failures.isWrapper(new CompletionException(null))).isTrue();
		assertThat(Failures.isWrapper(new ExecutionException(null))).isTrue();
		assertThat(Failures.isWrapper(new CustomCompletionException("x"))).isTrue();
		assertThat(Failures.isWrapper(new RuntimeException(new IOException()))).isFalse();
		assertThat(Failures.isWrapper(null)).isFalse();
	}

	@Test
	void rethrowIfFatalRethrowsVirtualMachineErrors() {
		OutOfMemoryError oom = new OutOfMemoryError("simulated");
		assertThatExceptionOfType(OutOfMemoryError.class).isThrownBy(() -> Failures.rethrowIfFatal(oom)).isSameAs(oom);
		StackOverflowError soe = new StackOverflowError();
		assertThatExceptionOfType(StackOverflowError.class).isThrownBy(() -> Failures.rethrowIfFatal(soe))
			.isSameAs(soe);
	}

	@Test
	void rethrowIfFatalLeavesOtherFailuresAndErrorsAlone() {
		assertThatNoException().isThrownBy(() -> Failures.rethrowIfFatal(new AssertionError("not the JVM")));
		assertThatNoException().isThrownBy(() -> Failures.rethrowIfFatal(new IOException()));
		assertThatNoException().isThrownBy(() -> Failures.rethrowIfFatal(null));
	}

	/**
	 * A library's own wrapper type; its message-only constructor leaves the cause
	 * settable.
	 */
	static final class CustomCompletionException extends CompletionException {

		CustomCompletionException(String message) {
			super(message);
		}

		CustomCompletionException(Throwable cause) {
			super(cause);
		}

	}

	/**
	 * A wrapper whose {@code getCause()} returns itself, which {@code initCause} would
	 * refuse.
	 */
	static final class SelfCausedCompletionException extends CompletionException {

		@Override
		public synchronized Throwable getCause() {
			return this;
		}

	}

}
