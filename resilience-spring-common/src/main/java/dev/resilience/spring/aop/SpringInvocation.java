package dev.resilience.spring.aop;

import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;

import dev.resilience.Invocation;
import dev.resilience.Pipeline;

/**
 * Adapts Spring's {@link MethodInvocation} to the engine. A Spring invocation moves along
 * its interceptor chain as it proceeds, so a pipeline that may retry proceeds through a
 * fresh clone, taken from the untouched original, for every attempt. When the resilience
 * interceptor is the innermost advice of the proxy, proceeding only ever invokes the
 * target method and leaves the invocation where it was: then every attempt proceeds the
 * original, and nothing is cloned.
 */
final class SpringInvocation implements Invocation {

	/**
	 * One reusable adapter per thread for synchronous calls, whose invocation never
	 * leaves the calling thread: the success path then allocates nothing. A protected
	 * method called while another is running on the same thread gets a fresh adapter.
	 */
	private static final ThreadLocal<SpringInvocation> REUSABLE = ThreadLocal.withInitial(SpringInvocation::new);

	private MethodInvocation invocation;

	private boolean cloneEachAttempt;

	private SpringInvocation() {
	}

	/**
	 * An adapter for a call that may run on other threads (a {@code CompletionStage}
	 * method).
	 * @param cloneEachAttempt whether the call may proceed more than once through advice
	 * inside the resilience interceptor; ignored for an invocation that cannot be cloned
	 */
	static Invocation of(MethodInvocation invocation, boolean cloneEachAttempt) {
		return new SpringInvocation().bind(invocation, cloneEachAttempt);
	}

	/**
	 * Runs a synchronous call through {@code pipeline}, on this thread's reusable adapter
	 * when it is free.
	 */
	static Object execute(Pipeline pipeline, MethodInvocation invocation, boolean cloneEachAttempt) throws Throwable {
		SpringInvocation reusable = REUSABLE.get();
		if (reusable.invocation != null) {
			return pipeline.execute(of(invocation, cloneEachAttempt));
		}
		reusable.bind(invocation, cloneEachAttempt);
		try {
			return pipeline.execute(reusable);
		}
		finally {
			reusable.invocation = null;
		}
	}

	private SpringInvocation bind(MethodInvocation invocation, boolean cloneEachAttempt) {
		this.invocation = invocation;
		this.cloneEachAttempt = cloneEachAttempt && invocation instanceof ProxyMethodInvocation;
		return this;
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
