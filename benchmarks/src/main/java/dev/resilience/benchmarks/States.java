package dev.resilience.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Mono;

import dev.resilience.ResilienceRegistry;
import dev.resilience.circuitbreaker.CircuitBreaker;

/**
 * One Spring context per library, started once per trial (each benchmark runs in its own
 * forked JVM, so a benchmark starts only the context it calls into).
 */
public final class States {

	private States() {
	}

	/** Varies the argument so that the JIT cannot fold the call away. */
	@State(Scope.Thread)
	public static class Argument {

		public int x = 42;

	}

	abstract static class ContextState {

		ConfigurableApplicationContext context;

		abstract Class<?> configuration();

		/** Settings beyond {@link Contexts#settings()}. */
		Map<String, Object> moreSettings() {
			return Map.of();
		}

		@Setup(Level.Trial)
		public void start() {
			this.context = Contexts.start(configuration(), moreSettings());
			lookUp();
			check();
		}

		abstract void lookUp();

		/**
		 * Calls each bean once, so that a misconfigured context fails before it is
		 * measured.
		 */
		abstract void check();

		@TearDown(Level.Trial)
		public void stop() {
			this.context.close();
		}

		<T> T bean(Class<T> type) {
			return this.context.getBean(type);
		}

		static void expect(int actual) {
			if (actual != 2) {
				throw new IllegalStateException("work(1) answered " + actual + " instead of 2");
			}
		}

		static void expect(Integer actual) {
			if (actual == null) {
				throw new IllegalStateException("work(1) completed empty instead of with 2");
			}
			expect(actual.intValue());
		}

		static void expectProxy(Object bean) {
			if (!org.springframework.aop.support.AopUtils.isAopProxy(bean)) {
				throw new IllegalStateException(bean.getClass().getName() + " is not proxied");
			}
		}

	}

	@State(Scope.Benchmark)
	public static class Floor extends ContextState {

		Beans.Plain plain;

		Beans.Floor floor;

		@Override
		Class<?> configuration() {
			return FloorConfiguration.class;
		}

		@Override
		void lookUp() {
			this.plain = bean(Beans.Plain.class);
			this.floor = bean(Beans.Floor.class);
		}

		@Override
		void check() {
			expectProxy(this.floor);
			expect(this.plain.work(1));
			expect(this.floor.work(1));
			expect(this.floor.workMono(1).block());
		}

	}

	@State(Scope.Benchmark)
	public static class Ours extends ContextState {

		Beans.OursCircuitBreaker circuitBreaker;

		Beans.OursRetry retry;

		Beans.OursBulkhead bulkhead;

		Beans.OursFallback fallback;

		Beans.OursStack stack;

		Beans.OursIdempotent idempotent;

		@Override
		Class<?> configuration() {
			return OursConfiguration.class;
		}

		@Override
		void lookUp() {
			this.circuitBreaker = bean(Beans.OursCircuitBreaker.class);
			this.retry = bean(Beans.OursRetry.class);
			this.bulkhead = bean(Beans.OursBulkhead.class);
			this.fallback = bean(Beans.OursFallback.class);
			this.stack = bean(Beans.OursStack.class);
			this.idempotent = bean(Beans.OursIdempotent.class);
		}

		@Override
		void check() {
			for (Object bean : new Object[] { this.circuitBreaker, this.retry, this.bulkhead, this.fallback, this.stack,
					this.idempotent }) {
				expectProxy(bean);
			}
			expect(this.circuitBreaker.work(1));
			expect(this.retry.work(1));
			expect(this.bulkhead.work(1));
			expect(this.fallback.work(1));
			expect(this.stack.work(1));
			// Completes the key the replay benchmark replays from then on.
			expect(this.idempotent.work(IdempotencyBenchmarks.KEY, 1));
		}

	}

	/**
	 * Our {@code @Timeout} and {@code @RateLimiter}, in a context that also has their
	 * settings ({@link Contexts#timeLimitSettings()}).
	 */
	@State(Scope.Benchmark)
	public static class OursTimeLimits extends ContextState {

		Beans.OursTimeout timeout;

		Beans.OursRateLimiter rateLimiter;

		@Override
		Class<?> configuration() {
			return OursConfiguration.class;
		}

		@Override
		Map<String, Object> moreSettings() {
			return Contexts.timeLimitSettings();
		}

