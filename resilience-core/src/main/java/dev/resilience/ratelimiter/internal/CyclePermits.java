package dev.resilience.ratelimiter.internal;

import java.util.concurrent.atomic.AtomicLong;

import dev.resilience.Ticker;

/**
 * The permits of a rate limiter as one lock-free counter. Time is cut into cycles of
 * {@code periodNanos}, the first starting when the limiter is created; cycle {@code k}
 * owns the permits numbered {@code k * limit} to {@code (k + 1) * limit - 1}. The only
 * state is the number of the next permit to hand out: taking a permit moves it to
 * {@code max(next, first permit of the current cycle) + 1} with one compare-and-set, so
 * the permits an idle cycle did not use are skipped, and a permit of a later cycle (a
 * caller that may wait) is simply a number past the current cycle's. A cycle therefore
 * never hands out more than {@code limit} permits, and callers that wait are served in
 * the order they reserved.
 * <p>
 * This is resilience4j's {@code AtomicRateLimiter} (cycles aligned to creation, permits
 * of later cycles reserved by callers that may wait) with its state, an immutable object
 * swapped per call, folded into one {@code long}, the way GCRA keeps one theoretical
 * arrival time: nothing is allocated per permit.
 * <p>
 * Every decision reads the counter, then the ticker, and takes effect only if the counter
 * did not move in between (a refusal re-reads it), so each one is the decision of the
 * instant the ticker was read: decisions are linearizable with the ticker as part of the
 * state ({@code CyclePermitsLinearizabilityTests}).
 * <p>
 * Permit numbers are 64-bit: counting stays exact for {@code 2^63 / limit} cycles, which
 * is at least 292 years for any limiter granting at most one permit per nanosecond.
 */
public final class CyclePermits {

	private final Ticker ticker;

	private final long origin;

	private final long periodNanos;

	private final long limit;

	/** The last cycle whose permits can be numbered without overflow. */
	private final long lastCycle;

	/** Number of the next permit to hand out. */
	private final AtomicLong next = new AtomicLong();

	/**
	 * @param ticker the limiter's time
	 * @param periodNanos length of a cycle, positive
	 * @param limit permits per cycle, positive
	 */
	public CyclePermits(Ticker ticker, long periodNanos, int limit) {
		this.ticker = ticker;
		this.periodNanos = periodNanos;
		this.limit = limit;
		this.lastCycle = Long.MAX_VALUE / limit - 2;
		this.origin = ticker.read();
	}

	/**
	 * Takes the next free permit if it is due within {@code maxWaitNanos}.
	 * @return the permit's number (zero or more) for {@link #nanosUntilDue} and
	 * {@link #giveBack}, or, when it is refused, minus the nanoseconds until the next
	 * free permit is due (at least one)
	 */
	public long reserve(long maxWaitNanos) {
		for (;;) {
			long next = this.next.get();
			long elapsed = elapsed(this.ticker.read());
			long cycle = cycle(elapsed);
			long permit = Math.max(next, cycle * this.limit);
			long wait = waitFor(permit, cycle, elapsed);
			if (wait > maxWaitNanos) {
				if (this.next.get() == next) {
					return -wait;
				}
			}
			else if (this.next.compareAndSet(next, permit + 1)) {
				return permit;
			}
		}
	}

	/**
	 * Nanoseconds from now until the cycle of {@code permit} starts; zero once it has.
	 */
	public long nanosUntilDue(long permit) {
		long elapsed = elapsed(this.ticker.read());
		return waitFor(permit, cycle(elapsed), elapsed);
	}

	/**
	 * Hands back a permit that was reserved but will not be used, if no later permit was
	 * taken since: the counter moves back by one. Otherwise the permit is lost, and its
	 * cycle hands out one permit fewer.
	 * @return whether the permit is free again
	 */
	public boolean giveBack(long permit) {
		return this.next.compareAndSet(permit + 1, permit);
	}

	/**
	 * Permits left in the current cycle, minus the permits of later cycles already
	 * reserved by waiting callers; at most {@code limit}.
	 */
	public long available() {
		for (;;) {
			long next = this.next.get();
			long cycle = cycle(elapsed(this.ticker.read()));
			long first = cycle * this.limit;
			if (this.next.get() == next) {
				return first + this.limit - Math.max(next, first);
			}
		}
	}

	/**
	 * Nanoseconds until the next free permit is due, zero when one is free now; takes
	 * nothing.
	 */
	public long nanosUntilNextFree() {
		for (;;) {
			long next = this.next.get();
			long elapsed = elapsed(this.ticker.read());
			long cycle = cycle(elapsed);
			long wait = waitFor(Math.max(next, cycle * this.limit), cycle, elapsed);
			if (this.next.get() == next) {
				return wait;
			}
		}
	}

	private long elapsed(long now) {
		return Math.max(0, now - this.origin);
	}

	private long cycle(long elapsed) {
		return Math.min(elapsed / this.periodNanos, this.lastCycle);
	}

	private long waitFor(long permit, long cycle, long elapsed) {
		long permitCycle = permit / this.limit;
		if (permitCycle <= cycle) {
			return 0;
		}
		// Saturated: a cycle whose start does not fit in a long is as good as never.
		long start = (permitCycle > Long.MAX_VALUE / this.periodNanos) ? Long.MAX_VALUE
				: permitCycle * this.periodNanos;
		return Math.max(1, start - elapsed);
	}

	@Override
	public String toString() {
		return "CyclePermits[limit=" + this.limit + ", periodNanos=" + this.periodNanos + ", next=" + this.next.get()
				+ "]";
	}

}
