package dev.resilience.spring.testsupport;

import java.util.concurrent.CompletionStage;

import dev.resilience.CheckedFunction;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.ratelimiter.RateLimiterConfig;
import dev.resilience.ratelimiter.RateLimiterListener;
import dev.resilience.timeout.Timeout;
import dev.resilience.timeout.TimeoutConfig;
import dev.resilience.timeout.TimeoutListener;
import dev.resilience.timeout.TimeoutOutcome;

/**
 * Rate limiters and timeouts with fixed counters, for tests of what the Spring layer
 * reads from them (endpoint, health) without running calls through the engine. Calling
 * through one fails the test.
 */
public final class StubPolicies {

	private StubPolicies() {
	}

	/**
	 * A rate limiter reporting the given counters.
	 */
	public static RateLimiter rateLimiter(String name, RateLimiterConfig config, int availablePermissions,
			long permitted, long rejected) {
		return new StubRateLimiter(name, config, new RateLimiter.Metrics() {

			@Override
			public int getAvailablePermissions() {
				return availablePermissions;
			}

			@Override
			public long getNumberOfPermittedCalls() {
				return permitted;
			}

			@Override
			public long getNumberOfRejectedCalls() {
				return rejected;
			}

		});
	}

	/**
	 * A timeout reporting the given counters.
	 */
	public static Timeout timeout(String name, TimeoutConfig config, long successful, long failed, long timedOut) {
		return new StubTimeout(name, config, new Timeout.Metrics() {

			@Override
			public long getNumberOfSuccessfulCalls() {
				return successful;
			}

			@Override
			public long getNumberOfFailedCalls() {
				return failed;
			}

			@Override
			public long getNumberOfTimedOutCalls() {
				return timedOut;
			}

		});
	}

	private record StubRateLimiter(String name, RateLimiterConfig config,
			RateLimiter.Metrics metrics) implements RateLimiter {

		@Override
		public String getName() {
			return this.name;
		}

		@Override
		public RateLimiterConfig getConfig() {
			return this.config;
		}

		@Override
		public Metrics getMetrics() {
			return this.metrics;
		}

		@Override
		public boolean tryAcquirePermission() {
			throw new AssertionError("a stub takes no permits");
		}

		@Override
		public void acquirePermission() {
			throw new AssertionError("a stub takes no permits");
		}

		@Override
		public void addListener(RateLimiterListener listener) {
		}

		@Override
		public void removeListener(RateLimiterListener listener) {
		}

		@Override
		public <A, T> T execute(CheckedFunction<? super A, ? extends T> call, A argument) {
			throw new AssertionError("a stub runs no calls");
		}

		@Override
		public <A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call,
				A argument) {
			throw new AssertionError("a stub runs no calls");
		}

	}

	private record StubTimeout(String name, TimeoutConfig config, Timeout.Metrics metrics) implements Timeout {

		@Override
		public String getName() {
			return this.name;
		}

		@Override
		public TimeoutConfig getConfig() {
			return this.config;
		}

		@Override
		public Metrics getMetrics() {
			return this.metrics;
		}

		@Override
		public void record(TimeoutOutcome outcome, long durationNanos) {
			throw new AssertionError("a stub runs no calls");
		}

		@Override
		public void addListener(TimeoutListener listener) {
		}

		@Override
		public void removeListener(TimeoutListener listener) {
		}

		@Override
		public <A, T> T execute(CheckedFunction<? super A, ? extends T> call, A argument) {
			throw new AssertionError("a stub runs no calls");
		}

		@Override
		public <A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call,
				A argument) {
			throw new AssertionError("a stub runs no calls");
		}

	}

}