		@Override
		void lookUp() {
			this.timeout = bean(Beans.OursTimeout.class);
			this.rateLimiter = bean(Beans.OursRateLimiter.class);
		}

		@Override
		void check() {
			expectProxy(this.timeout);
			expectProxy(this.rateLimiter);
			expect(this.timeout.work(1));
			expect(this.rateLimiter.work(1));
			ResilienceRegistry registry = bean(ResilienceRegistry.class);
			var timeout = registry.getTimeouts()
				.stream()
				.filter((candidate) -> candidate.getName().equals(Contexts.NAME))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("@Timeout created no timeout named " + Contexts.NAME));
			var rateLimiter = registry.getRateLimiters()
				.stream()
				.filter((candidate) -> candidate.getName().equals(Contexts.NAME))
				.findFirst()
				.orElseThrow(
						() -> new IllegalStateException("@RateLimiter created no rate limiter named " + Contexts.NAME));
			if (!timeout.getConfig().getDuration().equals(Duration.ofSeconds(1)) || !timeout.getConfig().isInterrupt()
					|| rateLimiter.getConfig().getLimitForPeriod() != Contexts.RATE_LIMIT
					|| !rateLimiter.getConfig().getLimitRefreshPeriod().equals(Duration.ofSeconds(1))) {
				throw new IllegalStateException("our timeout and rate limiter did not take the benchmark settings");
			}
		}

	}

	/** Our breaker and retry on a {@code Mono} method. */
	@State(Scope.Benchmark)
	public static class OursMono extends ContextState {

		Beans.OursMono mono;

		@Override
		Class<?> configuration() {
			return OursMonoConfiguration.class;
		}

		@Override
		void lookUp() {
			this.mono = bean(Beans.OursMono.class);
		}

		@Override
		void check() {
			expectProxy(this.mono);
			CircuitBreaker breaker = bean(ResilienceRegistry.class).circuitBreaker(Contexts.NAME);
			expectLazyAndRecorded(breaker.getMetrics()::getNumberOfSuccessfulCalls, () -> this.mono.work(1));
		}

	}

	@State(Scope.Benchmark)
	public static class Resilience4j extends ContextState {

		Beans.R4jCircuitBreaker circuitBreaker;

		Beans.R4jRetry retry;

		Beans.R4jBulkhead bulkhead;

		Beans.R4jStack stack;

		@Override
		Class<?> configuration() {
			return R4jConfiguration.class;
		}

		@Override
		void lookUp() {
			this.circuitBreaker = bean(Beans.R4jCircuitBreaker.class);
			this.retry = bean(Beans.R4jRetry.class);
			this.bulkhead = bean(Beans.R4jBulkhead.class);
			this.stack = bean(Beans.R4jStack.class);
		}

		@Override
		void check() {
			for (Object bean : new Object[] { this.circuitBreaker, this.retry, this.bulkhead, this.stack }) {
				expectProxy(bean);
			}
			expect(this.circuitBreaker.work(1));
			expect(this.retry.work(1));
			expect(this.bulkhead.work(1));
			expect(this.stack.work(1));
			checkSettings(this.context);
		}

		/**
		 * The settings reached resilience4j's instances (a typo in a key would silently
		 * use defaults).
		 */
		static void checkSettings(ConfigurableApplicationContext context) {
			var breakers = context.getBean(io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.class);
			var breaker = breakers.circuitBreaker(Contexts.NAME).getCircuitBreakerConfig();
			var retries = context.getBean(io.github.resilience4j.retry.RetryRegistry.class);
			var bulkheads = context.getBean(io.github.resilience4j.bulkhead.BulkheadRegistry.class);
			if (breaker.getSlidingWindowSize() != 100 || breaker.getMinimumNumberOfCalls() != 20
					|| breaker.getFailureRateThreshold() != 50f
					|| breaker.getPermittedNumberOfCallsInHalfOpenState() != 10
					|| retries.retry(Contexts.NAME).getRetryConfig().getMaxAttempts() != 3
					|| bulkheads.bulkhead(Contexts.NAME).getBulkheadConfig().getMaxConcurrentCalls() != 25) {
				throw new IllegalStateException("resilience4j instances did not take the benchmark settings");
			}
		}

	}

	/**
	 * resilience4j's {@code @TimeLimiter} (on both a {@code supplyAsync} method and an
	 * already-completed future) and {@code @RateLimiter}, in a context that also has
	 * their settings ({@link Contexts#timeLimitSettings()}).
	 */
	@State(Scope.Benchmark)
	public static class Resilience4jTimeLimits extends ContextState {

		Beans.R4jTimeLimiter timeLimiter;

		Beans.R4jTimeLimiterCompleted timeLimiterCompleted;

		Beans.R4jRateLimiter rateLimiter;

		@Override
		Class<?> configuration() {
			return R4jConfiguration.class;
		}

		@Override
		Map<String, Object> moreSettings() {
			return Contexts.timeLimitSettings();
		}

		@Override
		void lookUp() {
			this.timeLimiter = bean(Beans.R4jTimeLimiter.class);
			this.timeLimiterCompleted = bean(Beans.R4jTimeLimiterCompleted.class);
			this.rateLimiter = bean(Beans.R4jRateLimiter.class);
		}

		@Override
		void check() {
			for (Object bean : new Object[] { this.timeLimiter, this.timeLimiterCompleted, this.rateLimiter }) {
				expectProxy(bean);
			}
			expect(this.timeLimiter.work(1).join());
			expect(this.timeLimiterCompleted.work(1).join());
			expect(this.rateLimiter.work(1));
			var timeLimiters = bean(io.github.resilience4j.timelimiter.TimeLimiterRegistry.class);
			var timeLimiter = timeLimiters.timeLimiter(Contexts.NAME).getTimeLimiterConfig();
			var rateLimiters = bean(io.github.resilience4j.ratelimiter.RateLimiterRegistry.class);
			var rateLimiter = rateLimiters.rateLimiter(Contexts.NAME).getRateLimiterConfig();
			if (!timeLimiter.getTimeoutDuration().equals(Duration.ofSeconds(1))
					|| !timeLimiter.shouldCancelRunningFuture()
					|| rateLimiter.getLimitForPeriod() != Contexts.RATE_LIMIT
					|| !rateLimiter.getLimitRefreshPeriod().equals(Duration.ofSeconds(1))
					|| !rateLimiter.getTimeoutDuration().isZero()) {
				throw new IllegalStateException(
						"resilience4j's time and rate limiters did not take the benchmark settings");
			}
		}

	}

	/**
	 * resilience4j's breaker and retry on a {@code Mono} method, applied by its aspects
	 * as Reactor operators.
	 */
	@State(Scope.Benchmark)
	public static class Resilience4jMono extends ContextState {

		Beans.R4jMono mono;

		@Override
		Class<?> configuration() {
			return R4jConfiguration.class;
		}

		@Override
		void lookUp() {
			this.mono = bean(Beans.R4jMono.class);
		}

		@Override
		void check() {
			expectProxy(this.mono);
			var breaker = bean(io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.class)
				.circuitBreaker(Contexts.NAME);
			expectLazyAndRecorded(breaker.getMetrics()::getNumberOfSuccessfulCalls, () -> this.mono.work(1));
		}

	}

	/**
	 * The breaker records nothing when the {@code Mono} is made, and one successful call
	 * when it is subscribed: the annotations act on the subscription, not on the method's
	 * return (a {@code Mono} merely returned through a synchronous pipeline would be
	 * recorded at once and never again).
	 */
	static void expectLazyAndRecorded(IntSupplier successfulCalls, Supplier<Mono<Integer>> call) {
		int before = successfulCalls.getAsInt();
		Mono<Integer> mono = call.get();
		if (successfulCalls.getAsInt() != before) {
			throw new IllegalStateException("the breaker recorded a call before the Mono was subscribed");
		}
		ContextState.expect(mono.block());
		ContextState.expect(mono.block());
		if (successfulCalls.getAsInt() != before + 2) {
			throw new IllegalStateException("two subscriptions recorded " + (successfulCalls.getAsInt() - before)
					+ " successful calls instead of 2");
		}
	}

	@State(Scope.Benchmark)
	public static class SpringRetry extends ContextState {

		Beans.SpringRetry retry;

		@Override
		Class<?> configuration() {
			return SpringRetryConfiguration.class;
		}

		@Override
		void lookUp() {
			this.retry = bean(Beans.SpringRetry.class);
		}

		@Override
		void check() {
			expectProxy(this.retry);
			expect(this.retry.work(1));
		}

	}

}
