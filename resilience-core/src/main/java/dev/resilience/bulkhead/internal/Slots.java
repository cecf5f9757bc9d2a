package dev.resilience.bulkhead.internal;

import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The slots of a {@link FixedThreadPoolBulkhead} and the queue of calls waiting for one.
 * At most {@code maxSize} calls hold a slot; up to {@code queueCapacity} more wait, first
 * come first served; a slot coming back is handed straight to the oldest waiting call.
 * <p>
 * Slots and queue change together under one {@link ReentrantLock} (not a monitor, so a
 * virtual thread contending for it unmounts), held for a few field writes and never while
 * user code runs. The counts are volatile as well, for the metrics, which read them
 * without the lock.
 */
final class Slots {

	/** What {@link #admit} did with a call. */
	enum Admission {

		/** The call holds a slot and may start. */
		START,

		/** The call waits in the queue for a slot. */
		QUEUED,

		/** Every slot and every queue place is taken: the call is refused. */
		FULL,

		/** The bulkhead is closed: the call is refused without counting a rejection. */
		CLOSED

	}

	private final int maxSize;

	private final int queueCapacity;

	private final ReentrantLock lock = new ReentrantLock();

	/** Calls admitted and not yet ended; guarded by {@link #lock}. */
	private volatile int inFlight;

	/** Calls waiting for a slot, oldest first; guarded by {@link #lock}. */
	private final ArrayDeque<PoolTask<?, ?>> waiting = new ArrayDeque<>();

	/** Size of {@link #waiting}, for the metrics. */
	private volatile int queued;

	/** Written under {@link #lock}. */
	private volatile boolean closed;

	Slots(int maxSize, int queueCapacity) {
		this.maxSize = maxSize;
		this.queueCapacity = queueCapacity;
	}

	/**
	 * Gives {@code task} a slot or a queue place, if there is one and the bulkhead is
	 * open.
	 */
	Admission admit(PoolTask<?, ?> task) {
		this.lock.lock();
		try {
			if (this.closed) {
				return Admission.CLOSED;
			}
			if (this.inFlight < this.maxSize) {
				this.inFlight++;
				return Admission.START;
			}
			if (this.waiting.size() < this.queueCapacity) {
				this.waiting.addLast(task);
				this.queued = this.waiting.size();
				return Admission.QUEUED;
			}
			return Admission.FULL;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Removes a call that has not started from the queue; whether it was still there. */
	boolean dequeue(PoolTask<?, ?> task) {
		this.lock.lock();
		try {
			boolean removed = this.waiting.remove(task);
			this.queued = this.waiting.size();
			return removed;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * A call ended: its slot goes to the oldest waiting call, which is returned marked as
	 * starting, or back to the free slots ({@code null} is returned).
	 */
	PoolTask<?, ?> release() {
		this.lock.lock();
		try {
			PoolTask<?, ?> next = this.waiting.pollFirst();
			this.queued = this.waiting.size();
			if (next == null) {
				this.inFlight--;
			}
			else {
				next.state = PoolTask.STARTING;
			}
			return next;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Refuses further calls; whether no call is left in flight. Queued calls need no
	 * check: a call waits only while every slot is held.
	 */
	boolean close() {
		this.lock.lock();
		try {
			this.closed = true;
			return this.inFlight == 0;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Whether the bulkhead is closed and its last call has ended. Read after
	 * {@link #release()} without the lock: {@link #close()} writes its flag, and a
	 * release its count, under the lock, so whichever of the two comes second sees that
	 * the threads may go.
	 */
	boolean isDrained() {
		return this.closed && this.inFlight == 0;
	}

	int inFlight() {
		return this.inFlight;
	}

	int queued() {
		return this.queued;
	}

}
