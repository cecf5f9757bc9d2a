package dev.resilience.spring.idempotency;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.env.PropertyResolver;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;

import dev.resilience.CheckedFunction;
import dev.resilience.Invocation;
import dev.resilience.Stage;
import dev.resilience.annotation.Idempotent;
import dev.resilience.idempotency.Idempotency;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.idempotency.IdempotencyListener;
import dev.resilience.idempotency.IdempotencyScope;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.InvalidIdempotencyKeyException;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.spring.aop.IdempotencyStageFactory;
import dev.resilience.spring.aop.ResilienceAnnotationException;

/**
 * Builds the stage of each {@link Idempotent} method at startup: compiles its {@code key} and
 * {@code fingerprint} SpEL (a syntax error fails startup), creates its JSON result codec for the
 * method's generic return type, and shares one {@link Idempotency} per instance name. Per call it
 * only evaluates the compiled expressions over the arguments.
 */
public class SpelIdempotencyStageFactory implements IdempotencyStageFactory {

	private static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

	private final SpelExpressionParser parser = new SpelExpressionParser();

	private final IdempotencyStore store;

	private final Function<String, IdempotencyConfig> configs;

	private final IdempotencyScope scope;

	private final ObjectMapper objectMapper;

	private final Fingerprints fingerprints;

	private final PropertyResolver placeholders;

	private final Ticker ticker;

	private final Scheduler scheduler;

	private final List<IdempotencyListener> listeners;

	private final Map<String, Idempotency> instances = new ConcurrentHashMap<>();

	/**
	 * @param configs effective configuration per instance name
	 * @param listeners told of every call's outcome (metrics)
	 */
	public SpelIdempotencyStageFactory(IdempotencyStore store, Function<String, IdempotencyConfig> configs,
			IdempotencyScope scope, ObjectMapper objectMapper, PropertyResolver placeholders, Ticker ticker,
			Scheduler scheduler, List<IdempotencyListener> listeners) {
		this.store = store;
		this.configs = configs;
		this.scope = scope;
		this.objectMapper = objectMapper;
		this.fingerprints = new Fingerprints(objectMapper);
		this.placeholders = placeholders;
		this.ticker = ticker;
		this.scheduler = scheduler;
		this.listeners = List.copyOf(listeners);
	}

	@Override
	public NamedStage create(Method method, Class<?> targetClass, Idempotent annotation) {
		String where = method.getDeclaringClass().getSimpleName() + "." + method.getName();
		String name = annotation.name().isBlank() ? targetClass.getSimpleName() + "." + method.getName()
				: this.placeholders.resolveRequiredPlaceholders(annotation.name()).trim();
		Expression key = parse("key", annotation.key(), where);
		Expression fingerprint = annotation.fingerprint().isBlank() ? null
				: parse("fingerprint", annotation.fingerprint(), where);
		JacksonResultCodec codec;
		try {
			codec = JacksonResultCodec.forMethod(this.objectMapper, method, targetClass);
		}
		catch (IllegalArgumentException ex) {
			throw new ResilienceAnnotationException("@Idempotent on " + where + ": " + ex.getMessage(), ex);
		}
		Idempotency idempotency = this.instances.computeIfAbsent(name, this::createIdempotency);
		return new NamedStage("idempotency '" + name + "'",
				new IdempotencyStage(idempotency, method, key, fingerprint, codec));
	}

	private Idempotency createIdempotency(String name) {
		Idempotency idempotency = Idempotency.of(name, this.configs.apply(name), this.store, this.ticker,
				this.scheduler);
		this.listeners.forEach(idempotency::addListener);
		return idempotency;
	}

	private Expression parse(String attribute, String expression, String where) {
		if (expression == null || expression.isBlank()) {
			throw new ResilienceAnnotationException("@Idempotent on " + where + ": " + attribute
					+ " must be a SpEL expression over the parameters, such as #command.requestId or #p0");
		}
		try {
			return this.parser.parseExpression(expression);
		}
		catch (ParseException ex) {
			throw new ResilienceAnnotationException("@Idempotent(" + attribute + " = \"" + expression + "\") on "
					+ where + ": invalid SpEL expression: " + ex.getMessage(), ex);
		}
	}

	/** Computes key, scope and fingerprint from the arguments, then runs the call at most once. */
	private final class IdempotencyStage implements Stage {

		private final Idempotency idempotency;

		private final Method method;

		private final Expression key;

		private final Expression fingerprint;

		private final JacksonResultCodec codec;

		IdempotencyStage(Idempotency idempotency, Method method, Expression key, Expression fingerprint,
				JacksonResultCodec codec) {
			this.idempotency = idempotency;
			this.method = method;
			this.key = key;
			this.fingerprint = fingerprint;
			this.codec = codec;
		}

		@Override
		public Object call(Invocation invocation, CheckedFunction<Invocation, Object> next) throws Throwable {
			MethodBasedEvaluationContext context = context(invocation);
			return this.idempotency.execute(key(context), SpelIdempotencyStageFactory.this.scope.currentScope(),
					fingerprint(context, invocation), this.codec, next, invocation);
		}

		@Override
		public CompletionStage<Object> callAsync(Invocation invocation,
				CheckedFunction<Invocation, CompletionStage<Object>> next) {
			try {
				MethodBasedEvaluationContext context = context(invocation);
				return this.idempotency.executeAsync(key(context),
						SpelIdempotencyStageFactory.this.scope.currentScope(), fingerprint(context, invocation),
						this.codec, next, invocation);
			}
			catch (RuntimeException ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}

		private MethodBasedEvaluationContext context(Invocation invocation) {
			return new MethodBasedEvaluationContext(null, this.method, invocation.getArguments(), PARAMETER_NAMES);
		}

		private String key(MethodBasedEvaluationContext context) {
			Object value;
			try {
				value = this.key.getValue(context);
			}
			catch (EvaluationException ex) {
				throw new InvalidIdempotencyKeyException(this.idempotency.getName(),
						"could not be computed from the arguments (" + ex.getMessage() + ")");
			}
			return (value != null) ? value.toString() : null;
		}

		private String fingerprint(MethodBasedEvaluationContext context, Invocation invocation) {
			Object value = (this.fingerprint != null) ? this.fingerprint.getValue(context)
					: invocation.getArguments();
			return SpelIdempotencyStageFactory.this.fingerprints.of(value);
		}

	}

}
