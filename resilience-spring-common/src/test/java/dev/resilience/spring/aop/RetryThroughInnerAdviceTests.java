package dev.resilience.spring.aop;

import java.util.concurrent.atomic.AtomicInteger;

import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import dev.resilience.annotation.Retry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Each retry attempt runs the advice that sits inside the resilience advice (a
 * transaction per attempt), whether that advice was there from the start or added to the
 * proxy later; with no advice inside, attempts go straight to the method.
 */
class RetryThroughInnerAdviceTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
		.withPropertyValues("resilience.retry.defaults.max-attempts=3", "resilience.retry.defaults.wait-duration=1ms",
				"resilience.retry.defaults.jitter=none", "resilience.retry.defaults.budget.enabled=false");

	@Test
	void everyAttemptRunsAdviceInsideTheResilienceAdvice() {
		this.runner.withUserConfiguration(FailingServiceConfiguration.class, InnerAdviceConfiguration.class)
			.run((context) -> {
				FailingService service = context.getBean(FailingService.class);
				AtomicInteger inner = context.getBean(InnerAdvisingPostProcessor.class).calls;

				assertThatIllegalStateException().isThrownBy(() -> service.work(1));
				assertThatIllegalStateException().isThrownBy(() -> service.work(1));

				assertThat(service.calls()).hasValue(6);
				assertThat(inner).hasValue(6);
			});
	}

	@Test
	void adviceAddedToTheProxyAfterAFirstCallRunsOnEveryLaterAttempt() {
		this.runner.withUserConfiguration(FailingServiceConfiguration.class).run((context) -> {
			FailingService service = context.getBean(FailingService.class);
			AtomicInteger calls = service.calls();
			assertThatIllegalStateException().isThrownBy(() -> service.work(1));
			assertThat(calls).hasValue(3);
			AtomicInteger inner = new AtomicInteger();
			((Advised) service).addAdvice(counting(inner));

			assertThatIllegalStateException().isThrownBy(() -> service.work(1));

			assertThat(calls).hasValue(6);
			assertThat(inner).hasValue(3);
		});
	}

	@Test
	void withoutInnerAdviceEachAttemptCallsTheMethodOnce() {
		this.runner.withUserConfiguration(FailingServiceConfiguration.class).run((context) -> {
			FailingService service = context.getBean(FailingService.class);

			assertThatIllegalStateException().isThrownBy(() -> service.work(1));

			assertThat(service.calls()).hasValue(3);
			assertThat(((Advised) service).getAdvisors()).hasSize(1);
		});
	}

	private static MethodInterceptor counting(AtomicInteger calls) {
		return (invocation) -> {
			calls.incrementAndGet();
			return invocation.proceed();
		};
	}

	public static class FailingService {

		private final AtomicInteger calls = new AtomicInteger();

		/** Through the method: the class-based proxy has fields of its own. */
		public AtomicInteger calls() {
			return this.calls;
		}

		@Retry(name = "inner")
		public int work(int x) {
			this.calls.incrementAndGet();
			throw new IllegalStateException("attempt " + this.calls.get());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingServiceConfiguration {

		@Bean
		FailingService failingService() {
			return new FailingService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InnerAdviceConfiguration {

		@Bean
		static InnerAdvisingPostProcessor innerAdvisingPostProcessor() {
			return new InnerAdvisingPostProcessor();
		}

	}

	/** Runs after the resilience post-processor and appends its advisor: inside ours. */
	static class InnerAdvisingPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

		final AtomicInteger calls = new AtomicInteger();

		InnerAdvisingPostProcessor() {
			this.advisor = new DefaultPointcutAdvisor(new AnnotationMatchingPointcut(null, Retry.class, true),
					counting(this.calls));
			this.beforeExistingAdvisors = false;
			setOrder(Ordered.LOWEST_PRECEDENCE);
		}

	}

}
