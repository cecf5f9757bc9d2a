package dev.resilience.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.resilience.Ticker;

/** A {@link Ticker} that moves only when a test advances it. Thread-safe. */
public final class FakeTicker implements Ticker {

	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	@Override
	public long read() {
		return this.nanos.get();
	}

	public FakeTicker advance(Duration duration) {
		return advanceNanos(duration.toNanos());
	}

	public FakeTicker advanceNanos(long delta) {
		if (delta < 0) {
			throw new IllegalArgumentException("time cannot go backwards: " + delta);
		}
		this.nanos.addAndGet(delta);
		return this;
	}

}
