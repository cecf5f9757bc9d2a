package dev.resilience.spring.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Idempotent;
import dev.resilience.spring.idempotency.ReplayableResults;

/**
 * Ahead-of-time processing of the resilience annotations: finds, at build time, every
 * bean class carrying one (by the rules the runtime applies: on the type or on a method,
 * inherited from a superclass or an interface) and registers the runtime hints of what
 * the starter will reach by reflection once the application runs:
 * <ul>
 * <li>invocation of each fallback method that {@code @Fallback} resolves to, and of no
 * other method of that name;</li>
 * <li>binding hints for the result type of each {@code @Idempotent} method (its generic
 * return type resolved against the bean class, inside a {@code CompletionStage} or a
 * {@code ResponseEntity}), which Jackson writes and reads back, and for its parameter
 * types, which the key's SpEL reads and the default fingerprint writes as JSON;</li>
 * <li>the attribute methods of the annotations, read at startup, and the bean classes
 * whose methods are looked up.</li>
 * </ul>
 * The stores' scripts are registered by the store bean's own
 * {@code RuntimeHintsRegistrar}s. An annotation that cannot work (a fallback that does
 * not resolve) gets no hint: the application reports it when it starts.
 */
public class ResilienceBeanFactoryInitializationAotProcessor implements BeanFactoryInitializationAotProcessor {

	private static final Log logger = LogFactory.getLog(ResilienceBeanFactoryInitializationAotProcessor.class);

	/** Named, not referenced: spring-web is optional. */
	private static final String RESPONSE_ENTITY = "org.springframework.http.ResponseEntity";

	@Override
	public BeanFactoryInitializationAotContribution processAheadOfTime(ConfigurableListableBeanFactory beanFactory) {
		Set<Class<?>> annotated = new LinkedHashSet<>();
		for (String beanName : beanFactory.getBeanDefinitionNames()) {
			Class<?> beanClass = beanClass(beanFactory, beanName);
			if (beanClass != null && !annotated.contains(beanClass) && isAnnotated(beanClass)) {
				annotated.add(beanClass);
			}
		}
		if (annotated.isEmpty()) {
			return null;
		}
		return (generationContext, code) -> new Registration(generationContext.getRuntimeHints()).register(annotated);
	}

	private static Class<?> beanClass(ConfigurableListableBeanFactory beanFactory, String beanName) {
		try {
			Class<?> beanClass = RegisteredBean.of(beanFactory, beanName).getBeanClass();
			return (beanClass != null) ? ClassUtils.getUserClass(beanClass) : null;
		}
		catch (RuntimeException | LinkageError ex) {
			// a type that cannot be resolved at build time carries no annotation we can
			// see
			logger.debug("Cannot resolve the type of bean '" + beanName + "': " + ex);
			return null;
		}
	}

	private static boolean isAnnotated(Class<?> beanClass) {
		Method[] methods;
		try {
			methods = methodsOf(beanClass);
		}
		catch (LinkageError ex) {
			// a signature naming a class absent from the build's classpath
			logger.debug("Cannot list the methods of " + beanClass.getName() + ": " + ex);
			return false;
		}
		for (Method method : methods) {
			Method specific = MethodPipelineFactory.specificMethod(method, beanClass);
			if (specific != null && hasAnnotation(specific, beanClass)) {
				return true;
			}
		}
		return false;
	}

	/** The methods the interceptor prepares for a bean of this class. */
	private static Method[] methodsOf(Class<?> beanClass) {
		return ReflectionUtils.getUniqueDeclaredMethods(beanClass, ReflectionUtils.USER_DECLARED_METHODS);
	}

	private static boolean hasAnnotation(Method specific, Class<?> beanClass) {
		boolean typeLevelApplies = MethodPipelineFactory.typeLevelApplies(specific);
		for (Class<? extends Annotation> kind : MethodPipelineFactory.AnnotationKinds.ALL) {
			if (MethodPipelineFactory.find(specific, beanClass, kind, typeLevelApplies) != null) {
				return true;
			}
		}
		return false;
	}

