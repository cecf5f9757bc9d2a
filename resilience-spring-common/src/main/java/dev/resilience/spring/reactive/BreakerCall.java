package dev.resilience.spring.reactive;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.resilience.Ticker;
import dev.resilience.circuitbreaker.CircuitBreaker;

/** One subscription admitted by the breaker: records its one terminal signal. */
final class BreakerCall {

	private final CircuitBreaker.Permission permission;

	private final Ticker ticker;

	private final long start;

	private final AtomicBoolean ended = new AtomicBoolean();

	BreakerCall(CircuitBreaker.Permission permission, Ticker ticker) {
		this.permission = permission;
		this.ticker = ticker;
		this.start = ticker.read();
	}

	void onComplete() {
		if (this.ended.compareAndSet(false, true)) {
			this.permission.onSuccess(this.ticker.read() - this.start);
		}
	}

	void onError(Throwable failure) {
		if (this.ended.compareAndSet(false, true)) {
			this.permission.onError(this.ticker.read() - this.start, failure);
		}
	}

	void onCancel() {
		if (this.ended.compareAndSet(false, true)) {
			this.permission.release();
		}
	}

}
