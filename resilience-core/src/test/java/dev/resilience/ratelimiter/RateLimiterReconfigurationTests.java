package dev.resilience.ratelimiter;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;

import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * A rate limiter reconfigured in place: a new limit or period starts a new cycle at once,
 * a new timeout alone keeps the current cycle, and calls holding a permit of the old
 * cycles keep it.
 */
class RateLimiterReconfigurationTests {

	private static final Duration PERIOD = Duration.ofSeconds(1);

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private static RateLimiterConfig.Builder config(int limit) {
		return RateLimiterConfig.custom().limitForPeriod(limit).limitRefreshPeriod(PERIOD);
	}

	private RateLimiter limiter(RateLimiterConfig config) {
		return RateLimiter.of("orders", config, this.ticker, this.scheduler);
	}

	private static int take(RateLimiter limiter, int attempts) {
		int granted = 0;
		for (int i = 0; i < attempts; i++) {
			if (limiter.tryAcquirePermission()) {
				granted++;
			}
		}
		return granted;
	}

	@Test
	void newLimitStartsANewCycleWithTheNewLimit() {
		RateLimiter limiter = limiter(config(2).build());
		assertThat(take(limiter, 5)).isEqualTo(2);
		limiter.reconfigure(config(5).build());
		assertThat(limiter.getConfig().getLimitForPeriod()).isEqualTo(5);
		assertThat(take(limiter, 10)).isEqualTo(5);
		this.ticker.advance(PERIOD);
		assertThat(take(limiter, 10)).isEqualTo(5);
		// Same object: the counters go on.
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(12);
		assertThat(limiter.getMetrics().getNumberOfRejectedCalls()).isEqualTo(13);
	}

	@Test
	void newTimeoutAloneKeepsTheCurrentCycle() {
		RateLimiter limiter = limiter(config(2).build());
		assertThat(take(limiter, 2)).isEqualTo(2);
		limiter.reconfigure(config(2).timeoutDuration(Duration.ofSeconds(5)).build());
		assertThat(limiter.tryAcquirePermission()).isFalse();
		assertThat(limiter.getConfig().getTimeoutDuration()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void newTimeoutLetsTheNextCallWaitForAPermit() {
		RateLimiter limiter = limiter(config(1).build());
		assertThat(take(limiter, 1)).isEqualTo(1);
		limiter.reconfigure(config(1).timeoutDuration(Duration.ofSeconds(5)).build());
		CompletionStage<String> waiting = limiter.executeAsync(CompletableFuture::completedFuture, "a");
		assertThat(waiting.toCompletableFuture()).isNotDone();
		this.scheduler.advance(PERIOD);
		assertThat(waiting.toCompletableFuture()).isCompletedWithValue("a");
	}

	@Test
	void callWaitingForAPermitOfTheOldCyclesKeepsItAndGivesItBackThere() {
		RateLimiter limiter = limiter(config(1).timeoutDuration(Duration.ofSeconds(5)).build());
		assertThat(take(limiter, 1)).isEqualTo(1);
		CompletionStage<String> waiting = limiter.executeAsync(CompletableFuture::completedFuture, "a");
		limiter.reconfigure(config(3).timeoutDuration(Duration.ofSeconds(5)).build());
		assertThat(take(limiter, 2)).isEqualTo(2);
		waiting.toCompletableFuture().cancel(false);
		// The cancelled permit went back to the old cycles, not into the new one.
		assertThat(take(limiter, 10)).isEqualTo(1);
		this.scheduler.advance(PERIOD);
		assertThat(take(limiter, 10)).isEqualTo(3);
	}

	@Test
	void nullConfigurationIsRefusedAndTheOldOneStays() {
		RateLimiter limiter = limiter(config(2).build());
		RateLimiterConfig before = limiter.getConfig();
		assertThatNullPointerException().isThrownBy(() -> limiter.reconfigure(null));
		assertThat(limiter.getConfig()).isSameAs(before);
	}

}
