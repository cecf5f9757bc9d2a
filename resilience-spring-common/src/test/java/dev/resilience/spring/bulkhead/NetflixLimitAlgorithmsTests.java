package dev.resilience.spring.bulkhead;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.resilience.ContextPropagator;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Netflix-backed algorithms behind an adaptive bulkhead, driven deterministically: in
 * each round as many calls start as the bulkhead admits, the fake ticker moves by the
 * round's latency, and every call ends. The limit must fall while latency is high (or
 * calls fail) and recover once it is low again.
 */
class NetflixLimitAlgorithmsTests {

	private final FakeTicker ticker = new FakeTicker();

	private Bulkhead bulkhead(BulkheadConfig.Algorithm algorithm) {
		BulkheadConfig config = BulkheadConfig.custom()
			.type(BulkheadConfig.Type.ADAPTIVE)
			.algorithm(algorithm)
			.minLimit(2)
			.maxLimit(100)
			.initialLimit(20)
			.build();
		return Bulkhead.of("downstream", config, ContextPropagator.NONE, this.ticker, new NetflixLimitAlgorithms());
	}

	/** One round at full load; returns the limit after it. */
	private int round(Bulkhead bulkhead, Duration latency, boolean fail) {
		List<CompletableFuture<Object>> calls = new ArrayList<>();
		while (bulkhead.tryAcquirePermission()) {
			bulkhead.releasePermission();
			CompletableFuture<Object> call = new CompletableFuture<>();
			bulkhead.executeAsync((ignored) -> call, null);
			calls.add(call);
		}
		this.ticker.advance(latency);
		for (CompletableFuture<Object> call : calls) {
			if (fail) {
				call.completeExceptionally(new IllegalStateException("503"));
			}
			else {
				call.complete("ok");
			}
		}
		return bulkhead.getMetrics().getLimit();
	}

	private int rounds(Bulkhead bulkhead, int count, Duration latency, boolean fail) {
		int limit = 0;
		for (int i = 0; i < count; i++) {
			limit = round(bulkhead, latency, fail);
		}
		return limit;
	}

	@Test
	void gradient2LimitFallsWhenLatencyRisesUnderLoadAndRecoversWhenItDrops() {
		Bulkhead bulkhead = bulkhead(BulkheadConfig.Algorithm.GRADIENT2);
		int steady = rounds(bulkhead, 10, Duration.ofMillis(10), false);
		int loaded = rounds(bulkhead, 5, Duration.ofMillis(200), false);
		int recovered = rounds(bulkhead, 10, Duration.ofMillis(10), false);
		assertThat(steady).isGreaterThan(20);
		assertThat(loaded).isLessThan(steady / 2);
		assertThat(recovered).isGreaterThan(loaded * 2);
	}

	/**
	 * Few rounds: Vegas re-measures its no-load latency after a randomised number of
	 * samples (at least 15 times its limit), which would make a longer run depend on
	 * chance.
	 */
	@Test
	void vegasLimitFallsWhenLatencyRisesUnderLoadAndRecoversWhenItDrops() {
		Bulkhead bulkhead = bulkhead(BulkheadConfig.Algorithm.VEGAS);
		int steady = rounds(bulkhead, 2, Duration.ofMillis(10), false);
		int loaded = rounds(bulkhead, 1, Duration.ofMillis(200), false);
		int recovered = rounds(bulkhead, 2, Duration.ofMillis(10), false);
		assertThat(steady).isGreaterThan(20);
		assertThat(loaded).isLessThan(steady * 2 / 3);
		assertThat(recovered).isGreaterThan(loaded * 3 / 2);
	}

	@Test
	void aimdLimitFallsOnFailuresAndRecoversOnSuccesses() {
		Bulkhead bulkhead = bulkhead(BulkheadConfig.Algorithm.AIMD);
		int steady = rounds(bulkhead, 5, Duration.ofMillis(10), false);
		int failing = rounds(bulkhead, 5, Duration.ofMillis(10), true);
		int recovered = rounds(bulkhead, 10, Duration.ofMillis(10), false);
		assertThat(steady).isGreaterThan(20);
		assertThat(failing).isEqualTo(2);
		assertThat(recovered).isGreaterThan(20);
	}

}
