package dev.resilience.bulkhead;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.resilience.ContextPropagator;
import dev.resilience.InvalidConfigurationException;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The adaptive bulkhead against a scripted algorithm and a fake ticker: what it admits,
 * what it reports, and that its permit always comes back.
 */
class AdaptiveBulkheadTests {

	private final FakeTicker ticker = new FakeTicker();

	private final ScriptedLimit algorithm = new ScriptedLimit(3);

	private Bulkhead bulkhead(BulkheadConfig.Builder config) {
		return Bulkhead.of("adaptive", config.type(BulkheadConfig.Type.ADAPTIVE).build(), ContextPropagator.NONE,
				this.ticker, (name, c) -> this.algorithm);
	}

	private Bulkhead bulkhead() {
		return bulkhead(BulkheadConfig.custom().minLimit(1).maxLimit(10).initialLimit(3));
	}

	@Test
	void admitsUpToTheAlgorithmsLimitAndRefusesTheNextCall() {
		Bulkhead bulkhead = bulkhead();
		for (int i = 0; i < 3; i++) {
			bulkhead.executeAsync((ignored) -> new CompletableFuture<>(), null);
		}
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isZero();
		assertThatExceptionOfType(BulkheadFullException.class)
			.isThrownBy(() -> bulkhead.execute((ignored) -> "ran", null))
			.withMessageContaining("'adaptive'");
		assertThat(bulkhead.getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
	}

	@Test
	void limitIsKeptBetweenMinAndMaxWhateverTheAlgorithmSays() {
		Bulkhead bulkhead = bulkhead(BulkheadConfig.custom().minLimit(2).maxLimit(5).initialLimit(3));
		this.algorithm.set(1);
		assertThat(bulkhead.getMetrics().getLimit()).isEqualTo(2);
		this.algorithm.set(1000);
		assertThat(bulkhead.getMetrics().getLimit()).isEqualTo(5);
		for (int i = 0; i < 5; i++) {
			assertThat(bulkhead.tryAcquirePermission()).isTrue();
		}
		assertThat(bulkhead.tryAcquirePermission()).isFalse();
	}

	@Test
	void loweredLimitRefusesNewCallsUntilEnoughHaveEndedAndRaisedLimitAdmitsMore() {
		Bulkhead bulkhead = bulkhead();
		CompletableFuture<Object> first = new CompletableFuture<>();
		CompletableFuture<Object> second = new CompletableFuture<>();
		bulkhead.executeAsync((ignored) -> first, null);
		bulkhead.executeAsync((ignored) -> second, null);
		this.algorithm.set(2);
		assertThat(bulkhead.tryAcquirePermission()).isFalse();
		first.complete("done");
		assertThat(bulkhead.tryAcquirePermission()).isTrue();
		assertThat(bulkhead.tryAcquirePermission()).isFalse();
		this.algorithm.set(5);
		assertThat(bulkhead.tryAcquirePermission()).isTrue();
		assertThat(bulkhead.tryAcquirePermission()).isTrue();
		assertThat(bulkhead.tryAcquirePermission()).isTrue();
		assertThat(bulkhead.tryAcquirePermission()).isFalse();
		assertThat(bulkhead.getMetrics().getMaxAllowedConcurrentCalls()).isEqualTo(5);
	}

	@Test
	void reportsEachSynchronousCallWithTheTickersRoundTripTime() throws Throwable {
		Bulkhead bulkhead = bulkhead();
		long start = this.ticker.read();
		Object result = bulkhead.execute((ignored) -> {
			this.ticker.advance(Duration.ofMillis(30));
			return "value";
		}, null);
		assertThat(result).isEqualTo("value");
		assertThat(this.algorithm.samples)
			.containsExactly(new ScriptedLimit.Sample(start, TimeUnit.MILLISECONDS.toNanos(30), 1, false));
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(3);
	}

	@Test
	void reportsAFailedCallAsDroppedAndReturnsItsPermit() {
		Bulkhead bulkhead = bulkhead();
		assertThatIllegalStateException().isThrownBy(() -> bulkhead.execute((ignored) -> {
			this.ticker.advance(Duration.ofMillis(5));
			throw new IllegalStateException("downstream failed");
		}, null));
		assertThat(this.algorithm.samples).singleElement().satisfies((sample) -> {
			assertThat(sample.dropped()).isTrue();
			assertThat(sample.rttNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(5));
		});
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(3);
	}

	@Test
	void reportsAnErrorAsDroppedButNotAVirtualMachineErrorAndReturnsThePermitForBoth() {
		Bulkhead bulkhead = bulkhead();
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> bulkhead.execute((ignored) -> {
			throw new AssertionError("bug");
		}, null));
		assertThatExceptionOfType(StackOverflowError.class).isThrownBy(() -> bulkhead.execute((ignored) -> {
			throw new StackOverflowError();
		}, null));
		assertThat(this.algorithm.samples).singleElement().satisfies((sample) -> assertThat(sample.dropped()).isTrue());
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(3);
	}

