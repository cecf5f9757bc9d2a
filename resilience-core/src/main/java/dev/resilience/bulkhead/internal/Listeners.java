package dev.resilience.bulkhead.internal;

import java.lang.System.Logger.Level;
import java.util.Arrays;

import dev.resilience.bulkhead.BulkheadListener;
import dev.resilience.internal.Requirements;

/**
 * Copy-on-write set of {@link BulkheadListener}s. Reads are a volatile load of an array, so
 * notifying allocates nothing; registration is rare and synchronized.
 */
final class Listeners {

	private static final BulkheadListener[] NONE = new BulkheadListener[0];

	private static final System.Logger logger = System.getLogger("dev.resilience.bulkhead");

	private volatile BulkheadListener[] listeners = NONE;

	synchronized void add(BulkheadListener listener) {
		Requirements.requireNonNull(listener, "listener");
		BulkheadListener[] current = this.listeners;
		BulkheadListener[] updated = Arrays.copyOf(current, current.length + 1);
		updated[current.length] = listener;
		this.listeners = updated;
	}

	synchronized void remove(BulkheadListener listener) {
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
