package dev.resilience.benchmarks;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Our starter as in {@link OursConfiguration}, plus the {@code Mono} bean: in a context
 * of its own, so that the other benchmarks of ours start whatever the reactive support
 * makes of it.
 */
@Configuration(proxyBeanMethods = false)
@Import(OursConfiguration.class)
class OursMonoConfiguration {

	@Bean
	Beans.OursMono oursMono() {
		return new Beans.OursMono();
	}

}
