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
final class RetryMono extends Mono<Object> {

	private final Retry retry;

	private final Scheduler scheduler;

	private final ContextPropagator propagator;

	private final Mono<Object> source;

	private final Invocation invocation;

	/** {@code null} when no value is retried. */
	private final ResultPredicate<? super Invocation, Object> retryOnResult;

	RetryMono(Retry retry, Scheduler scheduler, ContextPropagator propagator, Mono<Object> source) {
		this(retry, scheduler, propagator, source, null, null);
	}

	/**
	 * A retry that also retries each value (or empty completion, as {@code null}) for
	 * which {@code retryOnResult}, asked with {@code invocation}, answers {@code true}.
	 */
	RetryMono(Retry retry, Scheduler scheduler, ContextPropagator propagator, Mono<Object> source,
			Invocation invocation, ResultPredicate<? super Invocation, Object> retryOnResult) {
		this.retry = retry;
		this.scheduler = scheduler;
		this.propagator = propagator;
		this.source = source;
		this.invocation = invocation;
		this.retryOnResult = retryOnResult;
	}

	@Override
	public void subscribe(CoreSubscriber<? super Object> actual) {
		Retry.AttemptContext context = (this.retryOnResult != null)
				? this.retry.begin(this.invocation, this.retryOnResult) : this.retry.begin();
		Call call = new Call(actual, context, this.scheduler, this.source);
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

		/** Whether the current attempt has emitted its value. */
		private volatile boolean valued;

		/**
		 * The wait before the next attempt once the current one, whose value is to be
		 * retried, completes; {@code -1} when none is due.
		 */
		private volatile long retryOnComplete = -1;

		/** Set when judging a value failed: the call has ended with that failure. */
		private volatile boolean judgingFailed;

		Call(CoreSubscriber<? super Object> actual, Retry.AttemptContext context, Scheduler scheduler,
				Mono<Object> source) {
			this.actual = actual;
			this.context = context;
			this.scheduler = scheduler;
			this.source = source;
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
			// A Mono's one value is the call's success (unless its predicate retries
			// it), counted before the subscriber sees it (a cancel from inside onNext is
			// then a no-op for the context).
			this.valued = true;
			long delay = judge(value);
			if (delay == -1) {
				this.actual.onNext(value);
			}
			else if (delay >= 0) {
				// A Mono completes right after its value: the next attempt starts then.
				this.retryOnComplete = delay;
			}
		}

		/**
		 * Asks the context about a result: {@code -1} to hand it on, a delay to retry it,
		 * {@code -2} when judging it failed and the subscriber has been told.
		 */
		private long judge(Object value) {
			try {
				return this.context.onResult(value);
			}
			catch (Throwable ex) {
				ReactivePipeline.rethrowIfFatal(ex);
				this.judgingFailed = true;
				this.actual.onError(ex);
				return -2;
			}
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
			if (this.judgingFailed) {
				return;
			}
			long delay = this.retryOnComplete;
			if (delay >= 0) {
				this.retryOnComplete = -1;
				retryAfter(delay);
				return;
			}
			if (!this.valued) {
				// An empty Mono's result is null.
				delay = judge(null);
				if (delay == -2) {
					return;
				}
				if (delay >= 0) {
					retryAfter(delay);
					return;
				}
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
			this.valued = false;
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

}
