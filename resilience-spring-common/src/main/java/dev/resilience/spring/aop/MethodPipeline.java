package dev.resilience.spring.aop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.Advisor;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.framework.Advised;

import dev.resilience.Pipeline;
import dev.resilience.spring.reactive.ReactivePipeline;

/**
 * What the interceptor runs for one annotated method: its {@link Pipeline}, built and
 * validated at startup, and how the method's result travels (a plain value, or a
 * {@code CompletionStage} handled asynchronously end to end).
 */
final class MethodPipeline {

	private final String description;

	private final Pipeline pipeline;

	private final boolean async;

	private final boolean completableFuture;

	/**
	 * Whether a plain result must be checked for asynchronous work the declared type hid.
	 */
	private final boolean checkResultType;

	private final boolean mayProceedMoreThanOnce;

	/**
	 * The Reactor operators of a method returning {@code Mono} or {@code Flux}, else
	 * {@code null}.
	 */
	private final ReactivePipeline reactive;

	/**
	 * The last proxy this method was called through and whether the resilience advice is
	 * the innermost of its chain, so that a singleton bean's retries need no clone of the
	 * invocation.
	 */
	private volatile Innermost lastProxy;

	/**
	 * @param description the method on its target class, for diagnostics
	 * @param returnType the return type as the target class binds it
	 * @param returnKind how the result travels, as {@link ReturnTypes} classified it
	 * @param reactive the operators of a {@code Mono} or {@code Flux} method, else
	 * {@code null}
	 */
	MethodPipeline(String description, Class<?> returnType, ReturnKind returnKind, Pipeline pipeline,
			boolean mayProceedMoreThanOnce, ReactivePipeline reactive) {
		this.description = description;
		this.pipeline = pipeline;
		this.async = returnKind == ReturnKind.COMPLETION_STAGE;
		this.completableFuture = CompletableFuture.class.isAssignableFrom(returnType);
		this.checkResultType = returnKind == ReturnKind.VALUE && ReturnTypes.mayHoldAsynchronousValue(returnType);
		// Each subscription to a reactive result proceeds once more.
		this.mayProceedMoreThanOnce = mayProceedMoreThanOnce || reactive != null;
		this.reactive = reactive;
	}

	Object invoke(MethodInvocation invocation) throws Throwable {
		boolean cloneEachAttempt = this.mayProceedMoreThanOnce && !isInnermostAdvice(invocation);
		if (this.reactive != null) {
			return this.reactive.invoke(SpringInvocation.of(invocation, cloneEachAttempt));
		}
		if (!this.async) {
			Object result = SpringInvocation.execute(this.pipeline, invocation, cloneEachAttempt);
			if (this.checkResultType && result != null && ReturnTypes.isAsynchronousValue(result.getClass())) {
				throw unprotectedResult(result);
			}
			return result;
		}
		CompletionStage<Object> stage = this.pipeline.executeAsync(SpringInvocation.of(invocation, cloneEachAttempt));
		return this.completableFuture ? stage.toCompletableFuture() : stage;
	}

	/**
	 * A method declared to return {@code Object} (or another supertype of an asynchronous
	 * type) returned asynchronous work at runtime: the pipeline ran it as a plain call
	 * and protected only the building of the value, so the caller is told rather than
	 * handed unprotected work.
	 */
	private IllegalStateException unprotectedResult(Object result) {
		return new IllegalStateException(this.description + " returned a " + result.getClass().getName()
				+ ", but its declared return type made it run as a plain call, which protects only the building of"
				+ " that value; declare the return type as " + ReturnTypes.SUPPORTED);
	}

	/**
	 * Whether the resilience advisor is the last advisor of the proxy {@code invocation}
	 * runs through, so that proceeding goes straight to the target. Unknown counts as no:
	 * the caller then clones, which is always correct.
	 */
	private boolean isInnermostAdvice(MethodInvocation invocation) {
		if (!(invocation instanceof ProxyMethodInvocation proxyInvocation)
				|| !(proxyInvocation.getProxy() instanceof Advised advised)) {
			return false;
		}
		Innermost last = this.lastProxy;
		// The advisor count catches advice added to or removed from the proxy after the
		// first call.
		int advisorCount = advised.getAdvisorCount();
		if (last != null && last.proxy == advised && last.advisorCount == advisorCount) {
			return last.innermost;
		}
		Advisor[] advisors = advised.getAdvisors();
		boolean innermost = advisors.length > 0
				&& advisors[advisors.length - 1].getAdvice() instanceof ResilienceMethodInterceptor;
		this.lastProxy = new Innermost(advised, advisors.length, innermost);
		return innermost;
	}

	private record Innermost(Object proxy, int advisorCount, boolean innermost) {
	}

	@Override
	public String toString() {
		return this.description + " " + this.pipeline.getStages();
	}

}