	@Test
	void asynchronousCallHoldsItsPermitUntilItsStageCompletesAndIsTimedToCompletion() {
		Bulkhead bulkhead = bulkhead();
		CompletableFuture<Object> stage = new CompletableFuture<>();
		long start = this.ticker.read();
		CompletionStage<Object> result = bulkhead.executeAsync((ignored) -> stage, null);
		this.ticker.advance(Duration.ofMillis(70));
		result.toCompletableFuture().cancel(true);
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
		assertThat(this.algorithm.samples).isEmpty();
		stage.complete("late");
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(3);
		assertThat(this.algorithm.samples)
			.containsExactly(new ScriptedLimit.Sample(start, TimeUnit.MILLISECONDS.toNanos(70), 1, false));
	}

	@Test
	void asynchronousCallWhoseStageIsCancelledReturnsThePermitAndReportsNothing() {
		Bulkhead bulkhead = bulkhead();
		CompletableFuture<Object> stage = new CompletableFuture<>();
		CompletionStage<Object> result = bulkhead.executeAsync((ignored) -> stage, null);
		stage.cancel(true);
		assertThat(result.toCompletableFuture()).isCompletedExceptionally();
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(3);
		assertThat(this.algorithm.samples).isEmpty();
	}

	@Test
	void asynchronousFailureAndSynchronousThrowAreDroppedAndReturnThePermit() {
		Bulkhead bulkhead = bulkhead();
		CompletableFuture<Object> stage = new CompletableFuture<>();
		bulkhead.executeAsync((ignored) -> stage, null);
		stage.completeExceptionally(new IllegalStateException("503"));
		CompletionStage<Object> thrown = bulkhead.executeAsync((ignored) -> {
			throw new IllegalStateException("thrown before a stage");
		}, null);
		CompletionStage<Object> nullStage = bulkhead.executeAsync((ignored) -> null, null);
		assertThat(thrown.toCompletableFuture()).isCompletedExceptionally();
		assertThat(nullStage.toCompletableFuture()).isCompletedExceptionally();
		assertThat(this.algorithm.samples).hasSize(3).allSatisfy((sample) -> assertThat(sample.dropped()).isTrue());
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(3);
	}

	@Test
	void callPermitReportsItsFirstEndingOnceAndACancelAsNothing() {
		Bulkhead bulkhead = bulkhead();
		Bulkhead.CallPermit succeeded = bulkhead.acquireCallPermit();
		Bulkhead.CallPermit cancelled = bulkhead.acquireCallPermit();
		Bulkhead.CallPermit failed = bulkhead.acquireCallPermit();
		this.ticker.advance(Duration.ofMillis(12));
		succeeded.onSuccess();
		succeeded.onCancel();
		succeeded.onFailure(new IllegalStateException("late"));
		cancelled.onCancel();
		cancelled.onSuccess();
		failed.onFailure(new IllegalStateException("503"));
		assertThat(this.algorithm.samples).extracting(ScriptedLimit.Sample::dropped).containsExactly(false, true);
		assertThat(this.algorithm.samples.get(0).rttNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(12));
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(3);
	}

	@Test
	void callPermitIsRefusedBeyondTheLimit() {
		Bulkhead bulkhead = bulkhead();
		for (int i = 0; i < 3; i++) {
			bulkhead.acquireCallPermit();
		}
		assertThatExceptionOfType(BulkheadFullException.class).isThrownBy(bulkhead::acquireCallPermit);
	}

