package dev.resilience.spring.reactive;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

import dev.resilience.Ticker;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.circuitbreaker.CircuitBreaker;

/**
 * The breaker on a {@code Mono}, as one operator: admission at subscription (a refusal is
 * a {@code CallNotPermittedException} error signal), then the one outcome recorded: the
 * value (a {@code Mono}'s one value is its success, even when the subscriber cancels from
 * inside {@code onNext}, as {@code Flux.next()} or {@code zip} do), the completion or the
 * error; a cancel before any of them records nothing but gives the permit back. The same
 * rules as {@link BreakerCall} on a {@code Flux}, in one subscriber instead of a chain of
 * operators.
 */
final class BreakerMono extends Mono<Object> {

	private final CircuitBreaker circuitBreaker;

	private final Ticker ticker;

	private final Mono<Object> source;

	BreakerMono(CircuitBreaker circuitBreaker, Ticker ticker, Mono<Object> source) {
		this.circuitBreaker = circuitBreaker;
		this.ticker = ticker;
		this.source = source;
	}

	@Override
	public void subscribe(CoreSubscriber<? super Object> actual) {
		CircuitBreaker.Permission permission = this.circuitBreaker.tryAdmit();
		if (permission == null) {
			Operators.error(actual, new CallNotPermittedException(this.circuitBreaker.getName(),
					this.circuitBreaker.getState().name()));
			return;
		}
		this.source.subscribe(new Call(actual, permission, this.ticker));
	}

	/** One admitted subscription: passes every signal through, records the first end. */
	static final class Call implements CoreSubscriber<Object>, Subscription {

		private static final AtomicIntegerFieldUpdater<Call> ENDED = AtomicIntegerFieldUpdater.newUpdater(Call.class,
				"ended");

		private final CoreSubscriber<? super Object> actual;

		private final CircuitBreaker.Permission permission;

		private final Ticker ticker;

		private final long start;

		private Subscription upstream;

		private volatile int ended;

		Call(CoreSubscriber<? super Object> actual, CircuitBreaker.Permission permission, Ticker ticker) {
			this.actual = actual;
			this.permission = permission;
			this.ticker = ticker;
			this.start = ticker.read();
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.upstream = subscription;
			this.actual.onSubscribe(this);
		}

		@Override
		public void onNext(Object value) {
			// A Mono's one value is its success, recorded before the subscriber sees it:
			// many operators cancel from inside onNext once they have it.
			if (ENDED.compareAndSet(this, 0, 1)) {
				this.permission.onSuccess(this.ticker.read() - this.start);
			}
			this.actual.onNext(value);
		}

		@Override
		public void onError(Throwable failure) {
			if (ENDED.compareAndSet(this, 0, 1)) {
				this.permission.onError(this.ticker.read() - this.start, failure);
			}
			this.actual.onError(failure);
		}

		@Override
		public void onComplete() {
			if (ENDED.compareAndSet(this, 0, 1)) {
				this.permission.onSuccess(this.ticker.read() - this.start);
			}
			this.actual.onComplete();
		}

		@Override
		public void request(long n) {
			this.upstream.request(n);
		}

		@Override
		public void cancel() {
			if (ENDED.compareAndSet(this, 0, 1)) {
				this.permission.release();
			}
			this.upstream.cancel();
		}

	}

}
