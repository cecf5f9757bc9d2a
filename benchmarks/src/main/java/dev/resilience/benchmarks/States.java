package dev.resilience.benchmarks;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.context.ConfigurableApplicationContext;

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

		@Setup(Level.Trial)
		public void start() {
			this.context = Contexts.start(configuration());
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
			checkSettings();
		}

		/**
		 * The settings reached resilience4j's instances (a typo in a key would silently
		 * use defaults).
		 */
		private void checkSettings() {
			var breakers = bean(io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.class);
			var breaker = breakers.circuitBreaker(Contexts.NAME).getCircuitBreakerConfig();
			var retries = bean(io.github.resilience4j.retry.RetryRegistry.class);
			var bulkheads = bean(io.github.resilience4j.bulkhead.BulkheadRegistry.class);
			if (breaker.getSlidingWindowSize() != 100 || breaker.getMinimumNumberOfCalls() != 20
					|| breaker.getFailureRateThreshold() != 50f
					|| breaker.getPermittedNumberOfCallsInHalfOpenState() != 10
					|| retries.retry(Contexts.NAME).getRetryConfig().getMaxAttempts() != 3
					|| bulkheads.bulkhead(Contexts.NAME).getBulkheadConfig().getMaxConcurrentCalls() != 25) {
				throw new IllegalStateException("resilience4j instances did not take the benchmark settings");
			}
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
