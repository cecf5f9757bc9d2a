package dev.resilience.spring.reactive;

import java.util.ArrayList;
import java.util.List;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.resilience.ContextPropagator;
import dev.resilience.Invocation;
import dev.resilience.Scheduler;
import dev.resilience.Stage;
import dev.resilience.Ticker;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.chaos.Chaos;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.fallback.FallbackConfig;
import dev.resilience.fallback.FallbackHandler;
import dev.resilience.fallback.FallbackListener;
import dev.resilience.hedge.Hedge;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.retry.ResultPredicate;
import dev.resilience.retry.Retry;
import dev.resilience.timeout.Timeout;

/**
 * The policies of one method returning {@code Mono} or {@code Flux}, as Reactor operators
 * in the order of the engine's pipeline (idempotency, fallback, retry, hedge, circuit
 * breaker, rate limiter, timeout, bulkhead, chaos, method). Nothing runs when the
 * method's result is assembled: each subscription is one protected call, which invokes
 * the method and subscribes to what it returns. A retry re-subscribes after a delay on
 * the engine's scheduler, blocking no thread; the breaker records the terminal signal and
 * a cancel records nothing (a half-open trial permit is given back); a rate limiter
 * permit is taken per subscription, waiting on the limiter's scheduler; a timeout fails
 * the subscription at its deadline, on the engine's scheduler, and cancels the upstream;
 * a bulkhead permit is held from subscription to termination or cancel; a fallback
 * answers the error signal with the same reactive type or a plain value;
 * {@code @Idempotent} on a {@code Mono} runs each subscription through the idempotency
 * stage. Metrics and listeners count as for a {@code CompletionStage} method. See
 * {@code docs/reactive.md}. A {@code Mono} stays on {@code Mono} operators, the breaker
 * ({@link BreakerMono}) and the retry ({@link RetryMono}) one subscriber each; a
 * {@code Flux} takes the same rules as a chain of Reactor's operators
 * ({@link BreakerCall}, {@link RetryCall}).
 * <p>
 * Immutable and thread-safe; built once per method at startup. Over 300 lines for its
 * builder, one setter per policy.
 */
public final class ReactivePipeline {

	private final String description;

	private final boolean mono;

	private final FallbackHandler fallback;

	private final FallbackConfig fallbackConfig;

	private final FallbackListener fallbackListener;

	private final String fallbackMethod;

	private final Retry retry;

	/** {@code null} when no result is retried. */
	private final ResultPredicate<? super Invocation, Object> retryOnResult;

	private final Scheduler scheduler;

	private final ContextPropagator propagator;

	private final CircuitBreaker circuitBreaker;

	private final Ticker ticker;

	private final RateLimiter rateLimiter;

	private final Timeout timeout;

	private final Bulkhead bulkhead;

	private final Stage idempotency;

	private final Hedge hedge;

	private final List<Chaos> chaos;

	private ReactivePipeline(Builder builder) {
		this.description = builder.description;
		this.mono = builder.mono;
		this.fallback = builder.fallback;
		this.fallbackConfig = builder.fallbackConfig;
		this.fallbackListener = builder.fallbackListener;
		this.fallbackMethod = builder.fallbackMethod;
		this.retry = builder.retry;
		this.retryOnResult = builder.retryOnResult;
		this.scheduler = builder.scheduler;
		this.propagator = builder.propagator;
		this.circuitBreaker = builder.circuitBreaker;
		this.ticker = builder.ticker;
		this.rateLimiter = builder.rateLimiter;
		this.timeout = builder.timeout;
		this.bulkhead = builder.bulkhead;
		this.idempotency = builder.idempotency;
		this.hedge = builder.hedge;
		this.chaos = List.copyOf(builder.chaos);
	}

	/**
	 * A pipeline for a method returning {@code Mono} ({@code mono}) or {@code Flux}.
	 * @param description the method, as named in messages
	 * @param ticker times calls for the breaker and the timeout
	 * @param scheduler waits between retries, runs deadlines
	 * @param propagator carries the subscriber's context to each retry
	 */
	public static Builder builder(String description, boolean mono, Ticker ticker, Scheduler scheduler,
			ContextPropagator propagator) {
		return new Builder(description, mono, ticker, scheduler, propagator);
	}

