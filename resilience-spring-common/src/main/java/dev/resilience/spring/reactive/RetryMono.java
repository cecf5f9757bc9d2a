package dev.resilience.spring.reactive;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import dev.resilience.ContextPropagator;
import dev.resilience.Invocation;
import dev.resilience.Scheduler;
import dev.resilience.retry.ResultPredicate;
import dev.resilience.retry.Retry;

/**
 * The retry on a {@code Mono}, as one operator: each failed attempt asks the engine
 * whether and when to retry, and the next attempt re-subscribes to the source after the
 * delay on the engine's scheduler, in the context captured at subscription, blocking no
 * thread. The same rules as {@link RetryCall} on a {@code Flux}, in one subscriber
 * instead of {@code retryWhen}'s machinery.
 */
class RetryMono extends Mono<Object> {

	private final Retry retry;

	private final Scheduler scheduler;

	private final ContextPropagator propagator;

	private final Mono<Object> source;

	RetryMono(Retry retry, Scheduler scheduler, ContextPropagator propagator, Mono<Object> source) {
		this.retry = retry;
		this.scheduler = scheduler;
		this.propagator = propagator;
		this.source = source;
	}

	/**
	 * A retry that also retries each value (or empty completion, as {@code null}) for
	 * which {@code retryOnResult}, asked with {@code invocation}, answers {@code true}. A
	 * subclass, so that a retry without one is no larger.
	 */
	static RetryMono judgingResults(Retry retry, Scheduler scheduler, ContextPropagator propagator, Mono<Object> source,
			Invocation invocation, ResultPredicate<? super Invocation, Object> retryOnResult) {
		return new JudgingResults(retry, scheduler, propagator, source, invocation, retryOnResult);
	}

	/** Starts one call, whose results no predicate judges. */
	Retry.AttemptContext begin(Retry retry) {
		return retry.begin();
	}

	boolean judgesResults() {
		return false;
	}

	@Override
	public void subscribe(CoreSubscriber<? super Object> actual) {
		Call call = new Call(actual, begin(this.retry), this.scheduler, this.source, judgesResults());
		call.wake = this.propagator.wrap(call);
		actual.onSubscribe(call);
		if (!call.cancelled) {
			this.source.subscribe(call);
		}
	}

	/**
	 * One subscription: the subscription its downstream sees for all its attempts, and
	 * the subscriber of each attempt.
	 */
	static final class Call implements CoreSubscriber<Object>, Subscription, Runnable {

		private static final Object NO_PREDICATE = new Object();

		private static final Object NOTHING = new Object();

		private final CoreSubscriber<? super Object> actual;

		private final Retry.AttemptContext context;

		private final Scheduler scheduler;

		private final Mono<Object> source;

		/** This call wrapped by the propagator on the subscribing thread. */
		Runnable wake;

		/** The current attempt's subscription. */
		private volatile Subscription upstream;

		private volatile boolean requested;

		volatile boolean cancelled;

		private volatile Scheduler.Cancellable waiting;

		/**
		 * {@link #NO_PREDICATE} when results are not judged; else the current attempt's
		 * value, held until it completes, or {@link #NOTHING} before it (one field, so
		 * that a call without a predicate is no larger than before).
		 */
		private volatile Object value;

		Call(CoreSubscriber<? super Object> actual, Retry.AttemptContext context, Scheduler scheduler,
				Mono<Object> source, boolean judgesResults) {
			this.actual = actual;
			this.context = context;
			this.scheduler = scheduler;
			this.source = source;
			this.value = judgesResults ? NOTHING : NO_PREDICATE;
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.upstream = subscription;
			// A request or cancel racing with a new attempt's subscription reaches it
			// from one side or the other (a Mono takes a request twice or a cancel twice
			// without harm).
			if (this.cancelled) {
				subscription.cancel();
			}
			else if (this.requested) {
				subscription.request(Long.MAX_VALUE);
			}
		}

		@Override
		public void onNext(Object value) {
			if (this.value != NO_PREDICATE) {
				// Judged once the attempt completes, which for a Mono follows at once.
				this.value = value;
				return;
			}
			// A Mono's one value is the call's success, counted before the subscriber
			// sees it (a cancel from inside onNext is then a no-op for the context).
			this.context.onSuccess();
			this.actual.onNext(value);
		}

		@Override
		public void onError(Throwable failure) {
			long delay;
			try {
				delay = this.context.onError(failure);
			}
			catch (Throwable ex) {
				ReactivePipeline.rethrowIfFatal(ex);
				this.actual.onError(ex);
				return;
			}
			if (delay < 0) {
				this.actual.onError(failure);
				return;
			}
			retryAfter(delay);
		}

		private void retryAfter(long delay) {
			this.upstream = null;
			Scheduler.Cancellable scheduled = this.scheduler.schedule(this.wake, delay);
			this.waiting = scheduled;
			if (this.cancelled) {
				scheduled.cancel();
			}
		}

		@Override
		public void onComplete() {
			Object value = this.value;
			if (value == NO_PREDICATE) {
				this.context.onSuccess();
				this.actual.onComplete();
				return;
			}
			long delay;
			try {
				// An empty Mono's result is null.
				delay = this.context.onResult((value != NOTHING) ? value : null);
			}
			catch (Throwable ex) {
				ReactivePipeline.rethrowIfFatal(ex);
				this.actual.onError(ex);
				return;
			}
			if (delay >= 0) {
				this.value = NOTHING;
				retryAfter(delay);
				return;
			}
			if (value != NOTHING) {
				this.actual.onNext(value);
			}
			this.actual.onComplete();
		}

		/** The delay has elapsed: the next attempt starts. */
		@Override
		public void run() {
			this.waiting = null;
			if (this.cancelled) {
				return;
			}
			this.context.onRetry();
			this.source.subscribe(this);
		}

		@Override
		public void request(long n) {
			this.requested = true;
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.request(n);
			}
		}

		@Override
		public void cancel() {
			this.cancelled = true;
			this.context.onCancel();
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.cancel();
			}
			Scheduler.Cancellable scheduled = this.waiting;
			if (scheduled != null) {
				scheduled.cancel();
			}
		}

	}

	private static final class JudgingResults extends RetryMono {

		private final Invocation invocation;

		private final ResultPredicate<? super Invocation, Object> retryOnResult;

		JudgingResults(Retry retry, Scheduler scheduler, ContextPropagator propagator, Mono<Object> source,
				Invocation invocation, ResultPredicate<? super Invocation, Object> retryOnResult) {
			super(retry, scheduler, propagator, source);
			this.invocation = invocation;
			this.retryOnResult = retryOnResult;
		}

		@Override
		Retry.AttemptContext begin(Retry retry) {
			return retry.begin(this.invocation, this.retryOnResult);
		}

		@Override
		boolean judgesResults() {
			return true;
		}

	}

}
