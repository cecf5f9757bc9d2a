package dev.resilience.benchmarks;

import org.springframework.retry.annotation.Backoff;
import org.springframework.retry.annotation.Retryable;

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

	public static class SpringRetry {

		@Retryable(maxAttempts = 3, backoff = @Backoff(delay = 200, multiplier = 2))
		public int work(int x) {
			return x + 1;
		}

	}

}
