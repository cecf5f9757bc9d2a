package dev.resilience.spring.idempotency;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.env.PropertyResolver;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.FunctionReference;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;

import dev.resilience.CheckedFunction;
import dev.resilience.Invocation;
import dev.resilience.ResilienceRegistry;
import dev.resilience.Stage;
import dev.resilience.annotation.Idempotent;
import dev.resilience.idempotency.Idempotency;
import dev.resilience.idempotency.IdempotencyFingerprintException;
import dev.resilience.idempotency.IdempotencyScope;
import dev.resilience.idempotency.InvalidIdempotencyKeyException;
import dev.resilience.idempotency.ResultCodec;
import dev.resilience.spring.aop.IdempotencyStageFactory;
import dev.resilience.spring.aop.ResilienceAnnotationException;

/**
 * Builds the stage of each {@link Idempotent} method at startup: compiles its {@code key}
 * and {@code fingerprint} SpEL (a syntax error, or a variable that names no parameter,
 * fails startup), creates its JSON result codec for the method's generic return type, and
 * takes its {@link Idempotency} from the {@link ResilienceRegistry}: one per explicit
 * {@code name}, shared by every method naming it, or, for a default name, one per method
 * of each bean class, its records namespaced by the class's full name, the method's name
 * and its parameter types (the configuration key and metric tag stay
 * {@code SimpleClassName.method}). Per call it evaluates the key, validates it, and only
 * then computes the fingerprint.
 * <p>
 * Thread-safe; the registry owns the instances, their store and their executor.
 */
public class SpelIdempotencyStageFactory implements IdempotencyStageFactory {

	private static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

	/**
	 * Variables a method-based evaluation context defines besides the parameter names.
	 */
	private static final Pattern INDEX_VARIABLE = Pattern.compile("[pa](\\d+)");

	private final SpelExpressionParser parser = new SpelExpressionParser();

	private final ResilienceRegistry registry;

	private final IdempotencyScope scope;

	private final IdempotencyJson json;

	private final PropertyResolver placeholders;

	/**
	 * @param registry creates and keeps the idempotency instances, with their
	 * configuration and store
	 * @param scope the scope of each call's records (the principal's, or global)
	 * @param placeholders resolves {@code ${...}} in explicit names
	 */
	public SpelIdempotencyStageFactory(ResilienceRegistry registry, IdempotencyScope scope, IdempotencyJson json,
			PropertyResolver placeholders) {
		this.registry = registry;
		this.scope = scope;
		this.json = json;
		this.placeholders = placeholders;
	}

	@Override
	public NamedStage create(Method method, Class<?> targetClass, Idempotent annotation) {
		String where = method.getDeclaringClass().getSimpleName() + "." + method.getName();
		String name = annotation.name().isBlank() ? targetClass.getSimpleName() + "." + method.getName()
				: this.placeholders.resolveRequiredPlaceholders(annotation.name()).trim();
		if (name.isEmpty()) {
			throw new ResilienceAnnotationException(
					"@Idempotent(name = \"" + annotation.name() + "\") on " + where + ": the name must not be empty");
		}
		Expression key = parse("key", annotation.key(), where);
		checkVariables("key", annotation.key(), key, method);
		Expression fingerprint = annotation.fingerprint().isBlank() ? null
				: parse("fingerprint", annotation.fingerprint(), where);
		if (fingerprint != null) {
			checkVariables("fingerprint", annotation.fingerprint(), fingerprint, method);
		}
		ResultCodec codec;
		try {
			codec = this.json.codecFor(method, targetClass);
		}
		catch (IllegalArgumentException ex) {
			throw new ResilienceAnnotationException("@Idempotent on " + where + ": " + ex.getMessage(), ex);
		}
		String namespace = annotation.name().isBlank() ? defaultNamespace(method, targetClass) : null;
		Idempotency idempotency = this.registry.idempotency(name, namespace);
		return new NamedStage("idempotency '" + name + "'",
				new IdempotencyStage(idempotency, method, key, fingerprint, codec, signature(method)));
	}

	/**
	 * The namespace of a default-named method's records within its configuration name:
	 * its bean class (not the declaring one, so that two beans inheriting one method
	 * never share records), its name and its parameter types, such as
	 * {@code com.example.PaymentService.charge(com.example.ChargeCommand)}. With
	 * {@link dev.resilience.idempotency.IdempotencyKeys#recordId(String, String, String, String, String)}
	 * it locates a key's record in a store.
	 */
	public static String defaultNamespace(Method method, Class<?> targetClass) {
		Class<?> beanClass = ClassUtils.getUserClass((targetClass != null) ? targetClass : method.getDeclaringClass());
		return beanClass.getName() + "." + method.getName()
				+ Arrays.stream(method.getParameterTypes())
					.map(Class::getTypeName)
					.collect(Collectors.joining(",", "(", ")"));
	}

