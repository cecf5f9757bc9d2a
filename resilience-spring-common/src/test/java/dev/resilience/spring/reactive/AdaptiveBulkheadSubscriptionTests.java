package dev.resilience.spring.reactive;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import dev.resilience.ContextPropagator;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.bulkhead.BulkheadFullException;
import dev.resilience.bulkhead.LimitAlgorithm;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An adaptive bulkhead as a Reactor operator: the permit is held from subscription to the
 * end, and the algorithm hears a value or a completion as a success, an error as a drop,
 * and nothing of a cancel; every ending returns the permit.
 */
class AdaptiveBulkheadSubscriptionTests {

	private final FakeTicker ticker = new FakeTicker();

	private final List<String> samples = new CopyOnWriteArrayList<>();

	private final Bulkhead bulkhead = Bulkhead.of("reactive",
			BulkheadConfig.custom().type(BulkheadConfig.Type.ADAPTIVE).minLimit(1).maxLimit(2).initialLimit(2).build(),
			ContextPropagator.NONE, this.ticker, (name, config) -> new LimitAlgorithm() {

				@Override
				public int getLimit() {
					return 2;
				}

				@Override
				public void onSample(long startNanos, long rttNanos, int inFlight, boolean dropped) {
					AdaptiveBulkheadSubscriptionTests.this.samples
						.add((dropped ? "dropped " : "ok ") + Duration.ofNanos(rttNanos).toMillis() + "ms");
				}

			});

	@Test
	void monoValueIsASuccessTimedFromSubscription() {
		Sinks.One<Object> answer = Sinks.one();
		Flux<Object> call = BulkheadSubscription.apply(this.bulkhead, true, answer.asMono().flux());
		StepVerifier.create(call).then(() -> {
			assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
			this.ticker.advance(Duration.ofMillis(40));
			answer.tryEmitValue("value");
		}).expectNext("value").verifyComplete();
		assertThat(this.samples).containsExactly("ok 40ms");
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void fluxCompletionIsOneSuccessAndAnErrorIsADrop() {
		StepVerifier.create(BulkheadSubscription.apply(this.bulkhead, false, Flux.just("a", "b")))
			.expectNext("a", "b")
			.verifyComplete();
		StepVerifier
			.create(BulkheadSubscription.apply(this.bulkhead, false, Flux.error(new IllegalStateException("503"))))
			.verifyError(IllegalStateException.class);
		assertThat(this.samples).containsExactly("ok 0ms", "dropped 0ms");
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void cancelReturnsThePermitAndReportsNothing() {
		Flux<Object> call = BulkheadSubscription.apply(this.bulkhead, false, Flux.never());
		StepVerifier.create(call).thenAwait().thenCancel().verify();
		assertThat(this.samples).isEmpty();
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void subscriptionBeyondTheLimitIsAnErrorSignal() {
		Flux<Object> held = BulkheadSubscription.apply(this.bulkhead, false, Flux.never());
		var first = held.subscribe();
		var second = held.subscribe();
		StepVerifier.create(BulkheadSubscription.apply(this.bulkhead, false, Flux.just("x")))
			.verifyError(BulkheadFullException.class);
		first.dispose();
		second.dispose();
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
	}

}
