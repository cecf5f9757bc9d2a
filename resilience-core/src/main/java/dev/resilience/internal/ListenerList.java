package dev.resilience.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * The listeners of one policy instance, with the one rule every policy follows:
 * <ul>
 * <li>a listener is registered at most once: adding one already registered (the same
 * object) does nothing, and removing one not registered does nothing;</li>
 * <li>listeners are called in registration order, on the thread of the event;</li>
 * <li>a listener that throws does not stop the others, nor change the call it hears
 * about; its first failure is logged at {@code WARNING} with the stack trace, later ones
 * of the same registration at {@code DEBUG}, so a listener failing on every call cannot
 * flood the log;</li>
 * <li>a {@link VirtualMachineError} is never swallowed: it is rethrown at once.</li>
 * </ul>
 * Registrations are a copy-on-write volatile array: notifying reads it once and loops, so
 * with no listener it costs one volatile read and allocates nothing; registering takes a
 * {@link ReentrantLock}, not a monitor (see {@code EngineMonitorTests}).
 *
 * @param <L> the listener type
 */
public final class ListenerList<L> {

	private static final Entry<?>[] NONE = {};

	private final Logger logger;

	private final String owner;

	private final ReentrantLock lock = new ReentrantLock();

	@SuppressWarnings("unchecked")
	private volatile Entry<L>[] entries = (Entry<L>[]) NONE;

	/**
	 * @param logger where failing listeners are reported
	 * @param owner the instance, as a reader of the log knows it:
	 * {@code CircuitBreaker 'payments'}
	 */
	public ListenerList(Logger logger, String owner) {
		this.logger = Requirements.requireNonNull(logger, "logger");
		this.owner = Requirements.requireNonNull(owner, "owner");
	}

	/** Registers {@code listener}; one already registered is left as it is. */
	public void add(L listener) {
		Requirements.requireNonNull(listener, "listener");
		this.lock.lock();
		try {
			Entry<L>[] current = this.entries;
			for (Entry<L> entry : current) {
				if (entry.listener == listener) {
					return;
				}
			}
			Entry<L>[] updated = Arrays.copyOf(current, current.length + 1);
			updated[current.length] = new Entry<>(listener);
			this.entries = updated;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Unregisters {@code listener}; one not registered is ignored. */
	public void remove(L listener) {
		this.lock.lock();
		try {
			Entry<L>[] current = this.entries;
			for (int i = 0; i < current.length; i++) {
				if (current[i].listener == listener) {
					Entry<L>[] updated = Arrays.copyOf(current, current.length - 1);
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

	/** Whether no listener is registered: callers may skip building an event. */
	public boolean isEmpty() {
		return this.entries.length == 0;
	}

	/** The number of registered listeners. */
	public int size() {
		return this.entries.length;
	}

	/**
	 * Calls {@code event} with each listener and {@code argument}. A non-capturing lambda
	 * or a method reference plus an argument keeps the call allocation-free.
	 */
	public <A> void fire(BiConsumer<? super L, ? super A> event, A argument) {
		for (Entry<L> entry : this.entries) {
			try {
				event.accept(entry.listener, argument);
			}
			catch (Throwable ex) {
				failed(entry, ex);
			}
		}
	}

	/** Calls {@code event} with each listener and two arguments. */
	public <A, B> void fire(TriConsumer<? super L, ? super A, ? super B> event, A first, B second) {
		for (Entry<L> entry : this.entries) {
			try {
				event.accept(entry.listener, first, second);
			}
			catch (Throwable ex) {
				failed(entry, ex);
			}
		}
	}

	/** Calls {@code event} with each listener and three arguments. */
	public <A, B, C> void fire(QuadConsumer<? super L, ? super A, ? super B, ? super C> event, A first, B second,
			C third) {
		for (Entry<L> entry : this.entries) {
			try {
				event.accept(entry.listener, first, second, third);
			}
			catch (Throwable ex) {
				failed(entry, ex);
			}
		}
	}

	/**
	 * Calls {@code event} with each listener, two arguments and a {@code long} (a
	 * duration in nanoseconds), without boxing it: for events on every call's path.
	 */
	public <A, B> void fireWithLong(LongEvent<? super L, ? super A, ? super B> event, A first, B second, long value) {
		for (Entry<L> entry : this.entries) {
			try {
				event.accept(entry.listener, first, second, value);
			}
			catch (Throwable ex) {
				failed(entry, ex);
			}
		}
	}

	private void failed(Entry<L> entry, Throwable ex) {
		Failures.rethrowIfFatal(ex);
		boolean first = entry.reported.compareAndSet(false, true);
		Level level = first ? Level.WARNING : Level.DEBUG;
		if (this.logger.isLoggable(level)) {
			String message = this.owner + ": listener " + entry.listener.getClass().getName() + " threw"
					+ (first ? "; later failures of this listener are logged at DEBUG" : "");
			this.logger.log(level, message, ex);
		}
	}

	@Override
	public String toString() {
		return "ListenerList[" + this.owner + ", " + this.entries.length + " listeners]";
	}

	/** An event with two arguments besides the listener. */
	@FunctionalInterface
	public interface TriConsumer<L, A, B> {

		void accept(L listener, A first, B second);

	}

	/** An event with three arguments besides the listener. */
	@FunctionalInterface
	public interface QuadConsumer<L, A, B, C> {

		void accept(L listener, A first, B second, C third);

	}

	/** An event with two arguments and a {@code long} besides the listener. */
	@FunctionalInterface
	public interface LongEvent<L, A, B> {

		void accept(L listener, A first, B second, long value);

	}

	private static final class Entry<L> {

		final L listener;

		final AtomicBoolean reported = new AtomicBoolean();

		Entry(L listener) {
			this.listener = listener;
		}

	}

}
