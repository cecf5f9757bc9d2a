package dev.resilience.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits how many calls run the method at once, by the bulkhead of the given name. A call
 * over the limit waits at most the configured time, then fails with
 * {@link dev.resilience.bulkhead.BulkheadFullException}.
 * <p>
 * On a type, applies to every public method of it. Methods that share a name share one
 * instance. Only calls through the Spring proxy are protected: a bean calling its own
 * method directly ({@code this.method()}) bypasses it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
@Documented
public @interface Bulkhead {

	/**
	 * Instance name: selects {@code resilience.bulkhead.instances.<name>}, falling back
	 * to {@code resilience.bulkhead.defaults}. A literal or a {@code ${...}} placeholder
	 * resolved once at startup.
	 */
	String name();

}
