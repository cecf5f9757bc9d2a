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
 * {@link MethodPipeline} built for the invoked method on the target's class and runs it:
 * no annotation lookup, no SpEL parsing and no instance lookup by name happen here.
 * Pipelines are built when the bean is created ({@link #prepare(Class)}), so every
 * validation error stops startup.
 * <p>
 * A pipeline belongs to a method <em>and</em> a target class: two beans inheriting one
 * method may carry different type-level annotations, a different fallback, and bind a
 * generic return type differently, so they never share one.
 * <p>
 * Thread-safe.
 */
public final class ResilienceMethodInterceptor implements MethodInterceptor {

	/** Marks a method seen through the proxy that carries no resilience annotation. */
	private static final Object NONE = new Object();

	private final Supplier<MethodPipelineFactory> factory;

	/**
	 * Target class, then method: two lookups that allocate nothing, where one map keyed
	 * by a (method, class) pair would build a key per call.
	 */
	private final Map<Class<?>, Map<Method, Object>> pipelines = new ConcurrentHashMap<>();

	/**
	 * The factory is looked up when the first annotated bean is prepared, not when this
	 * is created.
	 */
	public ResilienceMethodInterceptor(Supplier<MethodPipelineFactory> factory) {
		this.factory = SingletonSupplier.of(factory);
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? target.getClass() : invocation.getMethod().getDeclaringClass();
		Map<Method, Object> ofClass = this.pipelines.get(targetClass);
		Object pipeline = (ofClass != null) ? ofClass.get(invocation.getMethod()) : null;
		if (pipeline == null) {
			pipeline = resolve(invocation, targetClass);
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
		Map<Method, Object> ofClass = ofClass(targetClass);
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(targetClass,
				ReflectionUtils.USER_DECLARED_METHODS)) {
			ofClass.computeIfAbsent(method, (key) -> orNone(pipelineFactory.create(key, targetClass)));
		}
	}

	/**
	 * First call through a method object or a target class not seen at startup (an
	 * interface method of a JDK proxy, a target that is itself a generated subclass):
	 * maps it to the pipeline of the implementation method on the user class, once.
	 */
	private Object resolve(MethodInvocation invocation, Class<?> targetClass) {
		Method method = invocation.getMethod();
		Class<?> userClass = (invocation.getThis() != null) ? AopUtils.getTargetClass(invocation.getThis())
				: method.getDeclaringClass();
		Method specific = AopUtils.getMostSpecificMethod(method, userClass);
		Object pipeline = ofClass(userClass).computeIfAbsent(specific,
				(key) -> orNone(this.factory.get().create(key, userClass)));
		Object raced = ofClass(targetClass).putIfAbsent(method, pipeline);
		return (raced != null) ? raced : pipeline;
	}

	private Map<Method, Object> ofClass(Class<?> targetClass) {
		return this.pipelines.computeIfAbsent(targetClass, (key) -> new ConcurrentHashMap<>());
	}

	private static Object orNone(MethodPipeline pipeline) {
		return (pipeline != null) ? pipeline : NONE;
	}

}
