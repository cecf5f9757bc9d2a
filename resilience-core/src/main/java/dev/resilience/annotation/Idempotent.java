package dev.resilience.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the method at most once per idempotency key while the key's record lives: a repeat
 * with the same key and equal arguments gets the stored result without running the method
 * again.
 * <p>
 * A repeat while the first call runs fails with
 * {@link dev.resilience.idempotency.IdempotencyInProgressException} (or waits, as
 * configured); a repeat with different arguments fails with
 * {@link dev.resilience.idempotency.IdempotencyKeyReusedException}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
@Documented
public @interface Idempotent {

	/**
	 * SpEL expression over the method's parameters giving the key, such as
	 * {@code #command.requestId} or {@code #p0}.
	 */
	String key();

	/**
	 * Configuration instance and key namespace; by default
	 * {@code SimpleClassName.method}. Selects
	 * {@code resilience.idempotency.instances.<name>}.
	 */
	String name() default "";

	/**
	 * SpEL expression whose value must be equal on reuse of a key; by default all
	 * arguments.
	 */
	String fingerprint() default "";

}
