package dev.resilience.bulkhead.internal;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

import dev.resilience.bulkhead.BulkheadListener;
import dev.resilience.internal.Requirements;

/**
 * Copy-on-write set of {@link BulkheadListener}s. Reads are a volatile load of an array, so
 * notifying allocates nothing; registration is rare and takes a {@link ReentrantLock}, not a
 * monitor (see {@code EngineMonitorTests}).
 */
final class Listeners {

	private static final BulkheadListener[] NONE = new BulkheadListener[0];

	private static final System.Logger logger = System.getLogger("dev.resilience.bulkhead");

	private final ReentrantLock lock = new ReentrantLock();

	private volatile BulkheadListener[] listeners = NONE;

	void add(BulkheadListener listener) {
		Requirements.requireNonNull(listener, "listener");
		this.lock.lock();
		try {
			BulkheadListener[] current = this.listeners;
			BulkheadListener[] updated = Arrays.copyOf(current, current.length + 1);
			updated[current.length] = listener;
			this.listeners = updated;
		}
		finally {
			this.lock.unlock();
		}
	}

	void remove(BulkheadListener listener) {
		this.lock.lock();
		try {
			BulkheadListener[] current = this.listeners;
			for (int i = 0; i < current.length; i++) {
				if (current[i] == listener) {
					BulkheadListener[] updated = new BulkheadListener[current.length - 1];
					System.arraycopy(current, 0, updated, 0, i);
					System.arraycopy(current, i + 1, updated, i, current.length - i - 1);
					this.listeners = updated;
					return;
				}
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	void callRejected(String bulkheadName) {
		for (BulkheadListener listener : this.listeners) {
			try {
				listener.onCallRejected(bulkheadName);
			}
			catch (RuntimeException ex) {
				// A faulty metrics listener must not turn a refusal into a different failure.
				logger.log(Level.WARNING, "BulkheadListener " + listener + " failed on a rejection by bulkhead '"
						+ bulkheadName + "'", ex);
			}
		}
	}

}
