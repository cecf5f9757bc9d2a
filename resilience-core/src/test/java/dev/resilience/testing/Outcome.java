package dev.resilience.testing;

/**
 * What a call run by an {@link ExecutionMode} gave its caller: a value, or the failure as
 * the caller sees it (thrown by a synchronous call; for a stage, what {@code join()}
 * reports under its {@code CompletionException}), and how many attempts the
 * {@link Script} ran.
 *
 * @param value the value, {@code null} when the call failed
 * @param failure the failure, {@code null} when the call succeeded
 * @param invocations the attempts the script ran
 */
public record Outcome(Object value, Throwable failure, int invocations) {

	static Outcome success(Object value, Script script) {
		return new Outcome(value, null, script.invocations());
	}

	static Outcome failure(Throwable failure, Script script) {
		return new Outcome(null, failure, script.invocations());
	}

}
