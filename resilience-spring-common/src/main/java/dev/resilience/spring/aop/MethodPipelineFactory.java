package dev.resilience.spring.aop;

import java.io.InputStream;
import java.io.Reader;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.BaseStream;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.PropertyResolver;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import dev.resilience.Pipeline;
import dev.resilience.ResilienceRegistry;
import dev.resilience.Stage;
import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Hedge;
import dev.resilience.annotation.Idempotent;
import dev.resilience.annotation.RateLimiter;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.chaos.ChaosRegistry;
import dev.resilience.fallback.FallbackConfig;
import dev.resilience.fallback.FallbackHandler;
import dev.resilience.fallback.FallbackListener;
import dev.resilience.spring.coexistence.Resilience4jAnnotations;
import dev.resilience.spring.reactive.ReactivePipeline;
import dev.resilience.spring.support.DurationFormat;

/**
 * Builds, once per annotated method and at startup, the {@link MethodPipeline} the
 * interceptor runs: reads the annotations (method level over type level), resolves
 * instance names and their {@code ${...}} placeholders, resolves the fallback method, and
 * checks everything that could only fail later, so that a mistake stops the application
 * with a message naming the class, the method and what was expected.
 */
public class MethodPipelineFactory {

	private static final Log logger = LogFactory.getLog(MethodPipelineFactory.class);

	private static final String HEDGEABLE = "CompletionStage, CompletableFuture or Mono, or on Kotlin suspend"
			+ " functions";

	private static final List<Class<?>> UNREPLAYABLE_TYPES = List.of(BaseStream.class, InputStream.class, Reader.class,
			Iterator.class);

	private final ResilienceRegistry registry;

	private final PropertyResolver placeholders;

	private final DeclaredInstances declaredInstances;

	private final FallbackListener fallbackListener;

	private final IdempotencyStageFactory idempotencyStageFactory;

	private final Set<NamedInstance> reportedDefaults = ConcurrentHashMap.newKeySet();

	private final Set<TimeoutOverSlowCall> reportedTimeoutsOverSlowCall = ConcurrentHashMap.newKeySet();

	private ChaosRegistry chaos;

	/**
	 * @param fallbackListener told of each fallback, or {@code null}
	 * @param idempotencyStageFactory builds {@code @Idempotent} stages, or {@code null}
	 * when idempotency is not configured
	 */
	public MethodPipelineFactory(ResilienceRegistry registry, PropertyResolver placeholders,
			DeclaredInstances declaredInstances, FallbackListener fallbackListener,
			IdempotencyStageFactory idempotencyStageFactory) {
		this.registry = registry;
		this.placeholders = placeholders;
		this.declaredInstances = declaredInstances;
		this.fallbackListener = fallbackListener;
		this.idempotencyStageFactory = idempotencyStageFactory;
	}

	/**
	 * Gives every annotated method a chaos stage, innermost, for each distinct instance
	 * name of its annotations (in the order of the pipeline: retry, circuit breaker, rate
	 * limiter, timeout, bulkhead); {@code null}, the default, for none. Set only when
	 * chaos is enabled, before the first pipeline is built.
	 */
	public void setChaosRegistry(ChaosRegistry chaos) {
		this.chaos = chaos;
	}

