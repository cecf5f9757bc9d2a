package dev.resilience;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.resilience.fallback.FallbackConfig;
import dev.resilience.internal.Failures;
import dev.resilience.internal.Rethrow;

import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * Programmatic access to the same named instances the annotations use, for code that
 * cannot be annotated (a lambda, a library callback):
 *
 * <pre>
 * Reservation reservation = resilience.circuitBreaker("inventory")
 *     .retry("inventory")
 *     .fallback((failure) -&gt; Reservation.unavailable())
 *     .get(() -&gt; client.reserve(sku, quantity));
 * </pre>
 *
 * The policies always compose in the order of {@link Pipeline}, whatever order they are
 * named in. A {@link Policies} value is immutable: build it once and reuse it for every
 * call.
 */
public final class Resilience {

	private final ResilienceRegistry registry;

	private Resilience(ResilienceRegistry registry) {
		this.registry = registry;
	}

	public static Resilience of(ResilienceRegistry registry) {
		return new Resilience(requireNonNull(registry, "registry"));
	}

	public ResilienceRegistry getRegistry() {
		return this.registry;
	}

	/** No policy yet; add them with the methods of {@link Policies}. */
	public Policies policies() {
		return new Policies(this.registry, null, null, null, null, null);
	}

	public Policies circuitBreaker(String name) {
		return policies().circuitBreaker(name);
	}

	public Policies retry(String name) {
		return policies().retry(name);
	}

	public Policies bulkhead(String name) {
		return policies().bulkhead(name);
	}

	/** A choice of named policies plus an optional fallback. Immutable. */
	public static final class Policies {

		private static final Object[] NO_ARGUMENTS = {};

		private final ResilienceRegistry registry;

		private final String circuitBreaker;

		private final String retry;

		private final String bulkhead;

		private final Function<Throwable, ?> fallback;

		private final FallbackConfig fallbackConfig;

		private volatile Pipeline pipeline;

		private Policies(ResilienceRegistry registry, String circuitBreaker, String retry, String bulkhead,
				Function<Throwable, ?> fallback, FallbackConfig fallbackConfig) {
			this.registry = registry;
			this.circuitBreaker = circuitBreaker;
			this.retry = retry;
			this.bulkhead = bulkhead;
			this.fallback = fallback;
			this.fallbackConfig = fallbackConfig;
		}

		public Policies circuitBreaker(String name) {
			return new Policies(this.registry, requireNonNull(name, "name"), this.retry, this.bulkhead, this.fallback,
					this.fallbackConfig);
		}

		public Policies retry(String name) {
			return new Policies(this.registry, this.circuitBreaker, requireNonNull(name, "name"), this.bulkhead,
					this.fallback, this.fallbackConfig);
		}

		/**
		 * The bulkhead of that name, of the kind its configuration names; a thread-pool
		 * bulkhead runs only {@link #getAsync} calls, and refuses the others with
		 * {@link UnsupportedOperationException}.
		 */
		public Policies bulkhead(String name) {
			return new Policies(this.registry, this.circuitBreaker, this.retry, requireNonNull(name, "name"),
					this.fallback, this.fallbackConfig);
		}

		/** Answers every failure with {@code fallback}'s result. */
		public Policies fallback(Function<Throwable, ?> fallback) {
			return fallback(fallback, FallbackConfig.ofDefaults());
		}

		/** Answers the failures {@code config} accepts with {@code fallback}'s result. */
		public Policies fallback(Function<Throwable, ?> fallback, FallbackConfig config) {
			return new Policies(this.registry, this.circuitBreaker, this.retry, this.bulkhead,
					requireNonNull(fallback, "fallback"), requireNonNull(config, "config"));
		}

		/** Runs {@code supplier} through the policies. */
		@SuppressWarnings("unchecked")
		public <T> T get(Supplier<? extends T> supplier) {
			requireNonNull(supplier, "supplier");
			try {
				return (T) pipeline().execute(new LambdaInvocation(supplier::get));
			}
			catch (Throwable ex) {
				throw Rethrow.asIs(ex);
			}
		}

		/**
		 * Runs {@code callable} through the policies; checked exceptions propagate as
		 * they are.
		 */
		@SuppressWarnings("unchecked")
		public <T> T call(Callable<? extends T> callable) throws Exception {
			requireNonNull(callable, "callable");
			try {
				return (T) pipeline().execute(new LambdaInvocation(callable::call));
			}
			catch (Throwable ex) {
				throw Rethrow.asIs(ex);
			}
		}

		public void run(Runnable runnable) {
			requireNonNull(runnable, "runnable");
			get(() -> {
				runnable.run();
				return null;
			});
		}

		/**
		 * Runs an asynchronous call through the policies. Retries are scheduled, never
		 * slept on; a fallback result completes the returned stage.
		 */
		@SuppressWarnings("unchecked")
		public <T> CompletionStage<T> getAsync(Supplier<? extends CompletionStage<? extends T>> supplier) {
			requireNonNull(supplier, "supplier");
			return (CompletionStage<T>) (CompletionStage<?>) pipeline()
				.executeAsync(new LambdaInvocation(supplier::get));
		}

		/** The composed pipeline, for plain and asynchronous calls alike; built once. */
		public Pipeline pipeline() {
			Pipeline built = this.pipeline;
			if (built == null) {
				built = build();
				this.pipeline = built;
			}
			return built;
		}

		private Pipeline build() {
			Pipeline.Builder builder = Pipeline.builder();
			if (this.fallback != null) {
				Function<Throwable, ?> function = this.fallback;
				builder.fallback((invocation, failure) -> function.apply(Failures.unwrap(failure)),
						this.fallbackConfig);
			}
			if (this.retry != null) {
				builder.retry(this.registry.retry(this.retry));
			}
			if (this.circuitBreaker != null) {
				builder.circuitBreaker(this.registry.circuitBreaker(this.circuitBreaker));
			}
			if (this.bulkhead != null) {
				builder.bulkhead(this.registry.bulkhead(this.bulkhead));
			}
			return builder.build();
		}

		@Override
		public String toString() {
			return "Policies[circuitBreaker=" + this.circuitBreaker + ", retry=" + this.retry + ", bulkhead="
					+ this.bulkhead + ", fallback=" + (this.fallback != null) + "]";
		}

		private record LambdaInvocation(Callable<?> body) implements Invocation {

			@Override
			public Object proceed() throws Exception {
				return this.body.call();
			}

			@Override
			public Object[] getArguments() {
				return NO_ARGUMENTS;
			}

			@Override
			public Object getTarget() {
				return null;
			}

		}

	}

}
