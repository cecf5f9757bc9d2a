package dev.resilience.sample.simulator;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Puts the {@link FaultInjector} in front of the simulated downstream, but not of its
 * switch.
 */
@Configuration(proxyBeanMethods = false)
class SimulatorConfiguration implements WebMvcConfigurer {

	private final FaultInjector faultInjector;

	SimulatorConfiguration(FaultInjector faultInjector) {
		this.faultInjector = faultInjector;
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		registry.addInterceptor(this.faultInjector)
			.addPathPatterns("/simulator/**")
			.excludePathPatterns("/simulator/faults");
	}

}
