package dev.resilience.bulkhead.internal;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.resilience.bulkhead.Bulkhead;

/**
 * A {@link Bulkhead.CallPermit} of a bulkhead that learns nothing from how a call ends:
 * the first report returns the permit through {@link Bulkhead#releasePermission()}.
 */
public final class ReleasingPermit extends AtomicBoolean implements Bulkhead.CallPermit {

	private final transient Bulkhead bulkhead;

	public ReleasingPermit(Bulkhead bulkhead) {
		this.bulkhead = bulkhead;
	}

	@Override
	public void onSuccess() {
		release();
	}

	@Override
	public void onFailure(Throwable failure) {
		release();
	}

	@Override
	public void onCancel() {
		release();
	}

	private void release() {
		if (compareAndSet(false, true)) {
			this.bulkhead.releasePermission();
		}
	}

}