	/**
	 * The pipeline for {@code method} called on an instance of {@code targetClass}, or
	 * {@code null} when no resilience annotation applies to it.
	 * @throws ResilienceAnnotationException when an annotation cannot work as written
	 */
	MethodPipeline create(Method method, Class<?> targetClass) {
		Method specific = specificMethod(method, targetClass);
		if (specific == null) {
			return null;
		}
		boolean typeLevelApplies = typeLevelApplies(specific);
		CircuitBreaker circuitBreaker = find(specific, targetClass, CircuitBreaker.class, typeLevelApplies);
		Retry retry = find(specific, targetClass, Retry.class, typeLevelApplies);
		Bulkhead bulkhead = find(specific, targetClass, Bulkhead.class, typeLevelApplies);
		Fallback fallback = find(specific, targetClass, Fallback.class, typeLevelApplies);
		Idempotent idempotent = find(specific, targetClass, Idempotent.class, typeLevelApplies);
		RateLimiter rateLimiter = find(specific, targetClass, RateLimiter.class, typeLevelApplies);
		Timeout timeout = find(specific, targetClass, Timeout.class, typeLevelApplies);
		Hedge hedge = find(specific, targetClass, Hedge.class, typeLevelApplies);
		if (circuitBreaker == null && retry == null && bulkhead == null && fallback == null && idempotent == null
				&& rateLimiter == null && timeout == null && hedge == null) {
			return null;
		}
		String where = describe(specific, targetClass);
		requireInterceptable(specific, where);
		// A generic base's R is the CompletableFuture or the ResponseEntity its subclass
		// binds.
		Class<?> returnType = ResolvableType.forMethodReturnType(specific, targetClass)
			.resolve(specific.getReturnType());
		ReturnKind returnKind = ReturnTypes.classify(specific, returnType,
				AnnotationKinds.on(specific, targetClass, typeLevelApplies), where);
		requireSupportedOn(returnKind, idempotent, where);
		warnOfResilience4jAnnotations(specific, targetClass, typeLevelApplies, where);
		if (hedge != null) {
			requireHedgeable(returnKind, returnType, where);
		}
		boolean async = returnKind == ReturnKind.COMPLETION_STAGE;
		Pipeline.Builder builder = Pipeline.builder();
		Stage idempotency = null;
		if (idempotent != null) {
			idempotency = addIdempotency(builder, specific, targetClass, returnType, idempotent, where);
		}
		if (fallback != null) {
			addFallback(builder, specific, targetClass, fallback);
		}
		if (retry != null) {
			RetryOnResultExpression retryOnResult = RetryOnResultExpression.of(retry.retryOnResult(), specific,
					returnKind, where);
			dev.resilience.retry.Retry instance = this.registry
				.retry(instanceName(InstanceKind.RETRY, retry.name(), where));
			if (retryOnResult != null) {
				builder.retry(instance, retryOnResult);
			}
			else {
				builder.retry(instance);
			}
		}
		dev.resilience.hedge.Hedge hedgeInstance = (hedge != null)
				? this.registry.hedge(instanceName(InstanceKind.HEDGE, hedge.name(), where)) : null;
		if (hedgeInstance != null && !returnKind.isReactive()) {
			builder.hedge(hedgeInstance);
		}
		if (circuitBreaker != null) {
			builder.circuitBreaker(this.registry
				.circuitBreaker(instanceName(InstanceKind.CIRCUIT_BREAKER, circuitBreaker.name(), where)));
		}
		if (rateLimiter != null) {
			builder.rateLimiter(
					this.registry.rateLimiter(instanceName(InstanceKind.RATE_LIMITER, rateLimiter.name(), where)));
		}
		if (timeout != null) {
			addTimeout(builder, timeout, circuitBreaker, where);
		}
		if (bulkhead != null) {
			addBulkhead(builder, bulkhead, async, returnType, where);
		}
		List<String> chaosNames = chaosNames(where, retry, circuitBreaker, rateLimiter, timeout, bulkhead);
		chaosNames.forEach((name) -> builder.chaos(this.chaos.chaos(name)));
		ReactivePipeline reactive = returnKind.isReactive() ? reactivePipeline(specific, targetClass, where, returnKind,
				idempotency, fallback, retry, circuitBreaker, rateLimiter, timeout, bulkhead, chaosNames) : null;
		// Hedged attempts proceed side by side, each through a clone of the invocation.
		return new MethodPipeline(where, returnType, returnKind, builder.build(), retry != null || hedge != null,
				reactive);
	}

