package dev.resilience.chaos;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;
import dev.resilience.testing.ScriptedRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

class ChaosTests {

	private static final Duration LATENCY = Duration.ofMillis(200);

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final ScriptedRandom random = new ScriptedRandom();

	private final AtomicInteger calls = new AtomicInteger();

	private Chaos chaos(ChaosConfig config) {
		return Chaos.of("inventory", config, this.scheduler, ContextPropagator.NONE, this.random);
	}

	private String call() {
		this.calls.incrementAndGet();
		return "called";
	}

	private Object run(Chaos chaos) throws Throwable {
		return chaos.<Object, Object>execute((ignored) -> call(), null);
	}

	private CompletionStage<String> callAsync() {
		this.calls.incrementAndGet();
		return CompletableFuture.completedFuture("called");
	}

	@Test
	void withoutFaultsACallRunsAndNothingIsRolled() throws Throwable {
		Chaos chaos = chaos(ChaosConfig.none());

		assertThat(run(chaos)).isEqualTo("called");
		assertThat(chaos.<Object, String>executeAsync((ignored) -> callAsync(), null).toCompletableFuture().join())
			.isEqualTo("called");
		assertThat(chaos.roll()).isSameAs(ChaosInjection.NONE);

		assertThat(this.calls).hasValue(2);
		assertThat(this.random.drawn()).isZero();
		assertThat(this.scheduler.requestedDelays()).isEmpty();
	}

	@Test
	void injectsAnErrorWhenTheRollIsBelowTheRate() {
		Chaos chaos = chaos(ChaosConfig.custom().errorRate(0.5).build());
		this.random.then(0.49, 0.5, 0.99, 0.0);

		List<Object> outcomes = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			Throwable failure = catchThrowable(() -> outcomes.add(run(chaos)));
			if (failure != null) {
				outcomes.add(failure.getClass());
			}
		}

