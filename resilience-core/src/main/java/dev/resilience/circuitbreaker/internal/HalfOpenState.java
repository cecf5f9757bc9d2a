package dev.resilience.circuitbreaker.internal;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.resilience.circuitbreaker.CallOutcome;
import dev.resilience.circuitbreaker.CircuitBreaker.State;

/**
 * Permits exactly {@code permitted-number-of-calls-in-half-open-state} trial calls, each
 * with a one-use {@link TrialPermit} tied to this state, and refuses the others. Once
 * every trial call is recorded it closes or reopens by the thresholds over the trial
 * calls; it reopens at once on the consecutive failure threshold, and, with a max wait,
 * when its trial calls have not all ended in time. A permit given back (a call that never
 * ran, or an ignored exception) returns to this state only while it is current; an
 * outcome reaching it after it was left counts nowhere.
 * <p>
 * Exactly one thread records the last trial call (its compare-and-set on the trial counts
 * sees them all), and that thread alone decides the transition.
 */
final class HalfOpenState extends BreakerState {

	/**
	 * The settings this state was entered with: its trial calls are counted and judged by
	 * them to the end, whatever a reconfiguration changes meanwhile (the next half-open
	 * state uses the new ones).
	 */
	private final BreakerSettings settings;

	private final long enteredAt;

	private final TrialCalls trialCalls;

	private final ConsecutiveFailures consecutiveFailures;

	HalfOpenState(BreakerContext context) {
		super(context, State.HALF_OPEN);
		this.settings = context.settings;
		this.enteredAt = context.ticker.read();
		this.trialCalls = new TrialCalls(this.settings.permittedTrialCalls, this.settings.trialThresholds);
		this.consecutiveFailures = new ConsecutiveFailures();
	}

	@Override
	boolean tryAcquirePermission() {
		return this.trialCalls.tryAcquire();
	}

	@Override
	Admission admit() {
		return this.trialCalls.tryAcquire() ? new TrialPermit(this) : null;
	}

	@Override
	public void release() {
		if (this.context.isCurrent(this)) {
			this.trialCalls.release();
		}
	}

	/** Trial permits not handed out (or given back). */
	int availablePermits() {
		return this.trialCalls.availablePermits();
	}

	boolean maxWaitElapsed() {
		long maxWait = this.settings.maxWaitInHalfOpenNanos;
		return maxWait > 0 && this.context.ticker.read() - this.enteredAt >= maxWait;
	}

	void reopenAfterMaxWait() {
		this.context.transition(this, new OpenState(this.context, this.trialCalls),
				this.settings.maxWaitInHalfOpenReason);
	}

	@Override
	void record(CallOutcome outcome, long durationNanos, BreakerSettings current) {
		this.context.totals.add(outcome, durationNanos);
		if (!this.context.isCurrent(this)) {
			return;
		}
		if (maxWaitElapsed()) {
			// The breaker gave up on its trial calls: one ending now is late, and reopens
			// it.
			reopenAfterMaxWait();
			return;
		}
		long packed = this.trialCalls.record(outcome);
		if (packed == TrialCalls.FULL) {
			return;
		}
		if (this.consecutiveFailures.record(outcome, this.settings.consecutiveFailureThreshold)) {
			this.context.transition(this, new OpenState(this.context, this.trialCalls),
					this.settings.consecutiveFailuresReason);
			return;
		}
		int buffered = PackedCounts.buffered(packed);
		if (buffered < this.settings.permittedTrialCalls) {
			return;
		}
		int failed = PackedCounts.failed(packed);
		int slow = PackedCounts.slow(packed);
		Thresholds thresholds = this.settings.trialThresholds;
		String reason = thresholds.trialReason(buffered, failed, slow);
		BreakerState next = thresholds.reached(buffered, failed, slow) ? new OpenState(this.context, this.trialCalls)
				: new ClosedState(this.context);
		this.context.transition(this, next, reason);
	}

	@Override
	CallCounts counts() {
		return this.trialCalls;
	}

	/**
	 * One trial call of one half-open state; ends once, by an outcome or by giving the
	 * permit back.
	 */
	static final class TrialPermit extends Admission {

		private final HalfOpenState admittedBy;

		private final AtomicBoolean ended = new AtomicBoolean();

		TrialPermit(HalfOpenState admittedBy) {
			super(admittedBy.context);
			this.admittedBy = admittedBy;
		}

		@Override
		void record(CallOutcome outcome, long durationNanos, BreakerSettings settings) {
			if (this.ended.compareAndSet(false, true)) {
				this.admittedBy.record(outcome, durationNanos, settings);
			}
		}

		@Override
		public void release() {
			if (this.ended.compareAndSet(false, true)) {
				this.admittedBy.release();
			}
		}

	}

}
