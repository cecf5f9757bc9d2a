package dev.resilience.timeout.internal;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.ReentrantLock;

import dev.resilience.Scheduler;
import dev.resilience.Ticker;

/**
 * Interrupts synchronous calls whose deadline has passed, without a task per call.
 * <p>
 * Each thread that runs a call under a timeout owns a small stack of reusable {@link Slot
 * slots} (one per nesting level, allocated once per thread and level). Arming a deadline
 * writes the deadline into the next slot and publishes it with one volatile write;
 * disarming is one CAS. One watcher thread per ticker (the system ticker's is shared by
 * the whole JVM) scans the armed slots every {@link #RESOLUTION_NANOS millisecond} while
 * anything is armed (paced by the system scheduler; the deadlines themselves are read
 * from the ticker). At a deadline it moves the slot from armed to fired and interrupts
 * the owner thread. With nothing armed it waits, woken by the next arming, and ends after
 * a second idle; the next arming starts it again. The watcher never runs the caller's
 * code. A deadline is therefore seen up to about one millisecond late by the watcher; the
 * caller itself compares the ticker with the deadline when the call ends, so a call that
 * ends after its deadline always fails, whether or not the watcher got to it.
 * <p>
 * A slot's state carries a generation that changes on every arming, so a watcher that
 * read a slot of an earlier call can never fire the next call that reuses it.
 * <p>
 * Interrupts: the watcher interrupts the owner only when it is not interrupted already,
 * and remembers whether it did; the caller clears the interrupt only in that case. An
 * interrupt the caller had before the call and that the call did not consume is therefore
 * kept. Java has one interrupt flag per thread: an interrupt from someone else that
 * arrives after the watcher's, during the same call, cannot be told apart from it and is
 * cleared with it.
 */
public final class DeadlineWatcher {

	/**
	 * How often the watcher scans the armed slots while any is armed: one millisecond.
	 */
	public static final long RESOLUTION_NANOS = 1_000_000L;

	/** How long an idle watcher thread waits for work before it ends. */
	static final long LINGER_NANOS = 1_000_000_000L;

	private static final SlotStack[] NO_STACKS = {};

	private static final AtomicIntegerFieldUpdater<DeadlineWatcher> RUNNING = AtomicIntegerFieldUpdater
		.newUpdater(DeadlineWatcher.class, "running");

	private static final DeadlineWatcher SYSTEM = new DeadlineWatcher(Ticker.system(), "resilience-timeout-watcher",
			true);

	private final Ticker ticker;

	private final String threadName;

	private final boolean ownThread;

	private final ThreadLocal<SlotStack> stacks = new ThreadLocal<>();

	private final ReentrantLock lock = new ReentrantLock();

	/** Every registered stack; guarded by {@link #lock}. */
	private SlotStack[] registered = NO_STACKS;

	private int registeredCount;

	private int scans;

	private volatile int running;

	private volatile boolean idle;

	private volatile Thread thread;

	private DeadlineWatcher(Ticker ticker, String threadName, boolean ownThread) {
		this.ticker = ticker;
		this.threadName = threadName;
		this.ownThread = ownThread;
	}

	/**
	 * The watcher for {@code ticker}: the JVM's shared one for the system ticker, else a
	 * new one with its own daemon thread, started on the first armed deadline and ended
	 * after a second without any.
	 */
	public static DeadlineWatcher forTicker(Ticker ticker, String name) {
		if (ticker == Ticker.system()) {
			return SYSTEM;
		}
		return new DeadlineWatcher(ticker, "resilience-timeout-watcher-" + name, true);
	}

	/**
	 * A watcher without a thread: deadlines fire only when {@link #checkDeadlines()} is
	 * called. For tests that drive time by hand.
	 */
	static DeadlineWatcher manual(Ticker ticker) {
		return new DeadlineWatcher(ticker, "manual", false);
	}

	Ticker ticker() {
		return this.ticker;
	}