	/** The hints of one build. */
	private static final class Registration {

		private final ReflectionHints reflection;

		private final BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();

		private final Set<Class<?>> bound = new HashSet<>();

		Registration(RuntimeHints hints) {
			this.reflection = hints.reflection();
		}

		void register(Set<Class<?>> beanClasses) {
			for (Class<? extends Annotation> kind : MethodPipelineFactory.AnnotationKinds.ALL) {
				// merged annotation lookups read each attribute by invoking its method
				this.reflection.registerType(kind, MemberCategory.INVOKE_PUBLIC_METHODS);
			}
			beanClasses.forEach(this::registerBeanClass);
		}

		private void registerBeanClass(Class<?> beanClass) {
			this.reflection.registerType(beanClass);
			for (Method method : methodsOf(beanClass)) {
				Method specific = MethodPipelineFactory.specificMethod(method, beanClass);
				if (specific == null || !hasAnnotation(specific, beanClass)) {
					continue;
				}
				this.reflection.registerType(specific.getDeclaringClass());
				boolean typeLevelApplies = MethodPipelineFactory.typeLevelApplies(specific);
				Fallback fallback = MethodPipelineFactory.find(specific, beanClass, Fallback.class, typeLevelApplies);
				if (fallback != null) {
					registerFallback(beanClass, specific, fallback);
				}
				Idempotent idempotent = MethodPipelineFactory.find(specific, beanClass, Idempotent.class,
						typeLevelApplies);
				if (idempotent != null) {
					registerIdempotent(beanClass, specific);
				}
			}
		}

		private void registerFallback(Class<?> beanClass, Method specific, Fallback fallback) {
			FallbackMethod resolved;
			try {
				resolved = FallbackMethod.resolve(beanClass, specific, fallback.method());
			}
			catch (RuntimeException ex) {
				logger.debug("No fallback hint for " + MethodPipelineFactory.describe(specific, beanClass) + ": "
						+ ex.getMessage());
				return;
			}
			for (Method candidate : resolved.getCandidates()) {
				this.reflection.registerType(candidate.getDeclaringClass());
				this.reflection.registerMethod(candidate, ExecutableMode.INVOKE);
			}
		}

		private void registerIdempotent(Class<?> beanClass, Method specific) {
			ResolvableType result = ResolvableType.forType(ReplayableResults.declaredResultType(specific, beanClass));
			if (CompletionStage.class.isAssignableFrom(result.toClass())) {
				result = result.as(CompletionStage.class).getGeneric(0);
			}
			else if (ReplayableResults.isMono(result.toClass())) {
				result = result.getGeneric(0);
			}
			if (result.toClass().getName().equals(RESPONSE_ENTITY)) {
				registerStoredResponse();
				result = result.getGeneric(0);
			}
			registerBinding(result);
			for (int i = 0; i < ReplayableResults.declaredParameterCount(specific); i++) {
				registerBinding(ResolvableType.forMethodParameter(specific, i, beanClass));
			}
		}

		/**
		 * How both lines' result codecs store a {@code ResponseEntity}; read back by
		 * Jackson.
		 */
		private void registerStoredResponse() {
			registerBinding(ResolvableType.forClass(ReplayableResults.StoredResponse.class));
		}

		/**
		 * The class, its properties' types, and each type argument, as Jackson will bind
		 * them.
		 */
		private void registerBinding(ResolvableType type) {
			if (type.isArray()) {
				registerBinding(type.getComponentType());
				return;
			}
			Class<?> raw = type.resolve();
			if (raw == null || raw == void.class || raw == Void.class) {
				return;
			}
			if (this.bound.add(raw)) {
				this.bindings.registerReflectionHints(this.reflection, raw);
			}
			for (ResolvableType generic : type.getGenerics()) {
				registerBinding(generic);
			}
		}

	}

}
