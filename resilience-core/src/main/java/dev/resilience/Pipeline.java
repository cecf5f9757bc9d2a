package dev.resilience;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.chaos.Chaos;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.fallback.FallbackAnswer;
import dev.resilience.fallback.FallbackConfig;
import dev.resilience.fallback.FallbackHandler;
import dev.resilience.fallback.FallbackListener;
import dev.resilience.hedge.Hedge;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.retry.ResultPredicate;
import dev.resilience.retry.Retry;
import dev.resilience.timeout.Timeout;

import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * The policies protecting one method (or one lambda), composed in the one fixed order of
 * the starter, outermost first:
 *
 * <pre>
 * outer stage (idempotency) → fallback → retry → hedge → circuit breaker → rate limiter
 *     → timeout → bulkhead → chaos → protected code
 * </pre>
 *
 * whatever order the builder is called in. So a replayed idempotent call runs nothing; a
 * fallback sees the failure left after every retry; each retry attempt and each hedged
 * attempt is recorded by the breaker, counted by the rate limiter, bounded by its own
 * timeout and takes a bulkhead permit; a breaker's refusal reaches the fallback without
 * being retried (the retry policy never retries {@code CallNotPermittedException}).
 * <p>
 * Immutable and thread-safe; built once (at startup for annotated methods) and shared by
 * every call. Running a call allocates nothing beyond what the policies themselves need:
 * the chain of stages is linked once, here.
 */
public final class Pipeline {

	private final List<String> description;

	private final CheckedFunction<Invocation, Object> sync;

	private final CheckedFunction<Invocation, CompletionStage<Object>> async;

	private Pipeline(Builder builder) {
		List<Stage> stages = new ArrayList<>();
		List<String> names = new ArrayList<>();
		if (builder.outer != null) {
			stages.add(builder.outer);
			names.add(builder.outerName);
		}
		boolean markFallbackAnswers = builder.outer != null && builder.outerUnwrapsFallbackAnswers
				&& builder.fallbackHandler != null;
		// One stage class per policy (see RetryStage): each call into a policy sees one
		// receiver type.
		if (builder.fallbackHandler != null) {
			stages.add(new FallbackStage(builder.fallbackHandler, builder.fallbackConfig, builder.fallbackListener,
					builder.fallbackMethodName, markFallbackAnswers));
			names.add("fallback");
		}
		if (builder.retry != null) {
			stages.add(new RetryStage(builder.retry, builder.retryOnResult));
			names.add("retry '" + builder.retry.getName() + "'");
		}
		if (builder.hedge != null) {
			stages.add(new HedgeStage(builder.hedge));
			names.add("hedge '" + builder.hedge.getName() + "'");
		}
		if (builder.circuitBreaker != null) {
			stages.add(new CircuitBreakerStage(builder.circuitBreaker));
			names.add("circuit breaker '" + builder.circuitBreaker.getName() + "'");
		}
		if (builder.rateLimiter != null) {
			stages.add(new RateLimiterStage(builder.rateLimiter));
			names.add("rate limiter '" + builder.rateLimiter.getName() + "'");
		}
		if (builder.timeout != null) {
			stages.add(new TimeoutStage(builder.timeout));
			names.add("timeout '" + builder.timeout.getName() + "'");
		}
		if (builder.bulkhead != null) {
			stages.add(new BulkheadStage(builder.bulkhead));
			boolean threadPool = builder.bulkhead.getConfig().getType() == BulkheadConfig.Type.THREAD_POOL;
			names.add((threadPool ? "thread-pool bulkhead '" : "bulkhead '") + builder.bulkhead.getName() + "'");
		}
		for (Chaos chaos : builder.chaos) {
			stages.add(new ChaosStage(chaos));
			names.add("chaos '" + chaos.getName() + "'");
		}
		this.description = List.copyOf(names);
		CheckedFunction<Invocation, Object> syncChain = Invocation::proceed;
		CheckedFunction<Invocation, CompletionStage<Object>> asyncChain = Pipeline::proceedAsync;
		for (int i = stages.size() - 1; i >= 0; i--) {
			Stage stage = stages.get(i);
			CheckedFunction<Invocation, Object> syncNext = syncChain;
			CheckedFunction<Invocation, CompletionStage<Object>> asyncNext = asyncChain;
			syncChain = (invocation) -> stage.call(invocation, syncNext);
			asyncChain = (invocation) -> stage.callAsync(invocation, asyncNext);
		}
		if (markFallbackAnswers) {
			// The one place that keeps the marker from callers: the outer stage was asked
			// to unwrap it, but a caller must not depend on every such stage getting that
			// right.
			CheckedFunction<Invocation, Object> syncMarked = syncChain;
			CheckedFunction<Invocation, CompletionStage<Object>> asyncMarked = asyncChain;
			syncChain = (invocation) -> unwrapAnswer(syncMarked.apply(invocation));
			asyncChain = (invocation) -> {
				CompletionStage<Object> stage = asyncMarked.apply(invocation);
				return (stage != null) ? stage.thenApply(Pipeline::unwrapAnswer) : null;
			};
		}
		this.sync = syncChain;
		this.async = asyncChain;
	}

	private static Object unwrapAnswer(Object result) {
		return (result instanceof FallbackAnswer answer) ? answer.value() : result;
	}

	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Runs a call whose result is a plain value (or {@code void}); throws what the call
	 * finally throws.
	 */
	public Object execute(Invocation invocation) throws Throwable {
		return this.sync.apply(invocation);
	}

