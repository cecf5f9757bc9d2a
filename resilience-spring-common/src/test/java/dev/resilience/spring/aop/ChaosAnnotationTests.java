package dev.resilience.spring.aop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Mono;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.chaos.Chaos;
import dev.resilience.chaos.ChaosConfig;
import dev.resilience.chaos.ChaosRegistry;
import dev.resilience.chaos.InjectedFaultException;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceRegistryCustomizer;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;
import dev.resilience.timeout.TimeoutExceededException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Annotated methods get chaos innermost, under every distinct instance name of their
 * annotations, only when chaos is enabled; faults then reach the patterns around as real
 * ones, on the sync, {@code CompletionStage} and {@code Mono} paths. Fake time, except
 * where a real timeout must cut real injected latency.
 */
class ChaosAnnotationTests {

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
		.withBean(ResilienceRegistryCustomizer.class,
				() -> (builder) -> builder.ticker(this.ticker).scheduler(this.scheduler))
		.withPropertyValues("resilience.circuit-breaker.instances.inventory.sliding-window-size=4",
				"resilience.circuit-breaker.instances.inventory.minimum-number-of-calls=4",
				"resilience.retry.instances.inventory-retry.max-attempts=2",
				"resilience.retry.instances.inventory-retry.budget.enabled=false")
		.withBean(Downstream.class);

	private final ApplicationContextRunner enabled = this.runner.withPropertyValues("resilience.chaos.enabled=true");

