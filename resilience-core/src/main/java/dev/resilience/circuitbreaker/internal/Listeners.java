package dev.resilience.circuitbreaker.internal;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import dev.resilience.circuitbreaker.CallOutcome;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerListener;

/**
 * The listeners of one breaker, in a copy-on-write volatile array: notifying reads the array and
 * loops over it, so with no listener it costs one volatile read and allocates nothing. A
 * listener's exception is caught; the first one of each registration is logged. Registration
 * takes a {@link ReentrantLock}, not a monitor (see {@code EngineMonitorTests}).
 */
final class Listeners {

	private static final System.Logger LOGGER = System.getLogger("dev.resilience.circuitbreaker");

	private static final Entry[] NONE = {};

	private final ReentrantLock lock = new ReentrantLock();

	private volatile Entry[] entries = NONE;

	void add(CircuitBreakerListener listener) {
		this.lock.lock();
		try {
			Entry[] current = this.entries;
			for (Entry entry : current) {
				if (entry.listener == listener) {
					return;
				}
			}
			Entry[] updated = Arrays.copyOf(current, current.length + 1);
			updated[current.length] = new Entry(listener);
			this.entries = updated;
		}
		finally {
			this.lock.unlock();
		}
	}

	void remove(CircuitBreakerListener listener) {
		this.lock.lock();
		try {
			Entry[] current = this.entries;
			for (int i = 0; i < current.length; i++) {
				if (current[i].listener == listener) {
					Entry[] updated = new Entry[current.length - 1];
					System.arraycopy(current, 0, updated, 0, i);
					System.arraycopy(current, i + 1, updated, i, current.length - i - 1);
					this.entries = updated;
					return;
				}
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	void stateTransition(CircuitBreaker breaker, CircuitBreaker.State from, CircuitBreaker.State to, String reason) {
		for (Entry entry : this.entries) {
			try {
				entry.listener.onStateTransition(breaker, from, to, reason);
			}
			catch (Throwable ex) {
				entry.failed(breaker, ex);
			}
		}
	}

	void callRecorded(CircuitBreaker breaker, CallOutcome outcome, long durationNanos) {
		for (Entry entry : this.entries) {
			try {
				entry.listener.onCallRecorded(breaker, outcome, durationNanos);
			}
			catch (Throwable ex) {
				entry.failed(breaker, ex);
			}
		}
	}

	private static final class Entry {

		final CircuitBreakerListener listener;

		private final AtomicBoolean reported = new AtomicBoolean();

		Entry(CircuitBreakerListener listener) {
			this.listener = listener;
		}

		void failed(CircuitBreaker breaker, Throwable ex) {
			if (ex instanceof VirtualMachineError error) {
				throw error;
			}
			if (this.reported.compareAndSet(false, true)) {
				LOGGER.log(Level.WARNING, "CircuitBreaker '" + breaker.getName() + "': listener "
						+ this.listener.getClass().getName() + " threw; its later failures are not logged", ex);
			}
		}

	}

}