	/**
	 * The Reactor operators for a method returning {@code Mono} or {@code Flux}, over the
	 * same instances as its engine pipeline; only called when Reactor is on the
	 * classpath.
	 */
	private ReactivePipeline reactivePipeline(Method method, Class<?> targetClass, String where, ReturnKind returnKind,
			Stage idempotency, Fallback fallback, Retry retry, CircuitBreaker circuitBreaker, RateLimiter rateLimiter,
			Timeout timeout, Bulkhead bulkhead, List<String> chaosNames) {
		ReactivePipeline.Builder builder = ReactivePipeline.builder(where, returnKind == ReturnKind.MONO,
				this.registry.getTicker(), this.registry.getScheduler(), this.registry.getContextPropagator());
		if (idempotency != null) {
			builder.idempotency(idempotency);
		}
		if (fallback != null) {
			builder.fallback(fallbackHandler(targetClass, method, fallback),
					FallbackConfig.of(Arrays.asList(fallback.applyOn()), Arrays.asList(fallback.skipOn())),
					this.fallbackListener, targetClass.getSimpleName() + "." + method.getName());
		}
		if (retry != null) {
			builder.retry(this.registry.retry(instanceName(InstanceKind.RETRY, retry.name(), where)));
			// Checked by create(); compiled again here, once, at startup.
			builder.retryOnResult(RetryOnResultExpression.of(retry.retryOnResult(), method, returnKind, where));
		}
		if (circuitBreaker != null) {
			builder.circuitBreaker(this.registry
				.circuitBreaker(instanceName(InstanceKind.CIRCUIT_BREAKER, circuitBreaker.name(), where)));
		}
		if (rateLimiter != null) {
			builder.rateLimiter(
					this.registry.rateLimiter(instanceName(InstanceKind.RATE_LIMITER, rateLimiter.name(), where)));
		}
		if (timeout != null) {
			builder.timeout(this.registry.timeout(instanceName(InstanceKind.TIMEOUT, timeout.name(), where)));
		}
		if (bulkhead != null) {
			builder.bulkhead(this.registry.bulkhead(instanceName(InstanceKind.BULKHEAD, bulkhead.name(), where)));
		}
		Hedge hedge = find(method, targetClass, Hedge.class, typeLevelApplies(method));
		if (hedge != null) {
			builder.hedge(this.registry.hedge(instanceName(InstanceKind.HEDGE, hedge.name(), where)));
		}
		chaosNames.forEach((name) -> builder.chaos(this.chaos.chaos(name)));
		return builder.build();
	}

	/**
	 * The names chaos is injected under for a method: every distinct instance name of its
	 * annotations, in the order of the pipeline; none when chaos is not enabled. A method
	 * whose only annotations are {@code @Fallback} or {@code @Idempotent} has none.
	 */
	private List<String> chaosNames(String where, Retry retry, CircuitBreaker circuitBreaker, RateLimiter rateLimiter,
			Timeout timeout, Bulkhead bulkhead) {
		if (this.chaos == null) {
			return List.of();
		}
		Set<String> names = new LinkedHashSet<>();
		if (retry != null) {
			names.add(instanceName(InstanceKind.RETRY, retry.name(), where));
		}
		if (circuitBreaker != null) {
			names.add(instanceName(InstanceKind.CIRCUIT_BREAKER, circuitBreaker.name(), where));
		}
		if (rateLimiter != null) {
			names.add(instanceName(InstanceKind.RATE_LIMITER, rateLimiter.name(), where));
		}
		if (timeout != null) {
			names.add(instanceName(InstanceKind.TIMEOUT, timeout.name(), where));
		}
		if (bulkhead != null) {
			names.add(instanceName(InstanceKind.BULKHEAD, bulkhead.name(), where));
		}
		return new ArrayList<>(names);
	}

	/**
	 * The method whose annotations apply when {@code method} is called on
	 * {@code targetClass}, or {@code null} for one no annotation can apply to (declared
	 * by {@code Object}, a bridge or a synthetic method). Shared with the ahead-of-time
	 * processor, which must see the same methods.
	 */
	static Method specificMethod(Method method, Class<?> targetClass) {
		Method specific = ClassUtils.getMostSpecificMethod(method, targetClass);
		if (specific.getDeclaringClass() == Object.class || specific.isBridge() || specific.isSynthetic()) {
			return null;
		}
		return specific;
	}