	@Test
	void disabledChaosAddsNoStageToAnyMethod() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(ChaosRegistry.class);
			assertThat(stages(context, "reserve")).doesNotContain("chaos");
			assertThat(stages(context, "reserveAsync")).doesNotContain("chaos");
			Downstream downstream = context.getBean(Downstream.class);
			assertThat(downstream.reserve()).isEqualTo("reserved");
		});
	}

	@Test
	void enabledChaosAddsOneInnermostStagePerDistinctName() {
		this.enabled.run((context) -> {
			assertThat(stages(context, "reserve"))
				.endsWith("[retry 'inventory-retry', circuit breaker 'inventory', chaos 'inventory-retry',"
						+ " chaos 'inventory']");
			assertThat(stages(context, "reserveAsync")).endsWith("[circuit breaker 'inventory', chaos 'inventory']");
			assertThat(stages(context, "fallbackOnly")).doesNotContain("chaos");
			assertThat(context.getBean(ChaosRegistry.class).find("inventory")).isPresent();
			assertThat(context.getBean(ChaosRegistry.class).find("inventory-retry")).isPresent();
		});
	}

	@Test
	void faultsConfiguredInYamlAreInjectedFromTheFirstCall() {
		this.enabled.withPropertyValues("resilience.chaos.instances.preset.error-rate=1").run((context) -> {
			Downstream downstream = context.getBean(Downstream.class);
			assertThatExceptionOfType(InjectedFaultException.class).isThrownBy(downstream::preset)
				.satisfies((ex) -> assertThat(ex.getInstanceName()).isEqualTo("preset"));
			assertThat(downstream.calls()).isEqualTo(0);
		});
	}

	@Test
	void faultsSwitchedOnAtRuntimeOpenTheBreakerAndSwitchedOffStop() {
		this.enabled.run((context) -> {
			Downstream downstream = context.getBean(Downstream.class);
			Chaos inventory = context.getBean(ChaosRegistry.class).chaos("inventory");
			assertThat(downstream.reserve()).isEqualTo("reserved");

			inventory.changeConfig(ChaosConfig.custom().errorRate(1).error(IllegalStateException.class).build());
			List<Throwable> failures = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				failures.add(catchThrowable(downstream::reserve));
			}

			assertThat(failures.get(0)).isExactlyInstanceOf(IllegalStateException.class)
				.hasMessageContaining("'inventory'");
			// the success and three injected errors filled the window of 4 during the
			// second call, whose second attempt was refused, like the third call
			assertThat(failures.subList(1, 3))
				.allSatisfy((failure) -> assertThat(failure).isInstanceOf(CallNotPermittedException.class));
			assertThat(inventory.getMetrics().getNumberOfInjectedErrors()).isEqualTo(3);
			assertThat(downstream.calls()).as("the method itself ran once, before injection").isEqualTo(1);

			inventory.changeConfig(ChaosConfig.none());
			context.getBean(dev.resilience.ResilienceRegistry.class).circuitBreaker("inventory").reset();
			assertThat(downstream.reserve()).isEqualTo("reserved");
		});
	}

	@Test
	void fallbackAnswersAnInjectedError() {
		this.enabled.run((context) -> {
			context.getBean(ChaosRegistry.class)
				.chaos("guarded")
				.changeConfig(ChaosConfig.custom().errorRate(1).build());
			assertThat(context.getBean(Downstream.class).guarded()).isEqualTo("fallback: InjectedFaultException");
		});
	}

	@Test
	void asyncErrorFailsTheReturnedStage() {
		this.enabled.run((context) -> {
			Downstream downstream = context.getBean(Downstream.class);
			context.getBean(ChaosRegistry.class)
				.chaos("inventory")
				.changeConfig(ChaosConfig.custom().errorRate(1).build());

			CompletableFuture<String> result = downstream.reserveAsync();

			assertThat(result).isCompletedExceptionally();
			assertThat(catchThrowable(result::join)).hasCauseInstanceOf(InjectedFaultException.class);
			assertThat(downstream.calls()).isEqualTo(0);
		});
	}

	@Test
	void asyncLatencyWaitsOnTheEngineSchedulerWithoutBlocking() {
		this.enabled.run((context) -> {
			Downstream downstream = context.getBean(Downstream.class);
			context.getBean(ChaosRegistry.class)
				.chaos("inventory")
				.changeConfig(ChaosConfig.custom().latency(Duration.ofSeconds(2)).latencyRate(1).build());

			CompletableFuture<String> result = downstream.reserveAsync();

			assertThat(result).isNotDone();
			assertThat(downstream.calls()).isEqualTo(0);
			this.scheduler.advance(Duration.ofSeconds(2));
			assertThat(result).isCompletedWithValue("reserved later");
		});
	}

	@Test
	void monoGetsLatencyOnTheSchedulerAndErrorsAsSignals() {
		this.enabled.run((context) -> {
			Downstream downstream = context.getBean(Downstream.class);
			Chaos inventory = context.getBean(ChaosRegistry.class).chaos("inventory");
			inventory.changeConfig(ChaosConfig.custom().latency(Duration.ofSeconds(1)).latencyRate(1).build());
			List<String> values = new ArrayList<>();
			downstream.reserveMono().subscribe(values::add);
			assertThat(values).isEmpty();
			assertThat(downstream.calls()).isEqualTo(0);
			this.scheduler.advance(Duration.ofSeconds(1));
			assertThat(values).containsExactly("reserved reactively");

			inventory.changeConfig(ChaosConfig.custom().errorRate(1).build());
			List<Throwable> errors = new ArrayList<>();
			Mono<String> mono = downstream.reserveMono();
			mono.subscribe((value) -> {
			}, errors::add);
			assertThat(errors).singleElement().isInstanceOf(InjectedFaultException.class);
			assertThat(downstream.calls()).isEqualTo(1);
		});
	}

	@Test
	void timeoutCutsInjectedLatencyShort() {
		// Real time: the timeout must interrupt a caller really asleep in the latency.
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
			.withBean(Downstream.class)
			.withPropertyValues("resilience.chaos.enabled=true", "resilience.timeout.instances.slow.duration=200ms",
					"resilience.chaos.instances.slow.latency=60s", "resilience.chaos.instances.slow.latency-rate=1")
			.run((context) -> {
				Downstream downstream = context.getBean(Downstream.class);
				long start = System.nanoTime();
				Throwable failure = catchThrowable(downstream::slow);
				Duration took = Duration.ofNanos(System.nanoTime() - start);

				assertThat(failure).isInstanceOf(TimeoutExceededException.class);
				assertThat(took).as("ended by the timeout, long before the latency").isLessThan(Duration.ofSeconds(30));
				assertThat(downstream.calls()).isEqualTo(0);
			});
	}

	private static String stages(AssertableApplicationContext context, String method) throws Exception {
		return context.getBean(MethodPipelineFactory.class)
			.create(Downstream.class.getMethod(method), Downstream.class)
			.toString();
	}

	static class Downstream {

		private final AtomicInteger calls = new AtomicInteger();

		public int calls() {
			return this.calls.get();
		}

		@CircuitBreaker(name = "inventory")
		@Retry(name = "inventory-retry")
		public String reserve() {
			this.calls.incrementAndGet();
			return "reserved";
		}

		@CircuitBreaker(name = "inventory")
		public CompletableFuture<String> reserveAsync() {
			this.calls.incrementAndGet();
			return CompletableFuture.completedFuture("reserved later");
		}

		@CircuitBreaker(name = "inventory")
		public Mono<String> reserveMono() {
			return Mono.fromSupplier(() -> {
				this.calls.incrementAndGet();
				return "reserved reactively";
			});
		}

		@Bulkhead(name = "preset")
		public String preset() {
			this.calls.incrementAndGet();
			return "preset";
		}

		@CircuitBreaker(name = "guarded")
		@Fallback(method = "answer")
		public String guarded() {
			this.calls.incrementAndGet();
			return "guarded";
		}

		String answer(Throwable failure) {
			return "fallback: " + failure.getClass().getSimpleName();
		}

		@Fallback(method = "fallbackOnlyAnswer")
		public String fallbackOnly() {
			return "fallback only";
		}

		String fallbackOnlyAnswer() {
			return "answered";
		}

		@Timeout(name = "slow")
		public String slow() {
			this.calls.incrementAndGet();
			return "slow";
		}

	}

}
