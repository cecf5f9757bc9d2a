package dev.resilience.benchmarks;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The floor: a bean proxied the way our starter proxies one (an advising bean
 * post-processor with an annotation-matching pointcut), whose only interceptor proceeds.
 * No resilience library can cost less per call through a Spring proxy. The unproxied bean
 * lives here too.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration(AopAutoConfiguration.class)
class FloorConfiguration {

	@Bean
	static AbstractBeanFactoryAwareAdvisingPostProcessor noopAdvisingPostProcessor() {
		return new AbstractBeanFactoryAwareAdvisingPostProcessor() {
			{
				MethodInterceptor proceed = (invocation) -> invocation.proceed();
				this.advisor = new DefaultPointcutAdvisor(new AnnotationMatchingPointcut(Noop.class, true), proceed);
			}
		};
	}

	@Bean
	Beans.Floor floor() {
		return new Beans.Floor();
	}

	@Bean
	Beans.Plain plain() {
		return new Beans.Plain();
	}

	/** Marks the bean the no-op advisor proxies. */
	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.TYPE)
	@interface Noop {

	}

}
