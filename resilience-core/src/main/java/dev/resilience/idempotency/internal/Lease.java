package dev.resilience.idempotency.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import dev.resilience.Scheduler;

/**
 * The lease of one running call: renewed every third of {@code in-progress-timeout}, the
 * scheduler timing each renewal and the I/O executor running it, until the call ends. A
 * failed renewal is tried again at the next period (the lease still has two left); a
 * refused one means the lease is lost, which is logged once.
 */
final class Lease implements Runnable {

	final String recordId;

	final String token;

	private final IdempotencyContext context;

	private final AtomicBoolean warned = new AtomicBoolean();

	private volatile boolean ended;

	/**
	 * Set while completing or releasing: a renewal refused then says nothing about the
	 * call.
	 */
	private volatile boolean settling;

	/**
	 * Makes scheduling the next renewal and ending the lease exclusive, so no renewal is
	 * scheduled after the end. Not a monitor: the scheduler's {@code schedule} and
	 * {@code cancel} run while it is held.
	 */
	private final ReentrantLock lock = new ReentrantLock();

	/** Guarded by {@link #lock}. */
	private Scheduler.Cancellable next;

	/** Starts renewing the lease that {@code token} holds on {@code recordId}. */
	Lease(IdempotencyContext context, String recordId, String token) {
		this.context = context;
		this.recordId = recordId;
		this.token = token;
		scheduleRenewal();
	}

	private void scheduleRenewal() {
		this.lock.lock();
		try {
			if (!this.ended) {
				this.next = this.context.scheduler.schedule(this, this.context.renewalNanos);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Called by the scheduler: hands the renewal to the I/O executor, never doing store
	 * I/O itself.
	 */
	@Override
	public void run() {
		if (!this.ended) {
			this.context.dispatch(this::renew);
		}
	}

	private void renew() {
		if (this.ended) {
			return;
		}
		boolean renewed;
		try {
			renewed = this.context.store.renew(this.recordId, this.token, this.context.config.getInProgressTimeout());
		}
		catch (RuntimeException ex) {
			scheduleRenewal();
			return;
		}
		if (renewed) {
			scheduleRenewal();
		}
		else if (!this.ended && !this.settling) {
			lost();
		}
	}

	/**
	 * Logs, once per call, that the call outlived its lease; never the key or an
	 * argument.
	 */
	void lost() {
		if (this.warned.compareAndSet(false, true)) {
			IdempotencyContext.logger.log(Level.WARNING, () -> "Idempotency '" + this.context.name
					+ "': a call outlived its lease (in-progress-timeout " + this.context.config.getInProgressTimeout()
					+ ") because its renewals failed; another call with the same key may have run, and this call's"
					+ " result or release was not recorded");
		}
	}

	/**
	 * Marks the lease as being completed or released: a refused renewal is no longer a
	 * loss.
	 */
	void settle() {
		this.settling = true;
	}

	/** Stops renewing; no renewal is scheduled after this returns. */
	void end() {
		this.lock.lock();
		try {
			this.ended = true;
			if (this.next != null) {
				this.next.cancel();
				this.next = null;
			}
		}
		finally {
			this.lock.unlock();
		}
	}

}
