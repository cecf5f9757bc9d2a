package dev.resilience.spring.aop;

import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;

import dev.resilience.Invocation;

/**
 * Adapts Spring's {@link MethodInvocation} to the engine. A Spring invocation can proceed down its
 * interceptor chain only once, so a pipeline that may retry proceeds through a fresh clone for
 * every attempt, taken from the untouched original; one that never retries proceeds directly.
 */
final class SpringInvocation implements Invocation {

	private final MethodInvocation invocation;

	private final boolean repeatable;

	private SpringInvocation(MethodInvocation invocation, boolean repeatable) {
		this.invocation = invocation;
		this.repeatable = repeatable;
	}

	static Invocation of(MethodInvocation invocation, boolean mayProceedMoreThanOnce) {
		return new SpringInvocation(invocation,
				mayProceedMoreThanOnce && invocation instanceof ProxyMethodInvocation);
	}

	@Override
	public Object proceed() throws Throwable {
		if (this.repeatable) {
			ProxyMethodInvocation original = (ProxyMethodInvocation) this.invocation;
			return original.invocableClone(original.getArguments()).proceed();
		}
		return this.invocation.proceed();
	}

	@Override
	public Object[] getArguments() {
		return this.invocation.getArguments();
	}

	@Override
	public Object getTarget() {
		return this.invocation.getThis();
	}

}