		assertThat(outcomes).containsExactly(InjectedFaultException.class, "called", "called",
				InjectedFaultException.class);
		assertThat(this.calls).as("calls that reached the method").hasValue(2);
		assertThat(chaos.getMetrics().getNumberOfInjectedErrors()).isEqualTo(2);
		assertThat(chaos.getMetrics().getNumberOfInjectedLatencies()).isZero();
	}

	@Test
	void injectsTheShareOfErrorsItsRateSays() throws Throwable {
		Chaos chaos = chaos(ChaosConfig.custom().errorRate(0.25).build());
		for (int i = 0; i < 100; i++) {
			this.random.then(i / 100.0);
		}
		int failures = 0;
		for (int i = 0; i < 100; i++) {
			try {
				run(chaos);
			}
			catch (InjectedFaultException ex) {
				failures++;
			}
		}
		assertThat(failures).isEqualTo(25);
		assertThat(this.calls).hasValue(75);
	}

	@Test
	void injectsTheConfiguredErrorType() {
		Chaos chaos = chaos(ChaosConfig.custom().errorRate(1).error(IOException.class).build());
		this.random.then(0.99);

		assertThatExceptionOfType(IOException.class).isThrownBy(() -> run(chaos)).withMessageContaining("'inventory'");
		assertThat(this.calls).hasValue(0);
	}

	@Test
	void asyncErrorFailsTheStageInsteadOfThrowing() {
		Chaos chaos = chaos(ChaosConfig.custom().errorRate(1).error(IOException.class).build());
		this.random.then(0.5);

		CompletableFuture<String> result = chaos.<Object, String>executeAsync((ignored) -> callAsync(), null)
			.toCompletableFuture();

		assertThat(result).isCompletedExceptionally();
		assertThat(catchThrowable(result::join)).hasCauseExactlyInstanceOf(IOException.class);
		assertThat(this.calls).hasValue(0);
	}

	@Test
	void syncLatencySleepsOnTheCallersThreadThenRunsTheCall() throws Throwable {
		Chaos chaos = chaos(ChaosConfig.custom().latency(LATENCY).latencyRate(0.5).build());
		this.random.then(0.2, 0.7);

		assertThat(run(chaos)).isEqualTo("called");
		assertThat(run(chaos)).isEqualTo("called");

		assertThat(this.scheduler.requestedDelays()).containsExactly(LATENCY.toNanos());
		assertThat(this.calls).hasValue(2);
		assertThat(chaos.getMetrics().getNumberOfInjectedLatencies()).isOne();
	}

	@Test
	void latencyComesBeforeTheErrorOfTheSameCall() {
		Chaos chaos = chaos(ChaosConfig.custom().latency(LATENCY).latencyRate(1).errorRate(1).build());
		this.random.then(0.0, 0.0);
		long start = this.ticker.read();

		Throwable failure = catchThrowable(() -> run(chaos));

		assertThat(failure).isInstanceOf(InjectedFaultException.class);
		assertThat(this.ticker.read() - start).as("time waited before the error").isEqualTo(LATENCY.toNanos());
		assertThat(this.calls).hasValue(0);
	}

	@Test
	void asyncLatencyDelaysTheCallOnTheSchedulerWithoutBlocking() {
		Chaos chaos = chaos(ChaosConfig.custom().latency(LATENCY).latencyRate(1).build());
		this.random.then(0.5);

		CompletableFuture<String> result = chaos.<Object, String>executeAsync((ignored) -> callAsync(), null)
			.toCompletableFuture();

		assertThat(result).as("returned before the latency passed").isNotDone();
		assertThat(this.calls).hasValue(0);
		this.scheduler.advance(LATENCY.minusNanos(1));
		assertThat(result).isNotDone();
		assertThat(this.calls).hasValue(0);
		this.scheduler.advanceNanos(1);
		assertThat(result).isCompletedWithValue("called");
		assertThat(this.calls).hasValue(1);
	}

	@Test
	void asyncLatencyThenErrorFailsTheStageAfterTheLatencyWithoutRunningTheCall() {
		Chaos chaos = chaos(ChaosConfig.custom().latency(LATENCY).latencyRate(1).errorRate(1).build());
		this.random.then(0.5, 0.5);

		CompletableFuture<String> result = chaos.<Object, String>executeAsync((ignored) -> callAsync(), null)
			.toCompletableFuture();

		assertThat(result).isNotDone();
		this.scheduler.advance(LATENCY);
		assertThat(result).isCompletedExceptionally();
		assertThat(catchThrowable(result::join)).hasCauseInstanceOf(InjectedFaultException.class);
		assertThat(this.calls).hasValue(0);
	}

	@Test
	void cancellingADelayedAsyncCallCancelsTheTaskAndTheCallNeverStarts() {
		Chaos chaos = chaos(ChaosConfig.custom().latency(LATENCY).latencyRate(1).build());
		this.random.then(0.5);

		CompletableFuture<String> result = chaos.<Object, String>executeAsync((ignored) -> callAsync(), null)
			.toCompletableFuture();
		assertThat(this.scheduler.pendingTasks()).isOne();
		result.cancel(false);

		assertThat(this.scheduler.pendingTasks()).isZero();
		this.scheduler.advance(LATENCY.multipliedBy(2));
		assertThat(this.calls).hasValue(0);
	}

	@Test
	void delayedAsyncCallRunsInTheCallersContext() {
		AtomicReference<String> context = new AtomicReference<>("caller");
		ThreadLocal<String> current = new ThreadLocal<>();
		ContextPropagator propagator = (task) -> {
			String captured = context.get();
			return () -> {
				current.set(captured);
				try {
					task.run();
				}
				finally {
					current.remove();
				}
			};
		};
		Chaos chaos = Chaos.of("inventory", ChaosConfig.custom().latency(LATENCY).latencyRate(1).build(),
				this.scheduler, propagator, this.random);
		this.random.then(0.5);
		AtomicReference<String> seen = new AtomicReference<>();

		chaos.executeAsync((ignored) -> {
			seen.set(current.get());
			return CompletableFuture.completedFuture("ok");
		}, null);
		context.set("someone else");
		this.scheduler.advance(LATENCY);

		assertThat(seen).hasValue("caller");
	}

	@Test
	void syncLatencyEndsWhenTheThreadIsInterrupted() throws Exception {
		Chaos chaos = Chaos.of("inventory", ChaosConfig.custom().latency(Duration.ofHours(1)).latencyRate(1).build(),
				Scheduler.system(), ContextPropagator.NONE, () -> 0.0);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		AtomicBoolean stillInterrupted = new AtomicBoolean();
		Thread caller = new Thread(() -> {
			try {
				run(chaos);
			}
			catch (Throwable ex) {
				failure.set(ex);
				stillInterrupted.set(Thread.currentThread().isInterrupted());
			}
		});
		caller.start();
		while (caller.getState() != Thread.State.TIMED_WAITING && caller.isAlive()) {
			Thread.onSpinWait();
		}
		caller.interrupt();
		caller.join(TimeUnit.SECONDS.toMillis(30));

		assertThat(caller.isAlive()).as("the injected latency ended at the interrupt").isFalse();
		assertThat(failure.get()).isInstanceOf(InterruptedException.class);
		assertThat(stillInterrupted).as("the thread stays interrupted").isTrue();
		assertThat(this.calls).hasValue(0);
	}

	@Test
	void aNewConfigurationAppliesToTheNextCall() throws Throwable {
		Chaos chaos = chaos(ChaosConfig.none());
		assertThat(run(chaos)).isEqualTo("called");

		chaos.changeConfig(ChaosConfig.custom().errorRate(1).build());
		this.random.then(0.9);
		assertThatExceptionOfType(InjectedFaultException.class).isThrownBy(() -> run(chaos));

		chaos.changeConfig(ChaosConfig.none());
		assertThat(run(chaos)).isEqualTo("called");
		assertThat(this.random.drawn()).isOne();
		assertThat(this.calls).hasValue(2);
	}

	@Test
	void listenersHearEachInjectionByKind() throws Throwable {
		Chaos chaos = chaos(ChaosConfig.custom().latency(LATENCY).latencyRate(0.5).errorRate(0.5).build());
		List<String> heard = new ArrayList<>();
		chaos.addListener((instance, fault) -> heard.add(instance.getName() + ":" + fault));
		// latency and error; latency only; nothing
		this.random.then(0.1, 0.1, 0.1, 0.9, 0.9, 0.9);

		catchThrowable(() -> run(chaos));
		run(chaos);
		run(chaos);

		assertThat(heard).containsExactly("inventory:LATENCY", "inventory:ERROR", "inventory:LATENCY");
		assertThat(chaos.getMetrics().getNumberOfInjectedLatencies()).isEqualTo(2);
		assertThat(chaos.getMetrics().getNumberOfInjectedErrors()).isOne();
	}

	@Test
	void aFailingListenerDoesNotChangeTheCall() throws Throwable {
		Chaos chaos = chaos(ChaosConfig.custom().latency(LATENCY).latencyRate(1).build());
		chaos.addListener((instance, fault) -> {
			throw new IllegalStateException("listener broke");
		});
		this.random.then(0.5);

		assertThat(run(chaos)).isEqualTo("called");
	}

	@Test
	void registryCreatesOneInstancePerNameWithItsConfigurationAndListeners() throws Throwable {
		ChaosRegistry registry = new ChaosRegistry(
				(name) -> "inventory".equals(name) ? ChaosConfig.custom().errorRate(1).build() : ChaosConfig.none(),
				this.scheduler, ContextPropagator.NONE, () -> 0.5);
		List<String> heard = new ArrayList<>();
		registry.addListener((instance, fault) -> heard.add(instance.getName()));

		Chaos inventory = registry.chaos("inventory");
		assertThat(registry.chaos("inventory")).isSameAs(inventory);
		assertThat(registry.find("payments")).isEmpty();
		Chaos payments = registry.chaos("payments");

		assertThatExceptionOfType(InjectedFaultException.class).isThrownBy(() -> run(inventory));
		assertThat(run(payments)).isEqualTo("called");
		assertThat(heard).containsExactly("inventory");
		assertThat(registry.getAll()).containsExactlyInAnyOrder(inventory, payments);
	}

}
