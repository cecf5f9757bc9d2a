package dev.resilience.timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;

import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A timeout reconfigured in place: the calls that start afterwards take the new duration,
 * a call already running keeps its deadline.
 */
class TimeoutReconfigurationTests {

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private static TimeoutConfig lasting(Duration duration) {
		return TimeoutConfig.custom().duration(duration).interrupt(false).build();
	}

	@Test
	void nextCallTakesTheNewDuration() throws Throwable {
		Timeout timeout = Timeout.of("inventory", lasting(Duration.ofSeconds(1)), this.ticker, this.scheduler);
		assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(() -> timeout.execute((argument) -> {
			this.ticker.advance(Duration.ofSeconds(2));
			return argument;
		}, "a")).withMessageContaining("1s");
		timeout.reconfigure(lasting(Duration.ofSeconds(3)));
		assertThat(timeout.getConfig().getDuration()).isEqualTo(Duration.ofSeconds(3));
		assertThat(timeout.<String, String>execute((argument) -> {
			this.ticker.advance(Duration.ofSeconds(2));
			return argument;
		}, "b")).isEqualTo("b");
		// Same object: the counters go on.
		assertThat(timeout.getMetrics().getNumberOfTimedOutCalls()).isOne();
		assertThat(timeout.getMetrics().getNumberOfSuccessfulCalls()).isOne();
	}

	@Test
	void asynchronousCallAlreadyRunningKeepsItsDeadline() {
		Timeout timeout = Timeout.of("inventory", lasting(Duration.ofSeconds(1)), this.ticker, this.scheduler);
		CompletionStage<String> before = timeout.executeAsync((argument) -> new CompletableFuture<String>(), "a");
		timeout.reconfigure(lasting(Duration.ofSeconds(10)));
		CompletionStage<String> after = timeout.executeAsync((argument) -> new CompletableFuture<String>(), "b");
		this.scheduler.advance(Duration.ofSeconds(1));
		assertThat(before.toCompletableFuture()).isCompletedExceptionally();
		assertThat(after.toCompletableFuture()).isNotDone();
		this.scheduler.advance(Duration.ofSeconds(9));
		assertThat(after.toCompletableFuture()).isCompletedExceptionally();
	}

}
