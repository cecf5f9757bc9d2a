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
		return new Policies(this.registry, Names.NONE, null, null);
	}

	public Policies circuitBreaker(String name) {
		return policies().circuitBreaker(name);
	}

	public Policies retry(String name) {
		return policies().retry(name);
	}

	public Policies rateLimiter(String name) {
		return policies().rateLimiter(name);
	}

	public Policies timeout(String name) {
		return policies().timeout(name);
	}

	public Policies bulkhead(String name) {
		return policies().bulkhead(name);
	}

	/** The instance names a {@link Policies} has chosen; {@code null} for none. */
	private record Names(String circuitBreaker, String retry, String rateLimiter, String timeout, String bulkhead) {

		static final Names NONE = new Names(null, null, null, null, null);

	}

	/** A choice of named policies plus an optional fallback. Immutable. */
	public static final class Policies {

		private static final Object[] NO_ARGUMENTS = {};

		private final ResilienceRegistry registry;

		private final Names names;

		private final Function<Throwable, ?> fallback;

		private final FallbackConfig fallbackConfig;

		private volatile Pipeline pipeline;

		private Policies(ResilienceRegistry registry, Names names, Function<Throwable, ?> fallback,
				FallbackConfig fallbackConfig) {
			this.registry = registry;
			this.names = names;
			this.fallback = fallback;
			this.fallbackConfig = fallbackConfig;
		}

		private Policies with(Names names) {
			return new Policies(this.registry, names, this.fallback, this.fallbackConfig);
		}

		public Policies circuitBreaker(String name) {
			Names n = this.names;
			return with(new Names(requireNonNull(name, "name"), n.retry(), n.rateLimiter(), n.timeout(), n.bulkhead()));
		}

		public Policies retry(String name) {
			Names n = this.names;
			return with(new Names(n.circuitBreaker(), requireNonNull(name, "name"), n.rateLimiter(), n.timeout(),
					n.bulkhead()));
		}

		/**
		 * The rate limiter of that name: each attempt, retries included, takes a permit.
		 */
		public Policies rateLimiter(String name) {
			Names n = this.names;
			return with(
					new Names(n.circuitBreaker(), n.retry(), requireNonNull(name, "name"), n.timeout(), n.bulkhead()));
		}

		/**
		 * The timeout of that name: each attempt, retries included, has its own deadline.
		 */
		public Policies timeout(String name) {
			Names n = this.names;
			return with(new Names(n.circuitBreaker(), n.retry(), n.rateLimiter(), requireNonNull(name, "name"),
					n.bulkhead()));
		}

		/**
		 * The bulkhead of that name, of the kind its configuration names; a thread-pool
		 * bulkhead runs only {@link #getAsync} calls, and refuses the others with
		 * {@link UnsupportedOperationException}.
		 */
		public Policies bulkhead(String name) {
			Names n = this.names;
			return with(new Names(n.circuitBreaker(), n.retry(), n.rateLimiter(), n.timeout(),
					requireNonNull(name, "name")));
		}

		/** Answers every failure with {@code fallback}'s result. */
		public Policies fallback(Function<Throwable, ?> fallback) {
			return fallback(fallback, FallbackConfig.ofDefaults());
		}

		/** Answers the failures {@code config} accepts with {@code fallback}'s result. */
		public Policies fallback(Function<Throwable, ?> fallback, FallbackConfig config) {
			return new Policies(this.registry, this.names, requireNonNull(fallback, "fallback"),
					requireNonNull(config, "config"));
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
			Names n = this.names;
			if (n.retry() != null) {
				builder.retry(this.registry.retry(n.retry()));
			}
			if (n.circuitBreaker() != null) {
				builder.circuitBreaker(this.registry.circuitBreaker(n.circuitBreaker()));
			}
			if (n.rateLimiter() != null) {
				builder.rateLimiter(this.registry.rateLimiter(n.rateLimiter()));
			}
			if (n.timeout() != null) {
				builder.timeout(this.registry.timeout(n.timeout()));
			}
			if (n.bulkhead() != null) {
				builder.bulkhead(this.registry.bulkhead(n.bulkhead()));
			}
			return builder.build();
		}

		@Override
		public String toString() {
			Names n = this.names;
			return "Policies[circuitBreaker=" + n.circuitBreaker() + ", retry=" + n.retry() + ", rateLimiter="
					+ n.rateLimiter() + ", timeout=" + n.timeout() + ", bulkhead=" + n.bulkhead() + ", fallback="
					+ (this.fallback != null) + "]";
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
