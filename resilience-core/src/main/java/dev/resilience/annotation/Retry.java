package dev.resilience.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Retries the method when it throws (or when {@link #retryOnResult()} rejects what it
 * returned), by the policy of the given name: attempts, backoff, jitter and the retry
 * budget. Waits never block a thread for {@code CompletionStage} methods.
 * <p>
 * On a type, applies to every public method of it. Methods that share a name share one
 * instance. Only calls through the Spring proxy are protected: a bean calling its own
 * method directly ({@code this.method()}) bypasses it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
@Documented
public @interface Retry {

	/**
	 * Instance name: selects {@code resilience.retry.instances.<name>}, falling back to
	 * {@code resilience.retry.defaults}. A literal or a {@code ${...}} placeholder
	 * resolved once at startup.
	 */
	String name();

	/**
	 * A SpEL expression over {@code #result} (the method's value; for a
	 * {@code CompletionStage} or a {@code Mono} the value it completes with, {@code null}
	 * for an empty {@code Mono}) and the parameters (by name, or {@code #p0},
	 * {@code #a0}...): a result for which it is {@code true} is retried as a failure
	 * would be, and once no retry is left that last result is returned (the call counts
	 * as {@code failed_with_retry}). Empty (the default) retries no result. Parsed and
	 * checked at startup; not supported on a {@code Flux}. A value other than a boolean
	 * fails the call with an {@link IllegalStateException}, without a retry.
	 */
	String retryOnResult() default "";

}
