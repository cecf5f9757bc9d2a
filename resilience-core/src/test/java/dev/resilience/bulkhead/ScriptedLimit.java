package dev.resilience.bulkhead;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link LimitAlgorithm} whose limit the test sets, recording every sample it is given.
 */
final class ScriptedLimit implements LimitAlgorithm {

	private volatile int limit;

	final List<Sample> samples = new CopyOnWriteArrayList<>();

	ScriptedLimit(int limit) {
		this.limit = limit;
	}

	void set(int limit) {
		this.limit = limit;
	}

	@Override
	public int getLimit() {
		return this.limit;
	}

	@Override
	public void onSample(long startNanos, long rttNanos, int inFlight, boolean dropped) {
		this.samples.add(new Sample(startNanos, rttNanos, inFlight, dropped));
	}

	record Sample(long startNanos, long rttNanos, int inFlight, boolean dropped) {
	}

}
