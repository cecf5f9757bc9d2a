package dev.resilience.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Retries the method when it throws, by the policy of the given name: attempts, backoff,
 * jitter and the retry budget. Waits never block a thread for {@code CompletionStage}
 * methods.
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

}
