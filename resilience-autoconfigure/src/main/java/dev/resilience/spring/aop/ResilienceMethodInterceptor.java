package dev.resilience.spring.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.aop.support.AopUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * The one interceptor behind every resilience annotation. Per call it fetches the
 * {@link MethodPipeline} built for the invoked method and runs it: no annotation lookup, no SpEL
 * parsing and no instance lookup by name happen here. Pipelines are built when the bean is
 * created ({@link #prepare(Class)}), so every validation error stops startup.
 * <p>
 * Thread-safe.
 */
public final class ResilienceMethodInterceptor implements MethodInterceptor {

	/** Marks a method seen through the proxy that carries no resilience annotation. */
	private static final Object NONE = new Object();

	private final Supplier<MethodPipelineFactory> factory;

	private final Map<Method, Object> pipelines = new ConcurrentHashMap<>();

	/** The factory is looked up when the first annotated bean is prepared, not when this is created. */
	public ResilienceMethodInterceptor(Supplier<MethodPipelineFactory> factory) {
		this.factory = SingletonSupplier.of(factory);
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Object pipeline = this.pipelines.get(invocation.getMethod());
		if (pipeline == null) {
			pipeline = resolve(invocation);
		}
		if (pipeline == NONE) {
			return invocation.proceed();
		}
		return ((MethodPipeline) pipeline).invoke(invocation);
	}

	/**
	 * Builds the pipelines of every annotated method of {@code targetClass}.
	 * @throws ResilienceAnnotationException when an annotation cannot work as written
	 */
	public void prepare(Class<?> targetClass) {
		MethodPipelineFactory pipelineFactory = this.factory.get();
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(targetClass, ReflectionUtils.USER_DECLARED_METHODS)) {
			if (this.pipelines.containsKey(method)) {
				continue;
			}
			MethodPipeline pipeline = pipelineFactory.create(method, targetClass);
			this.pipelines.put(method, (pipeline != null) ? pipeline : NONE);
		}
	}

	/**
	 * First call through a method object not seen at startup (an interface method of a JDK proxy):
	 * maps it to the pipeline of the implementation method, once.
	 */
	private Object resolve(MethodInvocation invocation) {
		Method method = invocation.getMethod();
		Class<?> targetClass = (invocation.getThis() != null) ? AopUtils.getTargetClass(invocation.getThis())
				: method.getDeclaringClass();
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		Object pipeline = this.pipelines.get(specific);
		if (pipeline == null) {
			MethodPipeline created = this.factory.get().create(specific, targetClass);
			pipeline = (created != null) ? created : NONE;
			this.pipelines.putIfAbsent(specific, pipeline);
		}
		this.pipelines.putIfAbsent(method, pipeline);
		return pipeline;
	}

}
