package dev.resilience.timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link Timeout#record}: outcomes of calls timed outside the timeout (a reactive
 * operator) count and reach the listeners as the calls it runs itself.
 */
class TimeoutRecordTests {

	private final FakeTicker ticker = new FakeTicker();

	private final Timeout timeout = Timeout.of("recorded",
			TimeoutConfig.custom().duration(Duration.ofSeconds(1)).build(), this.ticker,
			new FakeScheduler(this.ticker));

	@Test
	void eachOutcomeIsCountedAndReportedWithItsDuration() {
		List<String> seen = new ArrayList<>();
		this.timeout.addListener(new TimeoutListener() {

			@Override
			public void onOutcome(Timeout timeout, TimeoutOutcome outcome, long durationNanos) {
				seen.add(timeout.getName() + " " + outcome + " " + durationNanos);
			}

		});
		this.timeout.record(TimeoutOutcome.SUCCESSFUL, 10);
		this.timeout.record(TimeoutOutcome.FAILED, 20);
		this.timeout.record(TimeoutOutcome.TIMED_OUT, 1_000_000_000);
		this.timeout.record(TimeoutOutcome.TIMED_OUT, 1_000_000_001);

		assertThat(seen).containsExactly("recorded SUCCESSFUL 10", "recorded FAILED 20",
				"recorded TIMED_OUT 1000000000", "recorded TIMED_OUT 1000000001");
		Timeout.Metrics metrics = this.timeout.getMetrics();
		assertThat(metrics.getNumberOfSuccessfulCalls()).isOne();
		assertThat(metrics.getNumberOfFailedCalls()).isOne();
		assertThat(metrics.getNumberOfTimedOutCalls()).isEqualTo(2);
	}

	@Test
	void aFailingListenerNeitherStopsTheCountNorTheNextListener() {
		List<TimeoutOutcome> seen = new ArrayList<>();
		this.timeout.addListener(new TimeoutListener() {

			@Override
			public void onOutcome(Timeout timeout, TimeoutOutcome outcome, long durationNanos) {
				throw new IllegalStateException("broken listener");
			}

		});
		this.timeout.addListener(new TimeoutListener() {

			@Override
			public void onOutcome(Timeout timeout, TimeoutOutcome outcome, long durationNanos) {
				seen.add(outcome);
			}

		});
		this.timeout.record(TimeoutOutcome.TIMED_OUT, 5);

		assertThat(seen).containsExactly(TimeoutOutcome.TIMED_OUT);
		assertThat(this.timeout.getMetrics().getNumberOfTimedOutCalls()).isOne();
	}

	@Test
	void anErrorOfAListenerPropagatesAfterTheCount() {
		this.timeout.addListener(new TimeoutListener() {

			@Override
			public void onOutcome(Timeout timeout, TimeoutOutcome outcome, long durationNanos) {
				throw new OutOfMemoryError("listener");
			}

		});
		assertThatExceptionOfType(OutOfMemoryError.class)
			.isThrownBy(() -> this.timeout.record(TimeoutOutcome.FAILED, 5));
		assertThat(this.timeout.getMetrics().getNumberOfFailedCalls()).isOne();
	}

}
