package dev.resilience.benchmarks;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
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

import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Hedge;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

/**
 * What {@code @Hedge} costs a call when no hedge fires: a {@code CompletableFuture}
 * method whose future is complete when it returns, so the first attempt wins before any
 * timer is armed. The same method with and without {@code @Hedge}, both under
 * {@code @CircuitBreaker} (so both go through the proxy and a pipeline); the difference
 * is the hedge: its call object, its result future, one budget deposit. Average time per
 * call, one thread; run with {@code -prof gc} for bytes per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class HedgeBenchmarks {

	@Benchmark
	public Integer withoutHedge(Hedged context, States.Argument argument) {
		return context.plain.work(argument.x).join();
	}

	@Benchmark
	public Integer withHedge(Hedged context, States.Argument argument) {
		return context.hedged.work(argument.x).join();
	}

	@State(Scope.Benchmark)
	public static class Hedged extends States.ContextState {

		Plain plain;

		HedgedBean hedged;

		@Override
		Class<?> configuration() {
			return HedgeConfiguration.class;
		}

		@Override
		Map<String, Object> moreSettings() {
			return Map.of("resilience.hedge.instances." + Contexts.NAME + ".delay", "100ms");
		}

		@Override
		void lookUp() {
			this.plain = bean(Plain.class);
			this.hedged = bean(HedgedBean.class);
		}

		@Override
		void check() {
			expectProxy(this.plain);
			expectProxy(this.hedged);
			expect(this.plain.work(1).join());
			expect(this.hedged.work(1).join());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ AopAutoConfiguration.class, ResilienceAutoConfiguration.class })
	static class HedgeConfiguration {

		@Bean
		Plain hedgeBenchmarkPlain() {
			return new Plain();
		}

		@Bean
		HedgedBean hedgeBenchmarkHedged() {
			return new HedgedBean();
		}

	}

	public static class Plain {

		@CircuitBreaker(name = Contexts.NAME)
		public CompletableFuture<Integer> work(int x) {
			return CompletableFuture.completedFuture(x + 1);
		}

	}

	public static class HedgedBean {

		@Hedge(name = Contexts.NAME)
		@CircuitBreaker(name = Contexts.NAME)
		public CompletableFuture<Integer> work(int x) {
			return CompletableFuture.completedFuture(x + 1);
		}

	}

}
