package dev.resilience.circuitbreaker.internal;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import dev.resilience.circuitbreaker.CallOutcome;
import dev.resilience.circuitbreaker.CircuitBreaker.Metrics;

/**
 * The live metrics view of one breaker: each getter reads the current state's counts
 * once. It reads the state as it is, without the timer transition a call would make.
 */
final class BreakerMetrics implements Metrics {

	private final AtomicReference<BreakerState> state;

	private final LongAdder notPermittedCalls;

	private final CallTotals totals;

	/** {@code null} when adaptive slow calls are off. */
	private final AdaptiveSlowCallThreshold adaptiveSlowCall;

	BreakerMetrics(AtomicReference<BreakerState> state, LongAdder notPermittedCalls, CallTotals totals,
			AdaptiveSlowCallThreshold adaptiveSlowCall) {
		this.state = state;
		this.notPermittedCalls = notPermittedCalls;
		this.totals = totals;
		this.adaptiveSlowCall = adaptiveSlowCall;
	}

	@Override
	public float getFailureRate() {
		return counts().failureRate();
	}

	@Override
	public float getSlowCallRate() {
		return counts().slowCallRate();
	}

	@Override
	public int getNumberOfBufferedCalls() {
		return saturatedInt(counts().bufferedCalls());
	}

	@Override
	public int getNumberOfFailedCalls() {
		return saturatedInt(counts().failedCalls());
	}

	@Override
	public int getNumberOfSlowCalls() {
		return saturatedInt(counts().slowCalls());
	}

	@Override
	public int getNumberOfSuccessfulCalls() {
		CallCounts counts = counts();
		long failed = counts.failedCalls();
		return saturatedInt(Math.max(0, counts.bufferedCalls() - failed));
	}

	@Override
	public long getNumberOfNotPermittedCalls() {
		return this.notPermittedCalls.sum();
	}

	@Override
	public long getAdaptiveSlowCallThresholdNanos() {
		return (this.adaptiveSlowCall != null) ? this.adaptiveSlowCall.thresholdNanos() : -1;
	}

	@Override
	public long getTotalNumberOfCalls(CallOutcome outcome) {
		return this.totals.count(outcome);
	}

	@Override
	public long getTotalDurationNanos(CallOutcome outcome) {
		return this.totals.durationNanos(outcome);
	}

	private CallCounts counts() {
		return this.state.get().counts();
	}

	private static int saturatedInt(long value) {
		return (int) Math.min(Integer.MAX_VALUE, value);
	}

	@Override
	public String toString() {
		return "Metrics[failureRate=" + getFailureRate() + ", slowCallRate=" + getSlowCallRate() + ", bufferedCalls="
				+ getNumberOfBufferedCalls() + ", failedCalls=" + getNumberOfFailedCalls() + ", notPermittedCalls="
				+ getNumberOfNotPermittedCalls() + "]";
	}

}
