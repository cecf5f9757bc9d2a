package dev.resilience.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits how many calls of the method start per period, by the rate limiter of the given
 * name. A call beyond the limit waits at most the configured time for a permit, then
 * fails with {@link dev.resilience.ratelimiter.RequestNotPermittedException}, which says
 * when the next permit is free; escaping a Spring MVC or WebFlux controller it becomes a
 * {@code 429} answer with a {@code Retry-After} header. With {@code @Retry}, each attempt
 * takes a permit.
 * <p>
 * On a type, applies to every public method of it. Methods that share a name share one
 * instance. Only calls through the Spring proxy are protected: a bean calling its own
 * method directly ({@code this.method()}) bypasses it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
@Documented
public @interface RateLimiter {

	/**
	 * Instance name: selects {@code resilience.rate-limiter.instances.<name>}, falling
	 * back to {@code resilience.rate-limiter.defaults}. A literal or a {@code ${...}}
	 * placeholder resolved once at startup.
	 */
	String name();

}