	/**
	 * Arms a deadline for a call about to run on the current thread.
	 * @return the slot to hand to {@link #disarm}, which must be called on the same
	 * thread in reverse order of arming
	 */
	Slot arm(long deadline) {
		SlotStack stack = this.stacks.get();
		if (stack == null) {
			stack = register();
		}
		Slot slot = stack.push();
		slot.arm(deadline);
		if (this.ownThread) {
			wakeWatcher();
		}
		return slot;
	}

	/**
	 * Disarms a slot armed by this thread.
	 * @param now the ticker's time when the call ended
	 * @return whether the deadline had passed: the watcher fired it (its interrupt, if it
	 * set one, is cleared) or {@code now} is past it
	 */
	boolean disarm(Slot slot, long now) {
		try {
			return slot.disarm(now);
		}
		finally {
			slot.stack.pop();
		}
	}

	/**
	 * Fires every armed slot whose deadline has passed by the ticker.
	 * @return whether any slot is still armed
	 */
	boolean checkDeadlines() {
		long now = this.ticker.read();
		boolean armed = false;
		this.lock.lock();
		try {
			boolean prune = (++this.scans % 1024) == 0;
			for (int i = 0; i < this.registeredCount; i++) {
				SlotStack stack = this.registered[i];
				if (stack.check(now)) {
					armed = true;
				}
				else if (prune && !stack.owner.isAlive()) {
					this.registered[i] = this.registered[--this.registeredCount];
					this.registered[this.registeredCount] = null;
					i--;
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		return armed;
	}

	/** Number of threads whose slots the watcher scans; for tests. */
	int registeredThreads() {
		this.lock.lock();
		try {
			return this.registeredCount;
		}
		finally {
			this.lock.unlock();
		}
	}

	private SlotStack register() {
		SlotStack stack = new SlotStack(Thread.currentThread());
		this.lock.lock();
		try {
			if (this.registeredCount == this.registered.length) {
				this.registered = Arrays.copyOf(this.registered, Math.max(8, this.registeredCount * 2));
			}
			this.registered[this.registeredCount++] = stack;
		}
		finally {
			this.lock.unlock();
		}
		this.stacks.set(stack);
		return stack;
	}

	private void wakeWatcher() {
		if (this.running == 0) {
			if (RUNNING.compareAndSet(this, 0, 1)) {
				startThread();
			}
		}
		else if (this.idle) {
			// Ends the idle watcher's pause; only at the step from idle to busy.
			this.idle = false;
			this.thread.interrupt();
		}
	}

	private void startThread() {
		// Started from a caller's thread: it takes none of its inheritable thread locals
		// (a logging context, say) nor its class loader, which it would pin for as long
		// as it lives.
		Thread watcher = new Thread(null, this::watch, this.threadName, 0, false);
		watcher.setDaemon(true);
		watcher.setContextClassLoader(null);
		this.thread = watcher;
		watcher.start();
	}

	private void watch() {
		for (;;) {
			if (checkDeadlines()) {
				pause(RESOLUTION_NANOS);
				continue;
			}
			// Publish idleness, then look again: an arming that missed the flag is seen
			// here.
			this.idle = true;
			if (checkDeadlines()) {
				this.idle = false;
				continue;
			}
			pause(LINGER_NANOS);
			this.idle = false;
			if (checkDeadlines()) {
				continue;
			}
			this.running = 0;
			if (checkDeadlines() && RUNNING.compareAndSet(this, 0, 1)) {
				continue;
			}
			return;
		}
	}

	/**
	 * Waits between two scans. The deadlines come from the watcher's ticker; only this
	 * pacing is real time, through the system scheduler, whatever the ticker.
	 */
	private static void pause(long nanos) {
		try {
			Scheduler.system().sleep(nanos);
		}
		catch (InterruptedException woken) {
			// An arming woke the idle watcher: scan now.
		}
	}

}
