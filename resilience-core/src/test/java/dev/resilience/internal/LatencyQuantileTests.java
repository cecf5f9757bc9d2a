package dev.resilience.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The learned quantile is never below the true one and at most 1/16 above it, follows a
 * change of latency within two windows, forgets an idle past, and loses no count under
 * concurrent recording.
 */
class LatencyQuantileTests {

	private static final Duration WINDOW = Duration.ofSeconds(10);

	private final FakeTicker ticker = new FakeTicker();

	@Property
	void aBucketsUpperBoundIsTheLatencyOrAtMostASixteenthAboveIt(
			@ForAll @LongRange(min = 0, max = 1L << 44) long nanos) {
		long upper = LatencyQuantile.upperBound(LatencyQuantile.bucket(nanos));
		assertThat(upper).isGreaterThanOrEqualTo(nanos);
		assertThat(upper - nanos).isLessThanOrEqualTo(nanos / 16);
	}

	@Property
	void bucketsFollowTheOrderOfLatencies(@ForAll @LongRange(min = 0, max = 1L << 50) long a,
			@ForAll @LongRange(min = 0, max = 1L << 50) long b) {
		int bucketA = LatencyQuantile.bucket(Math.min(a, b));
		int bucketB = LatencyQuantile.bucket(Math.max(a, b));
		assertThat(bucketA).isLessThanOrEqualTo(bucketB);
		assertThat(bucketB).isBetween(0, LatencyQuantile.BUCKETS - 1);
	}

	@Property(tries = 200)
	void theQuantileIsTheTrueOneRoundedUpByAtMostASixteenth(
			@ForAll @Size(min = 1, max = 400) List<@LongRange(min = 0, max = 10_000_000_000L) Long> latencies,
			@ForAll @DoubleRange(min = 0.01, max = 0.999) @Scale(3) double quantile) {
		LatencyQuantile learned = new LatencyQuantile(quantile, WINDOW, 1, new FakeTicker());
		latencies.forEach(learned::record);
		List<Long> sorted = new ArrayList<>(latencies);
		sorted.sort(null);
		long exact = sorted.get((int) Math.ceil(quantile * sorted.size()) - 1);
		long answer = learned.quantileNanos();
		assertThat(answer).isGreaterThanOrEqualTo(exact).isLessThanOrEqualTo(exact + exact / 16);
	}

	@Test
	void unknownUntilTheMinimumOfSamples() {
		LatencyQuantile learned = new LatencyQuantile(0.5, WINDOW, 10, this.ticker);
		for (int i = 0; i < 9; i++) {
			learned.record(1_000);
		}
		assertThat(learned.quantileNanos()).isEqualTo(LatencyQuantile.UNKNOWN);
		learned.record(1_000);
		this.ticker.advance(WINDOW.dividedBy(8));
		assertThat(learned.quantileNanos()).isBetween(1_000L, 1_062L);
	}

	@Test
	void aJumpInLatencyIsLearnedWithinTwoWindowsAndThePastIsForgotten() {
		LatencyQuantile p50 = new LatencyQuantile(0.5, WINDOW, 10, this.ticker);
		recordMany(p50, 100, millis(20));
		assertThat(p50.quantileNanos()).isBetween(millis(20), millis(20) + millis(20) / 16);
		this.ticker.advance(WINDOW);
		recordMany(p50, 300, millis(200));
		this.ticker.advance(WINDOW.dividedBy(8));
		// Both generations count: three quarters of the samples are slow.
		assertThat(p50.quantileNanos()).isGreaterThanOrEqualTo(millis(200));
		LatencyQuantile p10 = new LatencyQuantile(0.1, WINDOW, 10, this.ticker);
		recordMany(p10, 100, millis(20));
		this.ticker.advance(WINDOW);
		recordMany(p10, 100, millis(200));
		this.ticker.advance(WINDOW.dividedBy(8));
		assertThat(p10.quantileNanos()).as("the fast window is still remembered").isLessThan(millis(22));
		this.ticker.advance(WINDOW);
		recordMany(p10, 100, millis(200));
		this.ticker.advance(WINDOW.dividedBy(8));
		assertThat(p10.quantileNanos()).as("two windows later only slow calls are left")
			.isGreaterThanOrEqualTo(millis(200));
	}

	@Test
	void anIdlePastOfMoreThanTwoWindowsIsForgotten() {
		LatencyQuantile learned = new LatencyQuantile(0.5, WINDOW, 10, this.ticker);
		recordMany(learned, 100, millis(20));
		this.ticker.advance(WINDOW.multipliedBy(3));
		learned.record(millis(500));
		assertThat(learned.sampleCount()).isOne();
		assertThat(learned.quantileNanos()).isEqualTo(LatencyQuantile.UNKNOWN);
	}

	@Test
	void theAnswerIsCachedForAnEighthOfAWindow() {
		LatencyQuantile learned = new LatencyQuantile(0.5, WINDOW, 1, this.ticker);
		recordMany(learned, 10, millis(20));
		long first = learned.quantileNanos();
		recordMany(learned, 100, millis(400));
		this.ticker.advance(WINDOW.dividedBy(8).minusNanos(1));
		assertThat(learned.quantileNanos()).isEqualTo(first);
		this.ticker.advanceNanos(1);
		assertThat(learned.quantileNanos()).isGreaterThanOrEqualTo(millis(400));
	}

	@Test
	void concurrentRecordingLosesNoCount() throws Exception {
		LatencyQuantile learned = new LatencyQuantile(0.99, WINDOW, 1, this.ticker);
		int threads = 8;
		int each = 20_000;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				long latency = millis(t + 1);
				done.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < each; i++) {
						learned.record(latency);
						learned.quantileNanos();
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : done) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(learned.sampleCount()).isEqualTo((long) threads * each);
		this.ticker.advance(WINDOW.dividedBy(8));
		assertThat(learned.quantileNanos()).isBetween(millis(8), millis(8) + millis(8) / 16);
	}

	@Test
	void badArgumentsAreRefusedByName() {
		assertThatIllegalArgumentException().isThrownBy(() -> new LatencyQuantile(1.0, WINDOW, 1, this.ticker))
			.withMessageContaining("quantile");
		assertThatIllegalArgumentException().isThrownBy(() -> new LatencyQuantile(0.5, Duration.ZERO, 1, this.ticker))
			.withMessageContaining("window");
		assertThatIllegalArgumentException().isThrownBy(() -> new LatencyQuantile(0.5, WINDOW, 0, this.ticker))
			.withMessageContaining("minimumSamples");
	}

	private static void recordMany(LatencyQuantile learned, int count, long nanos) {
		for (int i = 0; i < count; i++) {
			learned.record(nanos);
		}
	}

	private static long millis(long millis) {
		return TimeUnit.MILLISECONDS.toNanos(millis);
	}

}
