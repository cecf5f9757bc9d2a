package dev.resilience.spring.aop;

import java.lang.annotation.Annotation;

import org.springframework.aop.Pointcut;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;

/**
 * Proxies every bean with a resilience annotation on its type or on a method, with one
 * advisor: an annotation-matching pointcut and the {@link ResilienceMethodInterceptor}.
 * When the bean is already proxied (for {@code @Transactional}, say) the advisor is added
 * in front of the existing ones, so each retry attempt runs the whole inner chain again
 * (a new transaction per attempt).
 * <p>
 * Each bean's pipelines are built here, while the bean is created: an annotation that
 * cannot work fails the bean, and so the application, at startup.
 */
public class ResilienceAnnotationBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

	private final ResilienceMethodInterceptor interceptor;

	public ResilienceAnnotationBeanPostProcessor(ResilienceMethodInterceptor interceptor) {
		this.interceptor = interceptor;
		this.advisor = new DefaultPointcutAdvisor(pointcut(), interceptor);
		this.beforeExistingAdvisors = true;
		// As Spring Boot does for its own proxies: the bean stays injectable by its
		// class, and annotated methods that no interface declares are intercepted too.
		setProxyTargetClass(true);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (isEligible(bean, beanName)) {
			this.interceptor.prepare(AopUtils.getTargetClass(bean));
		}
		return super.postProcessAfterInitialization(bean, beanName);
	}

	private static Pointcut pointcut() {
		ComposablePointcut pointcut = null;
		for (Class<? extends Annotation> kind : MethodPipelineFactory.AnnotationKinds.ALL) {
			Pointcut onType = new AnnotationMatchingPointcut(kind, true);
			Pointcut onMethod = new AnnotationMatchingPointcut(null, kind, true);
			if (pointcut == null) {
				pointcut = new ComposablePointcut(onType);
			}
			else {
				pointcut.union(onType);
			}
			pointcut.union(onMethod);
		}
		return pointcut;
	}

}