	/**
	 * Whether the bean class's annotations apply to {@code specific}: public instance
	 * methods but Object's.
	 */
	static boolean typeLevelApplies(Method specific) {
		return Modifier.isPublic(specific.getModifiers()) && !Modifier.isStatic(specific.getModifiers())
				&& !isObjectMethod(specific);
	}

	/**
	 * {@code equals}, {@code hashCode} and {@code toString}: never protected by a
	 * type-level annotation.
	 */
	private static boolean isObjectMethod(Method method) {
		return ReflectionUtils.isEqualsMethod(method) || ReflectionUtils.isHashCodeMethod(method)
				|| ReflectionUtils.isToStringMethod(method);
	}

	/**
	 * A proxy cannot intercept a private, static or final method: an annotation there
	 * would protect nothing, so it fails startup instead of being ignored.
	 */
	private static void requireInterceptable(Method method, String where) {
		int modifiers = method.getModifiers();
		String problem = Modifier.isPrivate(modifiers) ? "private"
				: Modifier.isStatic(modifiers) ? "static" : Modifier.isFinal(modifiers) ? "final" : null;
		if (problem != null) {
			String annotations = AnnotationKinds.ALL.stream()
				.filter((kind) -> AnnotatedElementUtils.hasAnnotation(method, kind))
				.map((kind) -> "@" + kind.getSimpleName())
				.collect(Collectors.joining(" "));
			throw new ResilienceAnnotationException(annotations + " on " + where + ": the method is " + problem
					+ ", so the Spring proxy cannot intercept it and the annotation would protect nothing;"
					+ " make it a non-final instance method that is not private, and call it through the bean");
		}
	}

	/**
	 * Refuses the patterns that cannot work on a reactive result: {@code @Idempotent} on
	 * a {@code Flux}, whose elements cannot be replayed as one stored result. (A Kotlin
	 * suspend function runs as a {@code Mono} of the value it returns in Kotlin, which is
	 * what its idempotency stage stores.)
	 */
	private static void requireSupportedOn(ReturnKind returnKind, Idempotent idempotent, String where) {
		if (!returnKind.isReactive()) {
			return;
		}
		if (idempotent != null && returnKind == ReturnKind.FLUX) {
			throw new ResilienceAnnotationException("@Idempotent on " + where
					+ ": a Flux cannot be replayed from a stored result; @Idempotent works on methods returning"
					+ " a plain value, void, CompletionStage, CompletableFuture or Mono");
		}
	}

	/**
	 * Hedging runs attempts side by side, which only an asynchronous result allows: a
	 * synchronous method would block its caller on each attempt, and a {@code Flux}'s
	 * elements cannot be raced (which attempt's elements would the subscriber get, and
	 * from when?).
	 */
	private static void requireHedgeable(ReturnKind returnKind, Class<?> returnType, String where) {
		if (returnKind == ReturnKind.VALUE) {
			throw new ResilienceAnnotationException("@Hedge on " + where + ": a hedge runs attempts side by side and"
					+ " needs an asynchronous result, but the method returns " + returnType.getSimpleName()
					+ "; @Hedge works on methods returning " + HEDGEABLE);
		}
		if (returnKind == ReturnKind.FLUX) {
			throw new ResilienceAnnotationException("@Hedge on " + where + ": a Flux cannot be hedged (the elements of"
					+ " two racing attempts cannot be merged into one answer); @Hedge works on methods returning "
					+ HEDGEABLE);
		}
	}

	private Stage addIdempotency(Pipeline.Builder builder, Method method, Class<?> targetClass, Class<?> returnType,
			Idempotent idempotent, String where) {
		for (Class<?> unreplayable : UNREPLAYABLE_TYPES) {
			if (unreplayable.isAssignableFrom(returnType)) {
				throw new ResilienceAnnotationException(
						"@Idempotent on " + where + ": return type " + returnType.getSimpleName()
								+ " cannot be replayed from a stored result; return a value that serializes to JSON"
								+ " (a record, a List, a DTO) or void");
			}
		}
		if (this.idempotencyStageFactory == null) {
			throw new ResilienceAnnotationException("@Idempotent on " + where
					+ ": idempotency support is not configured; check resilience.idempotency.store and that the"
					+ " resilience auto-configuration is active");
		}
		IdempotencyStageFactory.NamedStage stage = this.idempotencyStageFactory.create(method, targetClass, idempotent);
		// The idempotency engine unwraps a FallbackAnswer: it releases the claim of a
		// degraded answer.
		builder.outer(stage.name(), stage.stage(), true);
		return stage.stage();
	}

