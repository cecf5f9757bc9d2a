package dev.resilience.retry.internal;

import java.util.concurrent.atomic.LongAdder;

import dev.resilience.retry.Retry;
import dev.resilience.retry.RetryOutcome;

/**
 * The counters of one {@link RetryImpl}: one {@link LongAdder} per {@link RetryOutcome}
 * plus the retries made. Recording is lock-free and allocation-free; reads never block
 * calls.
 */
final class RetryMetrics implements Retry.Metrics {

	private final LongAdder[] outcomes = new LongAdder[RetryOutcome.values().length];

	private final LongAdder retryAttempts = new LongAdder();

	RetryMetrics() {
		for (int i = 0; i < this.outcomes.length; i++) {
			this.outcomes[i] = new LongAdder();
		}
	}

	void record(RetryOutcome outcome) {
		this.outcomes[outcome.ordinal()].increment();
	}

	void recordRetryAttempt() {
		this.retryAttempts.increment();
	}

	@Override
	public long getNumberOfSuccessfulCallsWithoutRetryAttempt() {
		return count(RetryOutcome.SUCCESSFUL_WITHOUT_RETRY);
	}

	@Override
	public long getNumberOfSuccessfulCallsWithRetryAttempt() {
		return count(RetryOutcome.SUCCESSFUL_WITH_RETRY);
	}

	@Override
	public long getNumberOfFailedCallsWithRetryAttempt() {
		return count(RetryOutcome.FAILED_WITH_RETRY);
	}

	@Override
	public long getNumberOfFailedCallsWithoutRetryAttempt() {
		return count(RetryOutcome.FAILED_WITHOUT_RETRY);
	}

	@Override
	public long getNumberOfBudgetExhaustedCalls() {
		return count(RetryOutcome.BUDGET_EXHAUSTED);
	}

	@Override
	public long getNumberOfRetryAttempts() {
		return this.retryAttempts.sum();
	}

	private long count(RetryOutcome outcome) {
		return this.outcomes[outcome.ordinal()].sum();
	}

}
