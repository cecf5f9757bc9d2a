package dev.resilience.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.DoubleSupplier;

/**
 * Random numbers given in advance; running out fails the test, so it also shows how many
 * numbers a call drew.
 */
public final class ScriptedRandom implements DoubleSupplier {

	private final Deque<Double> numbers = new ArrayDeque<>();

	private int drawn;

	public ScriptedRandom then(double... next) {
		for (double number : next) {
			this.numbers.add(number);
		}
		return this;
	}

	@Override
	public synchronized double getAsDouble() {
		Double next = this.numbers.poll();
		if (next == null) {
			throw new AssertionError("no scripted random number left after " + this.drawn);
		}
		this.drawn++;
		return next;
	}

	public synchronized int drawn() {
		return this.drawn;
	}

	public synchronized int left() {
		return this.numbers.size();
	}

}
