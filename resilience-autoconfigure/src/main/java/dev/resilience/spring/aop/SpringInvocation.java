package dev.resilience.spring.aop;

import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;

import dev.resilience.Invocation;

/**
 * Adapts Spring's {@link MethodInvocation} to the engine. A Spring invocation moves along its
 * interceptor chain as it proceeds, so a pipeline that may retry proceeds through a fresh clone,
 * taken from the untouched original, for every attempt. When the resilience interceptor is the
 * innermost advice of the proxy, proceeding only ever invokes the target method and leaves the
 * invocation where it was: then every attempt proceeds the original, and nothing is cloned.
 */
final class SpringInvocation implements Invocation {

	private final MethodInvocation invocation;

	private final boolean cloneEachAttempt;

	private SpringInvocation(MethodInvocation invocation, boolean cloneEachAttempt) {
		this.invocation = invocation;
		this.cloneEachAttempt = cloneEachAttempt;
	}

	/**
	 * @param cloneEachAttempt whether the call may proceed more than once through advice inside
	 * the resilience interceptor; ignored for an invocation that cannot be cloned
	 */
	static Invocation of(MethodInvocation invocation, boolean cloneEachAttempt) {
		return new SpringInvocation(invocation, cloneEachAttempt && invocation instanceof ProxyMethodInvocation);
	}

	@Override
	public Object proceed() throws Throwable {
		if (this.cloneEachAttempt) {
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
