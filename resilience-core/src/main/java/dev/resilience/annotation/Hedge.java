package dev.resilience.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Hedges each call of the method with the hedge of the given name: when the first attempt
 * has not succeeded after the hedge's delay, another attempt is started beside it (up to
 * {@code max-hedged-attempts}, within the hedge budget); the first success is the call's
 * result and the other attempts are cancelled; when every attempt fails, the last failure
 * is the call's. Each attempt passes through the method's breaker, rate limiter, timeout
 * and bulkhead; a retry, outside, retries the hedged call as a whole.
 * <p>
 * Only on methods returning {@code CompletionStage}, {@code CompletableFuture} or
 * {@code Mono} (and Kotlin suspend functions, which run as a {@code Mono}): a synchronous
 * method or a {@code Flux} fails startup. The method must be safe to run more than once
 * at the same time.
 * <p>
 * On a type, applies to every public method of it. Methods that share a name share one
 * instance (one budget, one learned delay). Only calls through the Spring proxy are
 * protected: a bean calling its own method directly ({@code this.method()}) bypasses it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
@Documented
public @interface Hedge {

	/**
	 * Instance name: selects {@code resilience.hedge.instances.<name>}, falling back to
	 * {@code resilience.hedge.defaults}. A literal or a {@code ${...}} placeholder
	 * resolved once at startup.
	 */
	String name();

}
