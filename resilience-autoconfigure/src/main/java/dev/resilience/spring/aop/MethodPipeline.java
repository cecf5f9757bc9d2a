package dev.resilience.spring.aop;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.aopalliance.intercept.MethodInvocation;

import dev.resilience.Pipeline;

/**
 * What the interceptor runs for one annotated method: its {@link Pipeline}, built and validated at
 * startup, and how the method's result travels (a plain value, or a {@code CompletionStage}
 * handled asynchronously end to end).
 */
final class MethodPipeline {

	private final Method method;

	private final Pipeline pipeline;

	private final boolean async;

	private final boolean completableFuture;

	private final boolean mayProceedMoreThanOnce;

	MethodPipeline(Method method, Pipeline pipeline, boolean mayProceedMoreThanOnce) {
		this.method = method;
		this.pipeline = pipeline;
		Class<?> returnType = method.getReturnType();
		this.async = CompletionStage.class.isAssignableFrom(returnType);
		this.completableFuture = CompletableFuture.class.isAssignableFrom(returnType);
		this.mayProceedMoreThanOnce = mayProceedMoreThanOnce;
	}

	Object invoke(MethodInvocation invocation) throws Throwable {
		if (!this.async) {
			return this.pipeline.execute(SpringInvocation.of(invocation, this.mayProceedMoreThanOnce));
		}
		CompletionStage<Object> stage = this.pipeline
			.executeAsync(SpringInvocation.of(invocation, this.mayProceedMoreThanOnce));
		return this.completableFuture ? stage.toCompletableFuture() : stage;
	}

	Method getMethod() {
		return this.method;
	}

	Pipeline getPipeline() {
		return this.pipeline;
	}

	boolean isAsync() {
		return this.async;
	}

	@Override
	public String toString() {
		return this.method.getDeclaringClass().getSimpleName() + "." + this.method.getName() + " "
				+ this.pipeline.getStages();
	}

}
