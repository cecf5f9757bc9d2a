package dev.resilience.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

/**
 * {@code @Retry(retryOnResult = ...)} on the success path: the expression is evaluated
 * once per call over the result and the arguments, and accepts it, so no retry is made.
 * Compare with {@code CallBenchmarks.oursRetry} (the same retry without an expression)
 * for the cost of the evaluation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class RetryOnResultBenchmarks {

	@Benchmark
	public int oursRetryOnResultAccepted(Ours context, States.Argument argument) {
		return context.retry.work(argument.x);
	}

	/** A context with the one bean whose retry judges its result. */
	@State(Scope.Benchmark)
	public static class Ours extends States.ContextState {

		Judged retry;

		@Override
		Class<?> configuration() {
			return JudgedConfiguration.class;
		}

		@Override
		void lookUp() {
			this.retry = bean(Judged.class);
		}

		@Override
		void check() {
			expectProxy(this.retry);
			expect(this.retry.work(1));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ AopAutoConfiguration.class, ResilienceAutoConfiguration.class })
	static class JudgedConfiguration {

		@Bean
		Judged judged() {
			return new Judged();
		}

	}

	public static class Judged {

		@dev.resilience.annotation.Retry(name = Contexts.NAME, retryOnResult = "#result <= #x")
		public int work(int x) {
			return x + 1;
		}

	}

}
