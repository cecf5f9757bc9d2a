package dev.resilience.retry.internal;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import dev.resilience.retry.RetryConfig;
import dev.resilience.retry.RetryConfig.Backoff;
import dev.resilience.retry.RetryConfig.Jitter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every wait the backoff hands out, for fixed and exponential backoff under every jitter,
 * lies in the range {@link RetryConfig.Jitter} documents for it, is never negative, never
 * above {@code max-wait-duration}, and does not overflow for huge attempt numbers or
 * durations.
 */
class BackoffPropertyTests {

	@Provide
	Arbitrary<Duration> durations() {
		return Arbitraries.oneOf(Arbitraries.longs().between(0, 60_000).map(Duration::ofMillis),
				Arbitraries.longs().between(0, 1_000_000).map(Duration::ofNanos),
				Arbitraries.of(Duration.ZERO, Duration.ofDays(365L * 100), Duration.ofSeconds(Long.MAX_VALUE / 2)));
	}

	@Provide
	Arbitrary<Integer> retries() {
		return Arbitraries.oneOf(Arbitraries.integers().between(1, 80),
				Arbitraries.integers().between(1, Integer.MAX_VALUE), Arbitraries.just(Integer.MAX_VALUE));
	}

	@Provide
	Arbitrary<Double> multipliers() {
		return Arbitraries.oneOf(Arbitraries.doubles().between(1.0, 10.0), Arbitraries.of(1.0, 2.0, 1e6));
	}

	@Property(tries = 400)
	void everyWaitLiesWithinItsDocumentedRange(@ForAll Backoff backoff, @ForAll Jitter jitter,
			@ForAll("durations") Duration first, @ForAll("durations") Duration second,
			@ForAll("multipliers") double multiplier, @ForAll("retries") int retry) {
		Duration wait = (first.compareTo(second) <= 0) ? first : second;
		Duration maxWait = (first.compareTo(second) <= 0) ? second : first;
		RetryConfig config = RetryConfig.custom()
			.backoff(backoff)
			.jitter(jitter)
			.waitDuration(wait)
			.maxWaitDuration(maxWait)
			.multiplier(multiplier)
			.build();
		BackoffCalculator calculator = new BackoffCalculator(config);
		long cap = nanosAtMost(maxWait);
		long base = Math.min(nanosAtMost(wait), cap);
		long b = expectedBeforeJitter(backoff, base, cap, multiplier, retry);
		long previous = calculator.initialPreviousDelay();
		// A few successive retries, so decorrelated jitter sees its own previous waits.
		for (int n = retry; n < retry + 3 && n > 0; n++) {
			long before = (backoff == Backoff.FIXED) ? base : expectedBeforeJitter(backoff, base, cap, multiplier, n);
			long delay = calculator.delayNanos(n, previous);
			assertThat(delay).as("wait before retry %d", n).isNotNegative().isLessThanOrEqualTo(cap);
			switch (jitter) {
				case NONE -> assertThat(delay).isBetween(before - tolerance(before), before + tolerance(before));
				case FULL -> assertThat(delay).isBetween(0L, before + tolerance(before));
				case EQUAL -> assertThat(delay).isBetween(before / 2 - tolerance(before), before + tolerance(before));
				case DECORRELATED -> {
					long upper = Math.min(cap, Math.max(base, saturatedTimesThree(previous)));
					assertThat(delay).isBetween(Math.min(base, cap), upper);
				}
			}
			previous = delay;
		}
		assertThat(b).isBetween(0L, cap);
	}

	/** Room for the rounding of {@code base * multiplier^(n-1)} in double arithmetic. */
	private static long tolerance(long value) {
		return 1 + (long) (value * 1e-12);
	}

	private static long saturatedTimesThree(long value) {
		return (value > Long.MAX_VALUE / 3) ? Long.MAX_VALUE : value * 3;
	}

	/**
	 * The documented {@code b}: {@code wait * multiplier^(retry - 1)} capped, computed in
	 * decimals.
	 */
	private static long expectedBeforeJitter(Backoff backoff, long base, long cap, double multiplier, int retry) {
		if (backoff == Backoff.FIXED || retry <= 1 || base == 0) {
			return base;
		}
		if (base * Math.pow(multiplier, retry - 1.0) > cap * (1 + 1e-9)) {
			return cap;
		}
		// BigDecimal.pow takes exponents below a billion: raise to a third of it, then
		// cube.
		BigDecimal factor = new BigDecimal(multiplier);
		int exponent = retry - 1;
		BigDecimal power = factor.pow(exponent / 3, MathContext.DECIMAL128)
			.pow(3, MathContext.DECIMAL128)
			.multiply(factor.pow(exponent % 3, MathContext.DECIMAL128), MathContext.DECIMAL128);
		BigDecimal value = BigDecimal.valueOf(base).multiply(power);
		return (value.compareTo(BigDecimal.valueOf(cap)) >= 0) ? cap : value.longValue();
	}

	/**
	 * The calculator saturates a duration at about 73 years, documented as its largest
	 * wait.
	 */
	private static long nanosAtMost(Duration duration) {
		long max = BackoffCalculator.MAX_DELAY_NANOS;
		return (duration.getSeconds() >= max / 1_000_000_000L) ? max : duration.toNanos();
	}

}