	@Test
	void reportsTheCallsInFlightWhenEachWasAdmitted() {
		Bulkhead bulkhead = bulkhead();
		Bulkhead.CallPermit first = bulkhead.acquireCallPermit();
		Bulkhead.CallPermit second = bulkhead.acquireCallPermit();
		second.onSuccess();
		first.onSuccess();
		assertThat(this.algorithm.samples).extracting(ScriptedLimit.Sample::inFlight).containsExactly(2, 1);
	}

	@Test
	void aPermitReturnedTwiceIsRefused() {
		Bulkhead bulkhead = bulkhead();
		assertThat(bulkhead.tryAcquirePermission()).isTrue();
		bulkhead.releasePermission();
		assertThatIllegalStateException().isThrownBy(bulkhead::releasePermission).withMessageContaining("twice");
	}

	@Test
	void aFailingAlgorithmChangesNeitherTheOutcomeNorThePermit() throws Throwable {
		Bulkhead bulkhead = Bulkhead.of("broken", BulkheadConfig.custom().type(BulkheadConfig.Type.ADAPTIVE).build(),
				ContextPropagator.NONE, this.ticker, (name, c) -> new LimitAlgorithm() {

					@Override
					public int getLimit() {
						return 4;
					}

					@Override
					public void onSample(long startNanos, long rttNanos, int inFlight, boolean dropped) {
						throw new IllegalStateException("broken algorithm");
					}

				});
		Object value = bulkhead.execute((ignored) -> "value", null);
		assertThat(value).isEqualTo("value");
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(4);
	}

	@Test
	void aCallOverTheLimitWaitsForOneToEndWhenAWaitIsConfigured() throws Exception {
		Bulkhead bulkhead = bulkhead(BulkheadConfig.custom()
			.minLimit(1)
			.maxLimit(10)
			.initialLimit(1)
			.maxWaitDuration(Duration.ofSeconds(30)));
		this.algorithm.set(1);
		CompletableFuture<Object> holding = new CompletableFuture<>();
		bulkhead.executeAsync((ignored) -> holding, null);
		CompletableFuture<Object> waiting = CompletableFuture.supplyAsync(() -> {
			try {
				return bulkhead.execute((ignored) -> "admitted", null);
			}
			catch (Throwable ex) {
				throw new IllegalStateException(ex);
			}
		});
		holding.complete("done");
		assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo("admitted");
		assertThat(bulkhead.getMetrics().getNumberOfRejectedCalls()).isZero();
	}

	@Test
	void anAdaptiveConfigurationWithoutAnAlgorithmFactoryIsRefused() {
		BulkheadConfig config = BulkheadConfig.custom().type(BulkheadConfig.Type.ADAPTIVE).build();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Bulkhead.of("lonely", config, ContextPropagator.NONE, this.ticker, null))
			.withMessageContaining("'lonely'")
			.withMessageContaining("LimitAlgorithm.Factory");
	}

	@Test
	void configurationRefusesLimitsThatContradictEachOther() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> BulkheadConfig.custom().minLimit(10).maxLimit(5).initialLimit(5).build())
			.withMessageContaining("minLimit");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> BulkheadConfig.custom().minLimit(4).maxLimit(50).initialLimit(2).build())
			.withMessageContaining("initialLimit");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> BulkheadConfig.custom().minLimit(4).maxLimit(50).initialLimit(60).build())
			.withMessageContaining("initialLimit");
		assertThatIllegalArgumentException().isThrownBy(() -> BulkheadConfig.custom().minLimit(0));
	}

	@Test
	void defaultsAreThoseOfTheAdaptiveKeys() {
		BulkheadConfig defaults = BulkheadConfig.ofDefaults();
		assertThat(defaults.getAlgorithm()).isEqualTo(BulkheadConfig.Algorithm.GRADIENT2);
		assertThat(defaults.getMinLimit()).isEqualTo(4);
		assertThat(defaults.getMaxLimit()).isEqualTo(200);
		assertThat(defaults.getInitialLimit()).isEqualTo(20);
	}

	@Test
	void cancellationWrappedInACompletionExceptionIsStillACancel() {
		Bulkhead bulkhead = bulkhead();
		CompletableFuture<Object> stage = new CompletableFuture<>();
		bulkhead.executeAsync((ignored) -> stage.thenApply((v) -> v), null);
		stage.cancel(false);
		assertThat(this.algorithm.samples).isEmpty();
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(3);
	}

}