	/**
	 * The protected result of one call of the method: a {@code Mono} or a {@code Flux}
	 * that invokes it through {@code invocation} on each subscription. Never throws.
	 * @param invocation proceeds to the method; may proceed once per subscription and
	 * retry
	 */
	public Object invoke(Invocation invocation) {
		if (this.mono) {
			return invokeMono(invocation);
		}
		Flux<Object> flux = limited(Flux.defer(() -> attempt(invocation)));
		if (this.circuitBreaker != null) {
			flux = BreakerCall.apply(this.circuitBreaker, this.ticker, flux);
		}
		if (this.retry != null) {
			flux = RetryCall.apply(this.retry, this.scheduler, this.propagator, flux);
		}
		if (this.fallback != null) {
			flux = flux.onErrorResume((failure) -> answer(failure, invocation));
		}
		return flux;
	}

	/** Chaos, the bulkhead, the timeout and the rate limiter, innermost first. */
	private Flux<Object> limited(Flux<Object> flux) {
		if (!this.chaos.isEmpty()) {
			flux = ChaosSubscription.apply(this.chaos, this.scheduler, this.propagator, flux);
		}
		if (this.bulkhead != null) {
			flux = BulkheadSubscription.apply(this.bulkhead, this.mono, flux);
		}
		if (this.timeout != null) {
			flux = TimeoutCall.apply(this.timeout, this.ticker, this.scheduler, this.propagator, this.mono, flux);
		}
		return (this.rateLimiter != null) ? RateLimitedSubscription.apply(this.rateLimiter, flux) : flux;
	}

	/**
	 * A {@code Mono} stays on {@code Mono} operators end to end, the breaker and the
	 * retry each one operator of a single subscriber: far cheaper per subscription than
	 * the {@code Flux} chain, with the same signals.
	 */
	private Mono<Object> invokeMono(Invocation invocation) {
		Mono<Object> mono = new AttemptMono(this, invocation);
		if (this.bulkhead != null || this.timeout != null || this.rateLimiter != null || !this.chaos.isEmpty()) {
			mono = Mono.fromDirect(limited(Flux.from(mono)));
		}
		if (this.circuitBreaker != null) {
			mono = new BreakerMono(this.circuitBreaker, this.ticker, mono);
		}
		if (this.hedge != null) {
			mono = HedgedMono.apply(this.hedge, mono);
		}
		if (this.retry != null) {
			mono = (this.retryOnResult != null) ? RetryMono.judgingResults(this.retry, this.scheduler, this.propagator,
					mono, invocation, this.retryOnResult)
					: new RetryMono(this.retry, this.scheduler, this.propagator, mono);
		}
		if (this.fallback != null) {
			mono = mono.onErrorResume((failure) -> Mono.fromDirect(answer(failure, invocation)));
		}
		if (this.idempotency != null) {
			return IdempotentSubscription.apply(this.idempotency, invocation, mono);
		}
		return mono;
	}

	@SuppressWarnings("unchecked")
	Publisher<Object> attempt(Invocation invocation) {
		Object result;
		try {
			result = invocation.proceed();
		}
		catch (Throwable ex) {
			rethrowIfFatal(ex);
			return Flux.error(ex);
		}
		if (result == null) {
			return Flux.error(new NullPointerException(
					this.description + " returned null instead of a " + (this.mono ? "Mono" : "Flux")));
		}
		return (Publisher<Object>) result;
	}

	@SuppressWarnings("unchecked")
	private Publisher<Object> answer(Throwable failure, Invocation invocation) {
		if (!this.fallbackConfig.shouldHandle(failure) || !this.fallback.handles(failure)) {
			return Flux.error(failure);
		}
		if (this.fallbackListener != null) {
			this.fallbackListener.onFallback(this.fallbackMethod, failure);
		}
		Object answer;
		try {
			answer = this.fallback.handle(invocation, failure);
		}
		catch (Throwable ex) {
			rethrowIfFatal(ex);
			return Flux.error(ex);
		}
		Publisher<Object> publisher = (answer instanceof Publisher<?> reactive) ? (Publisher<Object>) reactive
				: (answer != null) ? Mono.just(answer) : Mono.empty();
		return (this.idempotency != null) ? IdempotentSubscription.markFallback(publisher) : publisher;
	}