	/**
	 * Runs a call whose result is a {@code CompletionStage}; never blocks waiting for it
	 * and never throws: every failure, including one thrown before a stage exists,
	 * completes the returned stage exceptionally.
	 */
	public CompletionStage<Object> executeAsync(Invocation invocation) {
		try {
			CompletionStage<Object> stage = this.async.apply(invocation);
			return (stage != null) ? stage : CompletableFuture.failedFuture(nullStage());
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/** The stages, outermost first, for diagnostics and the actuator endpoint. */
	public List<String> getStages() {
		return this.description;
	}

	@Override
	public String toString() {
		return "Pipeline" + this.description;
	}

	@SuppressWarnings("unchecked")
	private static CompletionStage<Object> proceedAsync(Invocation invocation) throws Throwable {
		Object result = invocation.proceed();
		if (result == null) {
			throw nullStage();
		}
		return (CompletionStage<Object>) result;
	}

	private static NullPointerException nullStage() {
		return new NullPointerException("protected method returned a null CompletionStage");
	}

	/** Chooses the policies; the order of the calls does not matter. */
	public static final class Builder {

		private Stage outer;

		private String outerName;

		private boolean outerUnwrapsFallbackAnswers;

		private FallbackHandler fallbackHandler;

		private FallbackConfig fallbackConfig;

		private FallbackListener fallbackListener;

		private String fallbackMethodName;

		private Retry retry;

		private ResultPredicate<? super Invocation, Object> retryOnResult;

		private Hedge hedge;

		private CircuitBreaker circuitBreaker;

		private RateLimiter rateLimiter;

		private Timeout timeout;

		private Bulkhead bulkhead;

		private final List<Chaos> chaos = new ArrayList<>();

		private Builder() {
		}

		/**
		 * The outermost stage, such as idempotency; {@code name} describes it. It is
		 * handed every result as the protected code or the fallback produced it, never a
		 * {@link FallbackAnswer}.
		 */
		public Builder outer(String name, Stage stage) {
			return outer(name, stage, false);
		}

		/**
		 * The outermost stage, such as idempotency; {@code name} describes it.
		 * @param unwrapsFallbackAnswers whether the stage wants to tell a degraded answer
		 * from the protected code's own result: it is then handed a fallback's answer as
		 * a {@link FallbackAnswer} (or a stage completing with one) and is expected to
		 * unwrap it. The pipeline unwraps whatever the stage passes on regardless, so no
		 * caller ever receives one.
		 */
		public Builder outer(String name, Stage stage, boolean unwrapsFallbackAnswers) {
			this.outerName = requireNonNull(name, "name");
			this.outer = requireNonNull(stage, "stage");
			this.outerUnwrapsFallbackAnswers = unwrapsFallbackAnswers;
			return this;
		}

		public Builder fallback(FallbackHandler handler, FallbackConfig config) {
			this.fallbackHandler = requireNonNull(handler, "handler");
			this.fallbackConfig = requireNonNull(config, "config");
			return this;
		}

		/**
		 * Reports each fallback to {@code listener}, naming the protected method
		 * {@code method}.
		 */
		public Builder fallbackListener(String method, FallbackListener listener) {
			this.fallbackMethodName = requireNonNull(method, "method");
			this.fallbackListener = requireNonNull(listener, "listener");
			return this;
		}

		public Builder retry(Retry retry) {
			this.retry = requireNonNull(retry, "retry");
			return this;
		}

		/**
		 * The retry, also retrying each result (the value of a {@code CompletionStage})
		 * for which {@code retryOnResult} answers {@code true}.
		 */
		public Builder retry(Retry retry, ResultPredicate<? super Invocation, Object> retryOnResult) {
			this.retry = requireNonNull(retry, "retry");
			this.retryOnResult = requireNonNull(retryOnResult, "retryOnResult");
			return this;
		}

		/**
		 * Hedges every call, inside the retry and outside the breaker: each hedged
		 * attempt runs the breaker, rate limiter, timeout and bulkhead again. A pipeline
		 * with a hedge runs only {@code CompletionStage} calls: {@link Pipeline#execute}
		 * then fails with {@link UnsupportedOperationException}.
		 */
		public Builder hedge(Hedge hedge) {
			this.hedge = requireNonNull(hedge, "hedge");
			return this;
		}

		public Builder circuitBreaker(CircuitBreaker circuitBreaker) {
			this.circuitBreaker = requireNonNull(circuitBreaker, "circuitBreaker");
			return this;
		}

		/** Counts every attempt (each retry takes a permit), inside the breaker. */
		public Builder rateLimiter(RateLimiter rateLimiter) {
			this.rateLimiter = requireNonNull(rateLimiter, "rateLimiter");
			return this;
		}

		/**
		 * Bounds every attempt with its own deadline, inside the breaker (a timeout is a
		 * failure it records) and outside the bulkhead.
		 */
		public Builder timeout(Timeout timeout) {
			this.timeout = requireNonNull(timeout, "timeout");
			return this;
		}

		/**
		 * The bulkhead, of either kind; a pipeline takes one. With a thread-pool bulkhead
		 * the pipeline runs only {@code CompletionStage} calls: {@link Pipeline#execute}
		 * then fails with {@link UnsupportedOperationException}.
		 */
		public Builder bulkhead(Bulkhead bulkhead) {
			this.bulkhead = requireNonNull(bulkhead, "bulkhead");
			return this;
		}

		/**
		 * Adds a chaos instance, innermost: its faults reach every other stage as the
		 * protected code's own. Several instances (one per instance name of a method)
		 * each roll their own faults, in the order they were added; one already added is
		 * not added twice.
		 */
		public Builder chaos(Chaos chaos) {
			requireNonNull(chaos, "chaos");
			if (!this.chaos.contains(chaos)) {
				this.chaos.add(chaos);
			}
			return this;
		}

		public Pipeline build() {
			return new Pipeline(this);
		}

	}

}
