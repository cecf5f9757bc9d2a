package dev.resilience.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import dev.resilience.Invocation;
import dev.resilience.Pipeline;
import dev.resilience.chaos.Chaos;
import dev.resilience.chaos.ChaosConfig;
import dev.resilience.chaos.ChaosRegistry;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;

/**
 * What {@code resilience.chaos.enabled=true} costs a call whose instance name has no
 * faults: the {@code @CircuitBreaker} method with chaos enabled next to the same method
 * in {@link CallBenchmarks#oursCircuitBreaker} (chaos off, no stage at all), and the same
 * pair on the engine's {@link Pipeline} without Spring. Run with {@code -prof gc}: the
 * chaos stage must allocate nothing when it injects nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class ChaosBenchmarks {

	@Benchmark
	public int oursCircuitBreakerChaosEnabledNoFaults(OursChaos context, States.Argument argument) {
		return context.circuitBreaker.work(argument.x);
	}

	@Benchmark
	public Object pipelineCircuitBreaker(Engine engine) throws Throwable {
		return engine.breakerOnly.execute(engine.invocation);
	}

	@Benchmark
	public Object pipelineCircuitBreakerChaosNoFaults(Engine engine) throws Throwable {
		return engine.breakerAndChaos.execute(engine.invocation);
	}

	/** The starter with chaos enabled and no faults configured. */
	@State(Scope.Benchmark)
	public static class OursChaos extends States.ContextState {

		Beans.OursCircuitBreaker circuitBreaker;

		@Override
		Class<?> configuration() {
			return OursConfiguration.class;
		}

		@Override
		Map<String, Object> moreSettings() {
			return Map.of("resilience.chaos.enabled", "true");
		}

		@Override
		void lookUp() {
			this.circuitBreaker = bean(Beans.OursCircuitBreaker.class);
		}

		@Override
		void check() {
			expectProxy(this.circuitBreaker);
			expect(this.circuitBreaker.work(1));
			Chaos chaos = bean(ChaosRegistry.class).find(Contexts.NAME)
				.orElseThrow(() -> new IllegalStateException("no chaos stage was built for " + Contexts.NAME));
			if (chaos.getConfig().isActive()) {
				throw new IllegalStateException("chaos '" + Contexts.NAME + "' injects faults: " + chaos.getConfig());
			}
		}

	}

	/** Two engine pipelines over one breaker, with and without a chaos stage. */
	@State(Scope.Benchmark)
	public static class Engine {

		Pipeline breakerOnly;

		Pipeline breakerAndChaos;

		Invocation invocation;

		@Setup(Level.Trial)
		public void start() {
			CircuitBreaker breaker = CircuitBreaker.of(Contexts.NAME, CircuitBreakerConfig.ofDefaults());
			this.breakerOnly = Pipeline.builder().circuitBreaker(breaker).build();
			this.breakerAndChaos = Pipeline.builder()
				.circuitBreaker(breaker)
				.chaos(Chaos.of(Contexts.NAME, ChaosConfig.none()))
				.build();
			Integer result = 2;
			this.invocation = new Invocation() {

				@Override
				public Object proceed() {
					return result;
				}

				@Override
				public Object[] getArguments() {
					return new Object[0];
				}

				@Override
				public Object getTarget() {
					return null;
				}

			};
		}

	}

}