	/**
	 * Fails startup for a variable the evaluation context will never define, which would
	 * otherwise make every call fail: {@code #root}, {@code #this}, the parameter names
	 * and {@code #p<i>} / {@code #a<i>} within the parameter count are accepted.
	 */
	private static void checkVariables(String attribute, String source, Expression expression, Method method) {
		if (!(expression instanceof SpelExpression spel)) {
			return;
		}
		Set<String> variables = new LinkedHashSet<>();
		collectVariables(spel.getAST(), variables);
		String[] parameterNames = PARAMETER_NAMES.getParameterNames(method);
		List<String> names = (parameterNames != null) ? Arrays.asList(parameterNames) : List.of();
		int count = ReplayableResults.declaredParameterCount(method);
		for (String variable : variables) {
			if (variable.equals("root") || variable.equals("this") || names.contains(variable)) {
				continue;
			}
			Matcher index = INDEX_VARIABLE.matcher(variable);
			String problem;
			if (index.matches()) {
				if (Integer.parseInt(index.group(1)) < count) {
					continue;
				}
				problem = "#" + variable + " refers past the method's " + count
						+ ((count == 1) ? " parameter" : " parameters");
			}
			else {
				problem = "#" + variable + " names no parameter of the method";
			}
			throw new ResilienceAnnotationException("@Idempotent(" + attribute + " = \"" + source + "\") on "
					+ signature(method) + ": " + problem + "; " + available(names, count, parameterNames != null));
		}
	}

	private static void collectVariables(SpelNode node, Set<String> variables) {
		if (node instanceof VariableReference || node instanceof FunctionReference) {
			String text = node.toStringAST();
			int end = text.indexOf('(');
			variables.add(text.substring(1, (end > 0) ? end : text.length()));
		}
		for (int i = 0; i < node.getChildCount(); i++) {
			collectVariables(node.getChild(i), variables);
		}
	}

	private static String available(List<String> names, int count, boolean namesKnown) {
		if (count == 0) {
			return "the method has no parameters, so only #root is defined";
		}
		List<String> accepted = new ArrayList<>();
		names.forEach((name) -> accepted.add("#" + name));
		accepted.add("#p0" + ((count > 1) ? " to #p" + (count - 1) : ""));
		accepted.add("#a0" + ((count > 1) ? " to #a" + (count - 1) : ""));
		return "the parameters are " + String.join(", ", accepted)
				+ (namesKnown ? "" : " (parameter names are not available: compile with -parameters)");
	}

	/** {@code SimpleClassName.method(ParamType, ...)}, as messages name a method. */
	private static String signature(Method method) {
		return method.getDeclaringClass().getSimpleName() + "." + method.getName()
				+ Arrays.stream(method.getParameterTypes())
					.map(Class::getSimpleName)
					.collect(Collectors.joining(", ", "(", ")"));
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

	/**
	 * Computes key, scope and fingerprint from the arguments, then runs the call at most
	 * once.
	 */
	private final class IdempotencyStage implements Stage {

		private final Idempotency idempotency;

		private final Method method;

		private final Expression key;

		private final Expression fingerprint;

		private final ResultCodec codec;

		private final String signature;

		IdempotencyStage(Idempotency idempotency, Method method, Expression key, Expression fingerprint,
				ResultCodec codec, String signature) {
			this.idempotency = idempotency;
			this.method = method;
			this.key = key;
			this.fingerprint = fingerprint;
			this.codec = codec;
			this.signature = signature;
		}

		@Override
		public Object call(Invocation invocation, CheckedFunction<Invocation, Object> next) throws Throwable {
			MethodBasedEvaluationContext context = context(invocation);
			String key = key(context);
			// an invalid key costs no fingerprint work and no store access
			this.idempotency.validateKey(key);
			return this.idempotency.execute(key, SpelIdempotencyStageFactory.this.scope.currentScope(),
					fingerprint(context, invocation), this.codec, next, invocation);
		}

		@Override
		public CompletionStage<Object> callAsync(Invocation invocation,
				CheckedFunction<Invocation, CompletionStage<Object>> next) {
			try {
				MethodBasedEvaluationContext context = context(invocation);
				String key = key(context);
				this.idempotency.validateKey(key);
				return this.idempotency.executeAsync(key, SpelIdempotencyStageFactory.this.scope.currentScope(),
						fingerprint(context, invocation), this.codec, next, invocation);
			}
			catch (RuntimeException ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}

		/**
		 * The variables of the key and the fingerprint; Spring's context leaves a suspend
		 * function's continuation out.
		 */
		private MethodBasedEvaluationContext context(Invocation invocation) {
			return new MethodBasedEvaluationContext(null, this.method, invocation.getArguments(), PARAMETER_NAMES);
		}

		private String key(MethodBasedEvaluationContext context) {
			Object value;
			try {
				value = this.key.getValue(context);
			}
			catch (EvaluationException ex) {
				// the reason reaches the HTTP response: the expression's internals stay
				// in the cause
				throw new InvalidIdempotencyKeyException(this.idempotency.getName(),
						"could not be computed from the arguments", ex);
			}
			return (value != null) ? value.toString() : null;
		}

		private String fingerprint(MethodBasedEvaluationContext context, Invocation invocation) {
			Object value;
			try {
				// the caller's arguments: a suspend function's continuation is not one
				value = (this.fingerprint != null) ? this.fingerprint.getValue(context)
						: ReplayableResults.declaredArguments(this.method, invocation.getArguments());
			}
			catch (EvaluationException ex) {
				throw new IdempotencyFingerprintException(this.idempotency.getName(), "the fingerprint expression of "
						+ this.signature + " could not be evaluated on this call's arguments", ex);
			}
			try {
				return SpelIdempotencyStageFactory.this.json.fingerprint(value);
			}
			catch (IllegalArgumentException ex) {
				throw new IdempotencyFingerprintException(this.idempotency.getName(),
						"the fingerprint of " + this.signature + " could not be computed: " + ex.getMessage(), ex);
			}
		}

	}

}