	static void rethrowIfFatal(Throwable ex) {
		if (ex instanceof VirtualMachineError error) {
			throw error;
		}
	}

	@Override
	public String toString() {
		return "ReactivePipeline[" + this.description + "]";
	}

	/** Collects the policies of one method. */
	public static final class Builder {

		private final String description;

		private final boolean mono;

		private final Ticker ticker;

		private final Scheduler scheduler;

		private final ContextPropagator propagator;

		private FallbackHandler fallback;

		private FallbackConfig fallbackConfig;

		private FallbackListener fallbackListener;

		private String fallbackMethod;

		private Retry retry;

		private ResultPredicate<? super Invocation, Object> retryOnResult;

		private CircuitBreaker circuitBreaker;

		private RateLimiter rateLimiter;

		private Timeout timeout;

		private Bulkhead bulkhead;

		private Stage idempotency;

		private Hedge hedge;

		private final List<Chaos> chaos = new ArrayList<>();

		private Builder(String description, boolean mono, Ticker ticker, Scheduler scheduler,
				ContextPropagator propagator) {
			this.description = description;
			this.mono = mono;
			this.ticker = ticker;
			this.scheduler = scheduler;
			this.propagator = propagator;
		}

		/**
		 * @param listener told of each fallback, or {@code null}
		 * @param method the method as the listener names it
		 */
		public Builder fallback(FallbackHandler handler, FallbackConfig config, FallbackListener listener,
				String method) {
			this.fallback = handler;
			this.fallbackConfig = config;
			this.fallbackListener = listener;
			this.fallbackMethod = method;
			return this;
		}

		/**
		 * Retries each value of a {@code Mono} (and its empty completion, as
		 * {@code null}) for which {@code retryOnResult} answers {@code true};
		 * {@code null} retries no value. Not for a {@code Flux}.
		 */
		public Builder retryOnResult(ResultPredicate<? super Invocation, Object> retryOnResult) {
			if (retryOnResult != null && !this.mono) {
				throw new IllegalArgumentException("retryOnResult works on a Mono only");
			}
			this.retryOnResult = retryOnResult;
			return this;
		}

		public Builder retry(Retry retry) {
			this.retry = retry;
			return this;
		}

		public Builder circuitBreaker(CircuitBreaker circuitBreaker) {
			this.circuitBreaker = circuitBreaker;
			return this;
		}

		public Builder rateLimiter(RateLimiter rateLimiter) {
			this.rateLimiter = rateLimiter;
			return this;
		}

		/**
		 * Its deadline runs on the pipeline's scheduler, timed on the pipeline's ticker.
		 */
		public Builder timeout(Timeout timeout) {
			this.timeout = timeout;
			return this;
		}

		/**
		 * A semaphore or adaptive bulkhead; the Spring layer refuses a thread-pool one at
		 * startup.
		 */
		public Builder bulkhead(Bulkhead bulkhead) {
			this.bulkhead = bulkhead;
			return this;
		}

		/**
		 * The idempotency stage, outermost; only on a {@code Mono}, the Spring layer
		 * refuses it on a {@code Flux} at startup.
		 */
		public Builder idempotency(Stage stage) {
			this.idempotency = stage;
			return this;
		}

		/**
		 * Hedges each subscription, inside the retry and outside the breaker: each
		 * attempt subscribes to the breaker, rate limiter, timeout and bulkhead again.
		 * Only on a {@code Mono}; the Spring layer refuses it on a {@code Flux} at
		 * startup.
		 */
		public Builder hedge(Hedge hedge) {
			this.hedge = hedge;
			return this;
		}

		/**
		 * A chaos instance, innermost; several each roll their own faults, in the order
		 * they were added.
		 */
		public Builder chaos(Chaos chaos) {
			if (!this.chaos.contains(chaos)) {
				this.chaos.add(chaos);
			}
			return this;
		}

		public ReactivePipeline build() {
			return new ReactivePipeline(this);
		}

	}

}
