package dev.resilience.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Answers with another method of the same class when the protected call finally fails:
 * after every retry, when the breaker is open, when the bulkhead is full or the retry
 * budget is spent.
 * <p>
 * The fallback method takes the same parameter types as the protected method, optionally
 * followed by one trailing parameter of a {@link Throwable} type, and returns a type
 * assignable to the protected method's. Among overloads, the one whose trailing exception
 * type is the closest supertype of the failure wins; one without a trailing parameter
 * matches any failure. It may have any visibility and may be static. A missing or
 * incompatible fallback fails startup.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
@Documented
public @interface Fallback {

	/** Name of the fallback method in the same class. */
	String method();

	/** Failures that trigger the fallback; by default every failure. */
	Class<? extends Throwable>[] applyOn() default { Throwable.class };

	/**
	 * Failures that never trigger the fallback and propagate as they are; wins over
	 * {@link #applyOn()}.
	 */
	Class<? extends Throwable>[] skipOn() default {};

}
