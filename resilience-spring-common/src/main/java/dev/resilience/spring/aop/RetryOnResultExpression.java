package dev.resilience.spring.aop;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.FunctionReference;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;

import dev.resilience.Invocation;
import dev.resilience.retry.ResultPredicate;
import dev.resilience.spring.idempotency.ReplayableResults;

/**
 * The compiled {@code @Retry(retryOnResult = ...)} of one method: parsed and checked once
 * at startup (a syntax error, or a variable that is neither {@code #result} nor a
 * parameter, fails startup naming the method and the expression), then evaluated per
 * attempt over the invocation's arguments and the result. {@code #result} wins over a
 * parameter named {@code result} (reachable as {@code #p<i>}); a Kotlin suspend
 * function's continuation is not a parameter. A value other than a boolean, or an
 * evaluation error, throws an {@link IllegalStateException} naming the method and the
 * expression: the call ends with it, without a retry. Thread-safe.
 */
final class RetryOnResultExpression implements ResultPredicate<Invocation, Object> {

	private static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

	private static final SpelExpressionParser PARSER = new SpelExpressionParser();

	private static final Pattern INDEX_VARIABLE = Pattern.compile("[pa](\\d+)");

	private static final String RESULT = "result";

	private final Method method;

	private final Expression expression;

	private final String source;

	private final String where;

	private RetryOnResultExpression(Method method, Expression expression, String source, String where) {
		this.method = method;
		this.expression = expression;
		this.source = source;
		this.where = where;
	}

	/**
	 * The predicate of {@code source} on {@code method}, or {@code null} when it is
	 * empty.
	 * @throws ResilienceAnnotationException when it cannot work as written
	 */
	static RetryOnResultExpression of(String source, Method method, ReturnKind returnKind, String where) {
		if (source == null || source.isBlank()) {
			return null;
		}
		if (returnKind == ReturnKind.FLUX) {
			throw new ResilienceAnnotationException(describe(source) + " on " + where
					+ ": a Flux has no single result to judge; retryOnResult works on plain values, CompletionStage,"
					+ " Mono and Kotlin suspend functions");
		}
		Expression expression;
		try {
			expression = PARSER.parseExpression(source);
		}
		catch (ParseException ex) {
			throw new ResilienceAnnotationException(
					describe(source) + " on " + where + ": invalid SpEL expression: " + ex.getMessage(), ex);
		}
		checkVariables(source, expression, method, where);
		return new RetryOnResultExpression(method, expression, source, where);
	}

	@Override
	public boolean shouldRetry(Invocation invocation, Object result) {
		Object value;
		try {
			value = this.expression.getValue(new ResultContext(this.method, invocation.getArguments(), result));
		}
		catch (EvaluationException ex) {
			throw new IllegalStateException(
					describe(this.source) + " on " + this.where + " could not be evaluated: " + ex.getMessage(), ex);
		}
		if (value instanceof Boolean retry) {
			return retry;
		}
		throw new IllegalStateException(describe(this.source) + " on " + this.where + " evaluated to "
				+ ((value != null) ? "a " + value.getClass().getName() : "null") + ", not a boolean");
	}

	private static String describe(String source) {
		return "@Retry(retryOnResult = \"" + source + "\")";
	}

	private static void checkVariables(String source, Expression expression, Method method, String where) {
		if (!(expression instanceof SpelExpression spel)) {
			return;
		}
		Set<String> variables = new LinkedHashSet<>();
		collectVariables(spel.getAST(), variables);
		String[] parameterNames = PARAMETER_NAMES.getParameterNames(method);
		int count = ReplayableResults.declaredParameterCount(method);
		List<String> names = (parameterNames != null)
				? Arrays.asList(parameterNames).subList(0, Math.min(count, parameterNames.length)) : List.of();
		for (String variable : variables) {
			if (variable.equals(RESULT) || variable.equals("root") || variable.equals("this")
					|| names.contains(variable)) {
				continue;
			}
			Matcher index = INDEX_VARIABLE.matcher(variable);
			if (index.matches() && Integer.parseInt(index.group(1)) < count) {
				continue;
			}
			List<String> accepted = new ArrayList<>();
			accepted.add("#result");
			names.forEach((name) -> accepted.add("#" + name));
			if (count > 0) {
				accepted.add("#p0" + ((count > 1) ? " to #p" + (count - 1) : ""));
				accepted.add("#a0" + ((count > 1) ? " to #a" + (count - 1) : ""));
			}
			throw new ResilienceAnnotationException(describe(source) + " on " + where + ": #" + variable
					+ " is neither #result nor a parameter of " + signature(method) + "; the variables are "
					+ String.join(", ", accepted) + ((parameterNames != null || count == 0) ? ""
							: " (parameter names are not available: compile with -parameters)"));
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

	private static String signature(Method method) {
		return method.getDeclaringClass().getSimpleName() + "." + method.getName()
				+ Arrays.stream(method.getParameterTypes())
					.limit(ReplayableResults.declaredParameterCount(method))
					.map(Class::getSimpleName)
					.collect(Collectors.joining(", ", "(", ")"));
	}

	/** The parameters, and {@code #result} over any parameter of that name. */
	private static final class ResultContext extends MethodBasedEvaluationContext {

		private final Object result;

		ResultContext(Method method, Object[] arguments, Object result) {
			super(null, method, arguments, PARAMETER_NAMES);
			this.result = result;
		}

		@Override
		public Object lookupVariable(String name) {
			return RESULT.equals(name) ? this.result : super.lookupVariable(name);
		}

	}

}
