package dev.resilience.timeout.internal;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * One deadline of a synchronous call, reused by the next call at the same nesting level
 * of the same thread (see {@link DeadlineWatcher}). Phases: idle, armed, firing (the
 * watcher is delivering its interrupt), fired, fired with an interrupt. {@code state} is
 * {@code generation << PHASE_BITS | phase}; the deadline is written by the owner before
 * the volatile write that arms the slot, and read by the watcher after the volatile read
 * that finds it armed.
 */
final class Slot {

	static final int IDLE = 0;

	static final int ARMED = 1;

	static final int FIRING = 2;

	static final int FIRED = 3;

	static final int FIRED_INTERRUPTED = 4;

	static final int PHASE_BITS = 3;

	static final long PHASE_MASK = (1L << PHASE_BITS) - 1;

	private static final AtomicLongFieldUpdater<Slot> STATE = AtomicLongFieldUpdater.newUpdater(Slot.class, "state");

	final SlotStack stack;

	private volatile long state;

	private long deadline;

	/** The state this owner armed; owner only. */
	private long armedState;

	Slot(SlotStack stack) {
		this.stack = stack;
	}

	void arm(long deadline) {
		this.deadline = deadline;
		long generation = (this.armedState >>> PHASE_BITS) + 1;
		this.armedState = (generation << PHASE_BITS) | ARMED;
		this.state = this.armedState;
	}

	boolean disarm(long now) {
		long generation = this.armedState & ~PHASE_MASK;
		if (STATE.compareAndSet(this, this.armedState, generation | IDLE)) {
			return now - this.deadline >= 0;
		}
		long current = this.state;
		while ((current & PHASE_MASK) == FIRING) {
			Thread.onSpinWait();
			current = this.state;
		}
		if ((current & PHASE_MASK) == FIRED_INTERRUPTED) {
			Thread.interrupted();
		}
		this.state = generation | IDLE;
		return true;
	}

	/**
	 * Watcher side: fires the slot if armed and expired; returns whether still armed.
	 */
	boolean check(long now) {
		long current = this.state;
		if ((current & PHASE_MASK) != ARMED) {
			return false;
		}
		if (now - this.deadline < 0) {
			return true;
		}
		return !fire(current);
	}

	/** The state as the watcher reads it; for tests. */
	long observe() {
		return this.state;
	}

	/**
	 * Watcher side: fires the call that was armed when the slot was read as
	 * {@code observed}.
	 * @return whether it fired; {@code false} when that call has ended since, even if the
	 * slot is armed again for a later call
	 */
	boolean fire(long observed) {
		long generation = observed & ~PHASE_MASK;
		if (!STATE.compareAndSet(this, observed, generation | FIRING)) {
			return false;
		}
		Thread owner = this.stack.owner;
		boolean interrupting = !owner.isInterrupted();
		if (interrupting) {
			owner.interrupt();
		}
		this.state = generation | (interrupting ? FIRED_INTERRUPTED : FIRED);
		return true;
	}

}