	private void addFallback(Pipeline.Builder builder, Method method, Class<?> targetClass, Fallback fallback) {
		FallbackHandler fallbackMethod;
		try {
			fallbackMethod = fallbackHandler(targetClass, method, fallback);
		}
		catch (IllegalStateException ex) {
			throw new ResilienceAnnotationException(ex.getMessage(), ex);
		}
		builder.fallback(fallbackMethod,
				FallbackConfig.of(Arrays.asList(fallback.applyOn()), Arrays.asList(fallback.skipOn())));
		if (this.fallbackListener != null) {
			builder.fallbackListener(targetClass.getSimpleName() + "." + method.getName(), this.fallbackListener);
		}
	}

	/**
	 * The fallback of {@code method}: a suspend function's may suspend too (see
	 * {@link SuspendingFallback}).
	 */
	private static FallbackHandler fallbackHandler(Class<?> targetClass, Method method, Fallback fallback) {
		if (ReturnTypes.isSuspendingFunction(method)) {
			return SuspendingFallback.resolve(targetClass, method, fallback.method());
		}
		return FallbackMethod.resolve(targetClass, method, fallback.method());
	}

	private void addBulkhead(Pipeline.Builder builder, Bulkhead bulkhead, boolean async, Class<?> returnType,
			String where) {
		String name = instanceName(InstanceKind.BULKHEAD, bulkhead.name(), where);
		if (this.registry.bulkheadConfig(name).getType() == BulkheadConfig.Type.THREAD_POOL) {
			if (!async) {
				throw new ResilienceAnnotationException("@Bulkhead(name = \"" + bulkhead.name() + "\") on " + where
						+ ": bulkhead '" + name + "' is a thread-pool bulkhead, which runs only methods returning"
						+ " CompletionStage or CompletableFuture, but it returns " + returnType.getSimpleName()
						+ "; use type: semaphore for it or return a CompletableFuture");
			}
		}
		builder.bulkhead(this.registry.bulkhead(name));
	}

	private void addTimeout(Pipeline.Builder builder, Timeout timeout, CircuitBreaker circuitBreaker, String where) {
		dev.resilience.timeout.Timeout instance = this.registry
			.timeout(instanceName(InstanceKind.TIMEOUT, timeout.name(), where));
		builder.timeout(instance);
		if (circuitBreaker != null) {
			reportTimeoutOverSlowCall(instance, this.registry
				.circuitBreaker(instanceName(InstanceKind.CIRCUIT_BREAKER, circuitBreaker.name(), where)), where);
		}
	}

	/**
	 * A timeout longer than the breaker's slow-call threshold is a valid choice, but
	 * worth one line: a call is seen as slow by the breaker only once it ends, so a hung
	 * call reaches the breaker at the deadline, as a timeout, and not at the threshold.
	 * Logged once per pair of instances.
	 */
	private void reportTimeoutOverSlowCall(dev.resilience.timeout.Timeout timeout,
			dev.resilience.circuitbreaker.CircuitBreaker breaker, String where) {
		Duration duration = timeout.getConfig().getDuration();
		Duration threshold = breaker.getConfig().getSlowCallDurationThreshold();
		if (duration.compareTo(threshold) > 0 && this.reportedTimeoutsOverSlowCall
			.add(new TimeoutOverSlowCall(timeout.getName(), breaker.getName()))) {
			logger.info("Timeout '" + timeout.getName() + "' (duration " + DurationFormat.inSecondsOrFiner(duration)
					+ ") on " + where + " is longer than the slow-call-duration-threshold ("
					+ DurationFormat.inSecondsOrFiner(threshold) + ") of circuit breaker '" + breaker.getName()
					+ "': a call still running at the threshold is seen by the breaker only when it ends or times out");
		}
	}

