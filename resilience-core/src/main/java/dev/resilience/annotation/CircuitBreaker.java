package dev.resilience.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Protects the method with the circuit breaker of the given name: while it is open, calls
 * fail fast with {@link dev.resilience.circuitbreaker.CallNotPermittedException} and
 * never reach the method.
 * <p>
 * On a type, applies to every public method of it. Methods that share a name share one
 * instance. Only calls through the Spring proxy are protected: a bean calling its own
 * method directly ({@code this.method()}) bypasses it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
@Documented
public @interface CircuitBreaker {

	/**
	 * Instance name: selects {@code resilience.circuit-breaker.instances.<name>}, falling
	 * back to {@code resilience.circuit-breaker.defaults}. A literal or a {@code ${...}}
	 * placeholder resolved once at startup.
	 */
	String name();

}
