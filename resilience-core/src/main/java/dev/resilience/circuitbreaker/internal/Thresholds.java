package dev.resilience.circuitbreaker.internal;

import java.util.Locale;

/**
 * The opening thresholds of one set of counts (a closed breaker's window, or the trial
 * calls of a half-open one) and the reasons given for a transition. Immutable. Rates are
 * computed in {@code float} percent, as reported by the metrics, so a decision and the
 * figure shown for it agree. Reason strings are built only when a transition is due.
 */
final class Thresholds {

	private final int minimumNumberOfCalls;

	private final float failureRateThreshold;

	private final float slowCallRateThreshold;

	Thresholds(int minimumNumberOfCalls, float failureRateThreshold, float slowCallRateThreshold) {
		this.minimumNumberOfCalls = minimumNumberOfCalls;
		this.failureRateThreshold = failureRateThreshold;
		this.slowCallRateThreshold = slowCallRateThreshold;
	}

	/**
	 * Percent of {@code part} in {@code buffered}, or -1 below the minimum number of
	 * calls.
	 */
	float rate(long buffered, long part) {
		if (buffered < this.minimumNumberOfCalls) {
			return -1;
		}
		// Counters read under contention may be off by the calls in flight: keep the
		// figure sane.
		float rate = part * 100f / buffered;
		return Math.max(0f, Math.min(100f, rate));
	}

	boolean reached(long buffered, long failed, long slow) {
		return buffered >= this.minimumNumberOfCalls && (rate(buffered, failed) >= this.failureRateThreshold
				|| rate(buffered, slow) >= this.slowCallRateThreshold);
	}

	/**
	 * Why a closed breaker opens, such as
	 * {@code failure rate 62.5% >= 50.0% over 8 calls}; null if it does not.
	 */
	String openingReason(long buffered, long failed, long slow) {
		if (!reached(buffered, failed, slow)) {
			return null;
		}
		return rateReason(buffered, failed, slow) + " over " + buffered + " calls";
	}

	/** Why a half-open breaker reopens or closes after its trial calls. */
	String trialReason(long buffered, long failed, long slow) {
		String prefix = buffered + " trial calls: ";
		if (reached(buffered, failed, slow)) {
			return prefix + rateReason(buffered, failed, slow);
		}
		String reason = prefix + "failure rate " + percent(rate(buffered, failed)) + " < "
				+ percent(this.failureRateThreshold);
		if (slow > 0) {
			reason += ", slow call rate " + percent(rate(buffered, slow)) + " < " + percent(this.slowCallRateThreshold);
		}
		return reason;
	}

	private String rateReason(long buffered, long failed, long slow) {
		float failureRate = rate(buffered, failed);
		if (failureRate >= this.failureRateThreshold) {
			return "failure rate " + percent(failureRate) + " >= " + percent(this.failureRateThreshold);
		}
		return "slow call rate " + percent(rate(buffered, slow)) + " >= " + percent(this.slowCallRateThreshold);
	}

	static String percent(float value) {
		return String.format(Locale.ROOT, "%.1f%%", value);
	}

}
