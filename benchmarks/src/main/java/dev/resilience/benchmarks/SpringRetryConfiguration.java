package dev.resilience.benchmarks;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.retry.annotation.EnableRetry;

/** Spring Retry's {@code @Retryable}, enabled the documented way. */
@Configuration(proxyBeanMethods = false)
@EnableRetry
@ImportAutoConfiguration(AopAutoConfiguration.class)
class SpringRetryConfiguration {

	@Bean
	Beans.SpringRetry springRetry() {
		return new Beans.SpringRetry();
	}

}
