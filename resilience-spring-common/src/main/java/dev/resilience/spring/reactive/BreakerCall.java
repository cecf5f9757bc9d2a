package dev.resilience.spring.reactive;

import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Flux;

import dev.resilience.Ticker;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.circuitbreaker.CircuitBreaker;

/**
 * One subscription to a {@code Flux} admitted by the breaker: records its one terminal
 * signal.
 */
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

	/**
	 * The breaker as a Reactor operator: admission at subscription (a refusal is a
	 * {@code CallNotPermittedException} error signal), then one call per subscription.
	 */
	static Flux<Object> apply(CircuitBreaker circuitBreaker, Ticker ticker, Flux<Object> source) {
		return Flux.defer(() -> {
			CircuitBreaker.Permission permission = circuitBreaker.tryAdmit();
			if (permission == null) {
				return Flux
					.error(new CallNotPermittedException(circuitBreaker.getName(), circuitBreaker.getState().name()));
			}
			BreakerCall call = new BreakerCall(permission, ticker);
			return source.doOnComplete(call::onComplete).doOnError(call::onError).doOnCancel(call::onCancel);
		});
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
