package dev.resilience.benchmarks;

import java.util.concurrent.CompletableFuture;

import org.springframework.retry.annotation.Backoff;
import org.springframework.retry.annotation.Retryable;
import reactor.core.publisher.Mono;

/**
 * The benchmark beans: each protects the same trivial method, {@code int work(int x)},
 * with one library's annotations. Classes without interfaces, so every proxy is a CGLIB
 * subclass.
 */
final class Beans {

	private Beans() {
	}

	/** Not proxied: the cost of the call itself. */
	public static class Plain {

		public int work(int x) {
			return x + 1;
		}

	}

	/** Proxied by one advisor whose interceptor only proceeds: the floor of any proxy. */
	@FloorConfiguration.Noop
	public static class Floor {

		public int work(int x) {
			return x + 1;
		}

		/**
		 * The floor of a {@code Mono} method: the proxy, the {@code Mono}, its
		 * subscription.
		 */
		public Mono<Integer> workMono(int x) {
			return Mono.just(x + 1);
		}

	}

	public static class OursCircuitBreaker {

		@dev.resilience.annotation.CircuitBreaker(name = Contexts.NAME)
		public int work(int x) {
			return x + 1;
		}

	}

	public static class OursRetry {

		@dev.resilience.annotation.Retry(name = Contexts.NAME)
		public int work(int x) {
			return x + 1;
		}

	}

	public static class OursBulkhead {

		@dev.resilience.annotation.Bulkhead(name = Contexts.NAME)
		public int work(int x) {
			return x + 1;
		}

	}

	public static class OursFallback {

		@dev.resilience.annotation.Fallback(method = "fallback")
		public int work(int x) {
			return x + 1;
		}

		int fallback(int x) {
			return -1;
		}

	}

	public static class OursStack {

		@dev.resilience.annotation.CircuitBreaker(name = Contexts.NAME)
		@dev.resilience.annotation.Retry(name = Contexts.NAME)
		@dev.resilience.annotation.Bulkhead(name = Contexts.NAME)
		@dev.resilience.annotation.Fallback(method = "fallback")
		public int work(int x) {
			return x + 1;
		}

		int fallback(int x) {
			return -1;
		}

	}

	/**
	 * An idempotent call keyed by a request id, as a payment or order endpoint would be.
	 */
	public static class OursIdempotent {

		@dev.resilience.annotation.Idempotent(key = "#requestId")
		public int work(String requestId, int x) {
			return x + 1;
		}

	}

	/** Runs on the caller's thread; a deadline is armed and disarmed around the call. */
	public static class OursTimeout {

		@dev.resilience.annotation.Timeout(name = Contexts.NAME)
		public int work(int x) {
			return x + 1;
		}

	}

	public static class OursRateLimiter {

		@dev.resilience.annotation.RateLimiter(name = Contexts.NAME)
		public int work(int x) {
			return x + 1;
		}

	}

	/**
	 * Lazy: the breaker and the retry act when the returned {@code Mono} is subscribed.
	 */
	public static class OursMono {

		@dev.resilience.annotation.CircuitBreaker(name = Contexts.NAME)
		@dev.resilience.annotation.Retry(name = Contexts.NAME)
		public Mono<Integer> work(int x) {
			return Mono.just(x + 1);
		}

	}

	public static class R4jCircuitBreaker {

		@io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker(name = Contexts.NAME)
		public int work(int x) {
			return x + 1;
		}

	}

	public static class R4jRetry {

		@io.github.resilience4j.retry.annotation.Retry(name = Contexts.NAME)
		public int work(int x) {
			return x + 1;
		}

	}

	public static class R4jBulkhead {

		@io.github.resilience4j.bulkhead.annotation.Bulkhead(name = Contexts.NAME)
		public int work(int x) {
			return x + 1;
		}

	}

	public static class R4jStack {

		@io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker(name = Contexts.NAME)
		@io.github.resilience4j.retry.annotation.Retry(name = Contexts.NAME)
		@io.github.resilience4j.bulkhead.annotation.Bulkhead(name = Contexts.NAME)
		public int work(int x) {
			return x + 1;
		}

	}

	/**
	 * resilience4j's {@code @TimeLimiter} needs a {@code CompletionStage} method: a
	 * synchronous method's work moves to another thread (here the common pool, as
	 * {@code supplyAsync} does by default) so that the caller can stop waiting for it.
	 * This is the method a user turns {@code int work(int x)} into.
	 */
	public static class R4jTimeLimiter {

		@io.github.resilience4j.timelimiter.annotation.TimeLimiter(name = Contexts.NAME)
		public CompletableFuture<Integer> work(int x) {
			return CompletableFuture.supplyAsync(() -> x + 1);
		}

	}

	/**
	 * resilience4j's {@code @TimeLimiter} around a future that is already complete: the
	 * cost of its aspect alone, a lower bound that times nothing out (the work is done
	 * before the time limiter sees the future).
	 */
	public static class R4jTimeLimiterCompleted {

		@io.github.resilience4j.timelimiter.annotation.TimeLimiter(name = Contexts.NAME)
		public CompletableFuture<Integer> work(int x) {
			return CompletableFuture.completedFuture(x + 1);
		}

	}

	public static class R4jRateLimiter {

		@io.github.resilience4j.ratelimiter.annotation.RateLimiter(name = Contexts.NAME)
		public int work(int x) {
			return x + 1;
		}

	}

	/**
	 * With resilience4j-reactor on the classpath, its aspects apply
	 * {@code CircuitBreakerOperator} and {@code RetryOperator} to the returned
	 * {@code Mono} ({@code transformDeferred}).
	 */
	public static class R4jMono {

		@io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker(name = Contexts.NAME)
		@io.github.resilience4j.retry.annotation.Retry(name = Contexts.NAME)
		public Mono<Integer> work(int x) {
			return Mono.just(x + 1);
		}

	}

	public static class SpringRetry {

		@Retryable(maxAttempts = 3, backoff = @Backoff(delay = 200, multiplier = 2))
		public int work(int x) {
			return x + 1;
		}

	}

}
