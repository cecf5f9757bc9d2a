package dev.resilience.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

import dev.resilience.Scheduler;

/**
 * A {@link Scheduler} driven by a {@link FakeTicker}: scheduled tasks run, on the thread
 * that advances time, once the ticker passes their due time; {@link #sleep(long)}
 * advances the ticker instead of blocking. Records every requested delay so tests can
 * assert backoff sequences.
 */
public final class FakeScheduler implements Scheduler {

	private final FakeTicker ticker;

	private final PriorityQueue<Task> tasks = new PriorityQueue<>();

	private final List<Long> requestedDelays = new ArrayList<>();

	private long sequence;

	public FakeScheduler(FakeTicker ticker) {
		this.ticker = ticker;
	}

	public FakeTicker ticker() {
		return this.ticker;
	}

	@Override
	public synchronized Cancellable schedule(Runnable task, long delayNanos) {
		this.requestedDelays.add(delayNanos);
		Task scheduled = new Task(this.ticker.read() + delayNanos, this.sequence++, task);
		this.tasks.add(scheduled);
		return () -> {
			synchronized (this) {
				this.tasks.remove(scheduled);
			}
		};
	}

	@Override
	public void sleep(long delayNanos) {
		synchronized (this) {
			this.requestedDelays.add(delayNanos);
		}
		advanceNanos(delayNanos);
	}

	/** Advances time and runs every task that falls due, in due order. */
	public void advance(Duration duration) {
		advanceNanos(duration.toNanos());
	}

	public void advanceNanos(long delta) {
		long target = this.ticker.read() + delta;
		while (true) {
			Task next;
			synchronized (this) {
				next = this.tasks.peek();
				if (next == null || next.due > target) {
					break;
				}
				this.tasks.poll();
			}
			long now = this.ticker.read();
			if (next.due > now) {
				this.ticker.advanceNanos(next.due - now);
			}
			next.runnable.run();
		}
		long now = this.ticker.read();
		if (target > now) {
			this.ticker.advanceNanos(target - now);
		}
	}

	/** Runs every pending task, advancing time as far as needed. */
	public void runAll() {
		while (true) {
			long due;
			synchronized (this) {
				Task next = this.tasks.peek();
				if (next == null) {
					return;
				}
				due = next.due;
			}
			advanceNanos(Math.max(0, due - this.ticker.read()));
		}
	}

	public synchronized int pendingTasks() {
		return this.tasks.size();
	}

	/** Every delay passed to {@link #schedule} or {@link #sleep}, in order. */
	public synchronized List<Long> requestedDelays() {
		return new ArrayList<>(this.requestedDelays);
	}

	private record Task(long due, long sequence, Runnable runnable) implements Comparable<Task> {

		@Override
		public int compareTo(Task other) {
			int byDue = Long.compare(this.due, other.due);
			return (byDue != 0) ? byDue : Long.compare(this.sequence, other.sequence);
		}

	}

}
