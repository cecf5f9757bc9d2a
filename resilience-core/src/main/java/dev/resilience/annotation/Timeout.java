package dev.resilience.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Bounds how long each call of the method may take, by the timeout of the given name. A
 * synchronous method runs on the caller's thread, which is interrupted at the deadline
 * (unless {@code interrupt} is false); the call then fails with
 * {@link dev.resilience.timeout.TimeoutExceededException}. A {@code CompletionStage}
 * result fails with it at the deadline. With {@code @Retry}, each attempt has its own
 * deadline; with {@code @CircuitBreaker}, a timeout is a failure.
 * <p>
 * On a type, applies to every public method of it. Methods that share a name share one
 * instance. Only calls through the Spring proxy are protected: a bean calling its own
 * method directly ({@code this.method()}) bypasses it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
@Documented
public @interface Timeout {

	/**
	 * Instance name: selects {@code resilience.timeout.instances.<name>}, falling back to
	 * {@code resilience.timeout.defaults}. A literal or a {@code ${...}} placeholder
	 * resolved once at startup.
	 */
	String name();

}
