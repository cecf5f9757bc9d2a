package dev.resilience.timeout.internal;

import java.util.Arrays;

/** The slots of one thread, one per nesting level. Used by its owner thread only. */
final class SlotStack {

	final Thread owner;

	private volatile Slot[] slots = new Slot[2];

	private int depth;

	SlotStack(Thread owner) {
		this.owner = owner;
	}

	Slot push() {
		Slot[] current = this.slots;
		if (this.depth == current.length) {
			current = Arrays.copyOf(current, current.length * 2);
			this.slots = current;
		}
		Slot slot = current[this.depth];
		if (slot == null) {
			slot = new Slot(this);
			current[this.depth] = slot;
			// Republish, so the watcher sees the new slot.
			this.slots = current;
		}
		this.depth++;
		return slot;
	}

	void pop() {
		this.depth--;
	}

	/** Watcher side: fires expired slots; returns whether any is armed. */
	boolean check(long now) {
		boolean armed = false;
		for (Slot slot : this.slots) {
			if (slot == null) {
				break;
			}
			if (slot.check(now)) {
				armed = true;
			}
		}
		return armed;
	}

}