	private String instanceName(InstanceKind kind, String declared, String where) {
		String annotation = kind.getAnnotation();
		String name;
		try {
			name = this.placeholders.resolveRequiredPlaceholders(declared).trim();
		}
		catch (IllegalArgumentException ex) {
			throw new ResilienceAnnotationException(annotation + "(name = \"" + declared + "\") on " + where
					+ ": cannot resolve the name: " + ex.getMessage(), ex);
		}
		if (name.isEmpty()) {
			throw new ResilienceAnnotationException(
					annotation + "(name = \"" + declared + "\") on " + where + ": the name must not be empty");
		}
		if (!this.declaredInstances.isDeclared(kind, name)
				&& this.reportedDefaults.add(new NamedInstance(kind, name))) {
			String group = kind.getPropertyGroup();
			logger.info(annotation + " instance '" + name + "' has no resilience." + group + ".instances." + name
					+ " configuration; it uses resilience." + group + ".defaults");
		}
		return name;
	}

	/**
	 * The annotation of {@code type} on the method, else (where type level applies) on
	 * the class.
	 */
	/**
	 * One WARN line when resilience4j's annotations also apply to the method: the two
	 * libraries do not combine on one method, since this interceptor runs outside
	 * resilience4j's aspects (a resilience4j {@code @TimeLimiter} there only sees the
	 * finished call).
	 */
	private static void warnOfResilience4jAnnotations(Method method, Class<?> targetClass, boolean typeLevelApplies,
			String where) {
		List<Annotation> theirs = Resilience4jAnnotations.on(method, targetClass);
		if (theirs.isEmpty()) {
			return;
		}
		String described = theirs.stream().map(Resilience4jAnnotations::describe).collect(Collectors.joining(" "));
		logger.warn(where + " carries " + AnnotationKinds.on(method, targetClass, typeLevelApplies)
				+ " of this starter and " + described
				+ " of resilience4j: this starter's interceptor runs outside resilience4j's aspects, so the two do not"
				+ " combine"
				+ (described.contains("@TimeLimiter")
						? " (resilience4j's @TimeLimiter only sees the finished call and limits nothing)" : "")
				+ "; keep the whole method on one library");
	}

	static <A extends Annotation> A find(Method method, Class<?> targetClass, Class<A> type, boolean typeLevelApplies) {
		A onMethod = AnnotatedElementUtils.findMergedAnnotation(method, type);
		if (onMethod != null || !typeLevelApplies) {
			return onMethod;
		}
		return AnnotatedElementUtils.findMergedAnnotation(targetClass, type);
	}

	/**
	 * {@code InventoryClient.reserve(String, int)}, as used in every startup message:
	 * named after the bean's class, which for an inherited method is where its
	 * annotations come from.
	 */
	static String describe(Method method, Class<?> targetClass) {
		return targetClass.getSimpleName() + "." + method.getName()
				+ Arrays.stream(method.getParameterTypes())
					.map(Class::getSimpleName)
					.collect(Collectors.joining(", ", "(", ")"));
	}

	/** An instance reported as using the defaults, reported once. */
	private record NamedInstance(InstanceKind kind, String name) {
	}

	/** A timeout reported as longer than a breaker's slow-call threshold, once. */
	private record TimeoutOverSlowCall(String timeout, String circuitBreaker) {
	}

	/** The eight annotations, looked up together. */
	static final class AnnotationKinds {

		static final List<Class<? extends Annotation>> ALL = List.of(CircuitBreaker.class, Retry.class, Bulkhead.class,
				Fallback.class, Idempotent.class, RateLimiter.class, Timeout.class, Hedge.class);

		private AnnotationKinds() {
		}

		/**
		 * The resilience annotations applying to {@code method}, as written in messages.
		 */
		static String on(Method method, Class<?> targetClass, boolean typeLevelApplies) {
			return ALL.stream()
				.filter((kind) -> find(method, targetClass, kind, typeLevelApplies) != null)
				.map((kind) -> "@" + kind.getSimpleName())
				.collect(Collectors.joining(" "));
		}

	}

}
