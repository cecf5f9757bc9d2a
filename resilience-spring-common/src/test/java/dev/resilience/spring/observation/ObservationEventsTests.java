package dev.resilience.spring.observation;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.resilience.ResilienceRegistry;
import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Hedge;
import dev.resilience.annotation.RateLimiter;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.bulkhead.BulkheadFullException;
import dev.resilience.chaos.InjectedFaultException;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.ratelimiter.PermitStore;
import dev.resilience.ratelimiter.RequestNotPermittedException;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceObservationAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceRegistryCustomizer;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;
import dev.resilience.timeout.TimeoutExceededException;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The tracing events on the current observation, through real annotated beans and
 * Micrometer's {@link TestObservationRegistry}: each kind of event with its name,
 * contextual name and keys; nothing for successful calls, nothing without a current
 * observation (and no failure), nothing with
 * {@code resilience.observation.enabled=false}; a hedge sent from the scheduler lands on
 * the caller's observation, carried there by context propagation; an asynchronous failure
 * completed on a thread without the caller's context adds no event and changes nothing in
 * the call.
 */
@ExtendWith(OutputCaptureExtension.class)
class ObservationEventsTests {

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	private final List<Observation.Event> events = new CopyOnWriteArrayList<>();

	private final QueuedExecutor executor = new QueuedExecutor();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ResilienceAutoConfiguration.class, ResilienceObservationAutoConfiguration.class))
		.withBean(ResilienceRegistryCustomizer.class,
				() -> (builder) -> builder.ticker(this.ticker).scheduler(this.scheduler))
		.withBean(ObservationRegistry.class, this::observationRegistry)
		.withBean(State.class, () -> new State(this.ticker, this.executor))
		.withBean(Client.class)
		.withPropertyValues("resilience.retry.defaults.wait-duration=0ms", "resilience.retry.defaults.max-attempts=3",
				"resilience.retry.defaults.budget.enabled=false",
				"resilience.circuit-breaker.instances.payments.sliding-window-size=2",
				"resilience.circuit-breaker.instances.payments.minimum-number-of-calls=2",
				"resilience.bulkhead.instances.pool.max-concurrent-calls=1",
				"resilience.rate-limiter.instances.orders.limit-for-period=1",
				"resilience.rate-limiter.instances.orders.limit-refresh-period=1h",
				"resilience.timeout.instances.slow.duration=100ms", "resilience.hedge.instances.catalog.delay=50ms",
				"resilience.hedge.instances.catalog.budget.ratio=1");

	private TestObservationRegistry observationRegistry() {
		this.observations.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onEvent(Observation.Event event, Observation.Context context) {
				ObservationEventsTests.this.events.add(event);
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
		return this.observations;
	}

	@Test
	void eachRetryIsAnEventWithTheAttemptAndTheExceptionClass() {
		this.runner.run((context) -> {
			Client client = context.getBean(Client.class);
			State state = context.getBean(State.class);
			state.failuresLeft.set(2);
			observed(() -> assertThat(client.flaky()).isEqualTo("ok"));
			assertThat(this.observations).hasSingleObservationThat()
				.hasEvent("resilience.retry", "resilience.retry name=flaky attempt=2 exception=IllegalStateException")
				.hasEvent("resilience.retry", "resilience.retry name=flaky attempt=3 exception=IllegalStateException");
			assertThat(names()).containsExactly("resilience.retry", "resilience.retry");
			ResilienceObservationEvent first = (ResilienceObservationEvent) this.events.get(0);
			assertThat(first.getPattern()).isEqualTo("retry");
			assertThat(first.getInstanceName()).isEqualTo("flaky");
			assertThat(first.getKeyValues()).containsExactlyInAnyOrder(KeyValue.of("pattern", "retry"),
					KeyValue.of("name", "flaky"), KeyValue.of("attempt", "2"),
					KeyValue.of("exception", "IllegalStateException"));
		});
	}

	@Test
	void breakerTransitionAndRefusalAreEvents() {
		this.runner.run((context) -> {
			Client client = context.getBean(Client.class);
			State state = context.getBean(State.class);
			state.failuresLeft.set(10);
			observed(() -> {
				assertThatExceptionOfType(IllegalStateException.class).isThrownBy(client::pay);
				assertThatExceptionOfType(IllegalStateException.class).isThrownBy(client::pay);
				assertThatExceptionOfType(CallNotPermittedException.class).isThrownBy(client::pay);
			});
			assertThat(this.observations).hasSingleObservationThat()
				.hasEvent("resilience.circuitbreaker.transition",
						"resilience.circuitbreaker.transition name=payments from=closed to=open")
				.hasEvent("resilience.circuitbreaker.not_permitted",
						"resilience.circuitbreaker.not_permitted name=payments");
			assertThat(names()).containsExactly("resilience.circuitbreaker.transition",
					"resilience.circuitbreaker.not_permitted");
		});
	}

	@Test
	void fallbackIsAnEventNamingTheMethodAndTheExceptionClass() {
		this.runner.run((context) -> {
			Client client = context.getBean(Client.class);
			State state = context.getBean(State.class);
			state.failuresLeft.set(1);
			observed(() -> assertThat(client.price()).isEqualTo("fallback"));
			assertThat(this.observations).hasSingleObservationThat()
				.hasEvent("resilience.fallback",
						"resilience.fallback name=Client.price exception=IllegalStateException");
			assertThat(names()).containsExactly("resilience.fallback");
		});
	}

	@Test
	void aClusterRateLimiterDecidingWithoutItsStoreIsAnEvent() {
		PermitStore unreachable = new PermitStore() {

			@Override
			public PermitDecision acquire(PermitRequest request) {
				throw new IllegalStateException("Redis is down");
			}

			@Override
			public CompletionStage<PermitDecision> acquireAsync(PermitRequest request) {
				return CompletableFuture.failedFuture(new IllegalStateException("Redis is down"));
			}

		};
		this.runner.withBean(PermitStore.class, () -> unreachable)
			.withPropertyValues("resilience.rate-limiter.instances.orders.scope=cluster")
			.run((context) -> {
				Client client = context.getBean(Client.class);
				observed(() -> {
					assertThat(client.order()).isEqualTo("placed");
					assertThat(client.order()).isEqualTo("placed");
				});
				assertThat(this.observations).hasSingleObservationThat()
					.hasEvent("resilience.ratelimiter.store_unavailable",
							"resilience.ratelimiter.store_unavailable name=orders");
				assertThat(names()).containsExactly("resilience.ratelimiter.store_unavailable",
						"resilience.ratelimiter.store_unavailable");
			});
	}

	@Test
	void bulkheadAndRateLimiterRefusalsAreEvents() {
		this.runner.run((context) -> {
			Client client = context.getBean(Client.class);
			State state = context.getBean(State.class);
			observed(() -> {
				CompletableFuture<String> inFlight = client.pooled();
				assertThat(client.pooled()).failsWithin(Duration.ZERO)
					.withThrowableThat()
					.havingRootCause()
					.isInstanceOf(BulkheadFullException.class);
				state.pending.get(0).complete("done");
				assertThat(inFlight).isCompletedWithValue("done");
				assertThat(client.order()).isEqualTo("placed");
				assertThatExceptionOfType(RequestNotPermittedException.class).isThrownBy(client::order);
			});
			assertThat(this.observations).hasSingleObservationThat()
				.hasEvent("resilience.bulkhead.rejected", "resilience.bulkhead.rejected name=pool")
				.hasEvent("resilience.ratelimiter.rejected", "resilience.ratelimiter.rejected name=orders");
			assertThat(names()).containsExactly("resilience.bulkhead.rejected", "resilience.ratelimiter.rejected");
		});
	}

	@Test
	void timeoutIsAnEvent() {
		this.runner.run((context) -> {
			Client client = context.getBean(Client.class);
			observed(() -> assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(client::slow));
			assertThat(this.observations).hasSingleObservationThat()
				.hasEvent("resilience.timeout.timed_out", "resilience.timeout.timed_out name=slow");
			assertThat(names()).containsExactly("resilience.timeout.timed_out");
		});
	}

	@Test
	void chaosInjectionIsAnEvent() {
		this.runner.withPropertyValues("resilience.chaos.enabled=true", "resilience.chaos.instances.flaky.error-rate=1")
			.run((context) -> {
				Client client = context.getBean(Client.class);
				observed(() -> assertThatExceptionOfType(InjectedFaultException.class).isThrownBy(client::flaky));
				assertThat(this.observations).hasSingleObservationThat()
					.hasEvent("resilience.chaos", "resilience.chaos name=flaky fault=error")
					.hasEvent("resilience.retry",
							"resilience.retry name=flaky attempt=2 exception=InjectedFaultException");
				assertThat(names()).containsExactly("resilience.chaos", "resilience.retry", "resilience.chaos",
						"resilience.retry", "resilience.chaos");
			});
	}

	@Test
	void hedgeSentFromTheSchedulerIsAnEventOnTheCallersObservation() {
		this.runner.run((context) -> {
			Client client = context.getBean(Client.class);
			State state = context.getBean(State.class);
			Observation observation = Observation.start("test.call", this.observations);
			CompletableFuture<String> result;
			try (Observation.Scope scope = observation.openScope()) {
				result = client.hedged();
			}
			// The caller's scope is closed: only context propagation can bring its
			// observation to the scheduler's task.
			assertThat(this.observations.getCurrentObservation()).isNull();
			this.scheduler.advance(Duration.ofMillis(50));
			assertThat(state.pending).hasSize(2);
			state.pending.get(1).complete("hedge");
			assertThat(result).isCompletedWithValue("hedge");
			observation.stop();
			assertThat(this.observations).hasSingleObservationThat()
				.hasEvent("resilience.hedge", "resilience.hedge name=catalog attempt=2");
			assertThat(names()).containsExactly("resilience.hedge");
		});
	}

	@Test
	void successfulCallsAddNoEvent() {
		this.runner.run((context) -> {
			Client client = context.getBean(Client.class);
			State state = context.getBean(State.class);
			observed(() -> {
				assertThat(client.flaky()).isEqualTo("ok");
				assertThat(client.pay()).isEqualTo("paid");
				assertThat(client.price()).isEqualTo("price");
				assertThat(client.order()).isEqualTo("placed");
				CompletableFuture<String> pooled = client.pooled();
				state.pending.get(0).complete("done");
				assertThat(pooled).isCompletedWithValue("done");
				assertThat(client.quick()).isEqualTo("quick");
				CompletableFuture<String> hedged = client.hedged();
				state.pending.get(1).complete("primary");
				assertThat(hedged).isCompletedWithValue("primary");
			});
			this.scheduler.advance(Duration.ofMillis(50));
			assertThat(state.pending).hasSize(2);
			assertThat(this.observations).hasSingleObservationThat().hasBeenStopped();
			assertThat(this.events).isEmpty();
		});
	}

	@Test
	void withoutACurrentObservationNothingIsAddedAndCallsGoOnAsUsual(CapturedOutput output) {
		this.runner.run((context) -> {
			Client client = context.getBean(Client.class);
			State state = context.getBean(State.class);
			state.failuresLeft.set(10);
			assertThat(this.observations.getCurrentObservation()).isNull();
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(client::flaky);
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(client::pay);
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(client::pay);
			assertThatExceptionOfType(CallNotPermittedException.class).isThrownBy(client::pay);
			assertThat(client.price()).isEqualTo("fallback");
			assertThat(state.flakyAttempts).hasValue(3);
			assertThat(this.events).isEmpty();
			assertThat(context.getBean(ResilienceRegistry.class).circuitBreaker("payments").getState())
				.isEqualTo(dev.resilience.circuitbreaker.CircuitBreaker.State.OPEN);
			assertThat(output).as("no listener failed").doesNotContain("threw").doesNotContain("Exception:");
		});
	}

	@Test
	void asynchronousFailureCompletedOnAThreadWithoutTheCallersContextAddsNoEvent() {
		this.runner.run((context) -> {
			Client client = context.getBean(Client.class);
			State state = context.getBean(State.class);
			state.failuresLeft.set(1);
			CompletableFuture<String> result = observed(client::flakyElsewhere);
			// The first attempt fails on a thread of its own, where no observation is
			// current: the retry it causes is reported there.
			Thread elsewhere = new Thread(state.executor::runQueued);
			elsewhere.start();
			elsewhere.join();
			this.scheduler.advance(Duration.ZERO);
			state.executor.runQueued();
			assertThat(result).isCompletedWithValue("ok");
			assertThat(state.flakyAttempts).hasValue(2);
			assertThat(this.observations).hasSingleObservationThat().hasBeenStopped();
			assertThat(this.events).isEmpty();
		});
	}

	@Test
	void asynchronousFailureCompletedOnTheCallersThreadIsAnEventOnItsObservation() {
		this.runner.run((context) -> {
			Client client = context.getBean(Client.class);
			State state = context.getBean(State.class);
			state.failuresLeft.set(1);
			Observation observation = Observation.start("test.call", this.observations);
			CompletableFuture<String> result;
			try (Observation.Scope scope = observation.openScope()) {
				result = client.flakyAtOnce();
			}
			this.scheduler.advance(Duration.ZERO);
			assertThat(result).isCompletedWithValue("ok");
			observation.stop();
			assertThat(this.observations).hasSingleObservationThat()
				.hasEvent("resilience.retry", "resilience.retry name=flaky attempt=2 exception=IllegalStateException");
			assertThat(names()).containsExactly("resilience.retry");
		});
	}

	@Test
	void disabledByPropertyAddsNoEventAndNoListener() {
		this.runner.withPropertyValues("resilience.observation.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(ResilienceObservationEvents.class);
			Client client = context.getBean(Client.class);
			State state = context.getBean(State.class);
			state.failuresLeft.set(10);
			observed(() -> {
				assertThatExceptionOfType(IllegalStateException.class).isThrownBy(client::flaky);
				assertThatExceptionOfType(IllegalStateException.class).isThrownBy(client::pay);
				assertThat(client.price()).isEqualTo("fallback");
			});
			assertThat(this.observations).hasSingleObservationThat().hasBeenStopped();
			assertThat(this.events).isEmpty();
		});
	}

	@Test
	void withoutAnObservationRegistryNothingIsCreated() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class,
					ResilienceObservationAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ResilienceObservationEvents.class));
	}

	@Test
	void micrometersMeterHandlerCountsEachEventUnderTheObservationsName() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		this.observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		this.runner.run((context) -> {
			Client client = context.getBean(Client.class);
			State state = context.getBean(State.class);
			state.failuresLeft.set(2);
			observed(() -> assertThat(client.flaky()).isEqualTo("ok"));
			assertThat(meters.get("test.call.resilience.retry").counter().count()).isEqualTo(2);
		});
	}

	@Test
	void instanceCreatedAfterStartupIsObservedToo() {
		this.runner.run((context) -> {
			dev.resilience.retry.Retry late = context.getBean(ResilienceRegistry.class).retry("late");
			AtomicInteger attempts = new AtomicInteger();
			observed(() -> assertThat(late.executeSupplier(() -> {
				if (attempts.incrementAndGet() == 1) {
					throw new IllegalArgumentException("first");
				}
				return "ok";
			})).isEqualTo("ok"));
			assertThat(this.observations).hasSingleObservationThat()
				.hasEvent("resilience.retry",
						"resilience.retry name=late attempt=2 exception=IllegalArgumentException");
		});
	}

	private List<String> names() {
		return this.events.stream().map(Observation.Event::getName).toList();
	}

	private void observed(Runnable call) {
		observed(() -> {
			call.run();
			return null;
		});
	}

	private <T> T observed(java.util.function.Supplier<T> call) {
		Observation observation = Observation.start("test.call", this.observations);
		try (Observation.Scope scope = observation.openScope()) {
			return call.get();
		}
		finally {
			observation.stop();
		}
	}

	/**
	 * What the tests set and read, apart from the client: a class-based proxy's fields
	 * are not the target's.
	 */
	static final class State {

		final AtomicInteger failuresLeft = new AtomicInteger();

		final AtomicInteger flakyAttempts = new AtomicInteger();

		final List<CompletableFuture<String>> pending = new CopyOnWriteArrayList<>();

		final FakeTicker ticker;

		final QueuedExecutor executor;

		State(FakeTicker ticker, QueuedExecutor executor) {
			this.ticker = ticker;
			this.executor = executor;
		}

	}

	/** Runs its tasks when told, on the thread that tells it. */
	static final class QueuedExecutor implements Executor {

		private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

		@Override
		public void execute(Runnable task) {
			this.tasks.add(task);
		}

		void runQueued() {
			Runnable task;
			while ((task = this.tasks.poll()) != null) {
				task.run();
			}
		}

	}

	/** Annotated methods, one per pattern. */
	static class Client {

		private final State state;

		Client(State state) {
			this.state = state;
		}

		@Retry(name = "flaky")
		public String flaky() {
			this.state.flakyAttempts.incrementAndGet();
			fail();
			return "ok";
		}

		@Retry(name = "flaky")
		public CompletableFuture<String> flakyAtOnce() {
			this.state.flakyAttempts.incrementAndGet();
			if (this.state.failuresLeft.getAndDecrement() > 0) {
				return CompletableFuture.failedFuture(new IllegalStateException("downstream failed"));
			}
			return CompletableFuture.completedFuture("ok");
		}

		@Retry(name = "flaky")
		public CompletableFuture<String> flakyElsewhere() {
			return CompletableFuture.supplyAsync(() -> {
				this.state.flakyAttempts.incrementAndGet();
				fail();
				return "ok";
			}, this.state.executor);
		}

		@CircuitBreaker(name = "payments")
		public String pay() {
			fail();
			return "paid";
		}

		@Fallback(method = "priceFallback")
		public String price() {
			fail();
			return "price";
		}

		String priceFallback(IllegalStateException failure) {
			return "fallback";
		}

		@Bulkhead(name = "pool")
		public CompletableFuture<String> pooled() {
			CompletableFuture<String> future = new CompletableFuture<>();
			this.state.pending.add(future);
			return future;
		}

		@RateLimiter(name = "orders")
		public String order() {
			return "placed";
		}

		@Timeout(name = "slow")
		public String slow() {
			this.state.ticker.advance(Duration.ofMillis(150));
			return "late";
		}

		@Timeout(name = "slow")
		public String quick() {
			return "quick";
		}

		@Hedge(name = "catalog")
		public CompletableFuture<String> hedged() {
			CompletableFuture<String> future = new CompletableFuture<>();
			this.state.pending.add(future);
			return future;
		}

		private void fail() {
			if (this.state.failuresLeft.getAndDecrement() > 0) {
				throw new IllegalStateException("downstream failed");
			}
		}

	}

}
