package dev.resilience.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

import dev.resilience.ratelimiter.RateLimiterConfig;

/**
 * Matches when {@code resilience.rate-limiter} makes a limiter of cluster scope, in its
 * defaults or in one of its instances. A value that does not bind is left for the
 * validation at startup to report.
 */
class ClusterScopeCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConditionMessage.Builder message = ConditionMessage.forCondition("Rate limiter of cluster scope");
		ResilienceProperties.RateLimiter rateLimiter;
		try {
			rateLimiter = Binder.get(context.getEnvironment())
				.bind("resilience.rate-limiter", ResilienceProperties.RateLimiter.class)
				.orElse(null);
		}
		catch (RuntimeException ex) {
			return ConditionOutcome.noMatch(message.because("resilience.rate-limiter does not bind"));
		}
		if (rateLimiter == null) {
			return ConditionOutcome.noMatch(message.because("no resilience.rate-limiter keys"));
		}
		if (rateLimiter.getDefaults().getScope() == RateLimiterConfig.Scope.CLUSTER) {
			return ConditionOutcome.match(message.because("resilience.rate-limiter.defaults.scope is cluster"));
		}
		for (var instance : rateLimiter.getInstances().entrySet()) {
			if (instance.getValue().getScope() == RateLimiterConfig.Scope.CLUSTER) {
				return ConditionOutcome
					.match(message.because("rate limiter '" + instance.getKey() + "' is of cluster scope"));
			}
		}
		return ConditionOutcome.noMatch(message.because("every rate limiter is of instance scope"));
	}

}
