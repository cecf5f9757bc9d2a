package dev.resilience.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the non-web Spring Boot contexts the benchmarks call into. Each library gets a
 * context of its own, with only its own auto-configuration, so that no two proxies or
 * registries meet. No {@code application.properties} is read: every setting is written
 * here, side by side, so that a reader can check they are equal.
 */
final class Contexts {

	/** The instance name every annotated benchmark bean uses. */
	static final String NAME = "bench";

	/**
	 * Permits per one-second period of the rate limiters: far more calls than one thread
	 * makes in a second, so that no call is refused or waits during a run.
	 */
	static final int RATE_LIMIT = 100_000_000;

	private Contexts() {
	}

	/**
	 * The same policy settings, in each library's keys: a count-based breaker of 100
	 * calls that needs 20 calls and 50% failures to open, 60s open, 10 half-open trials,
	 * slow calls at 60s / 100%; 3 attempts with 200ms exponential backoff (x2); 25
	 * concurrent calls, no waiting.
	 */
	static Map<String, Object> settings() {
		Map<String, Object> settings = new LinkedHashMap<>();
		String ours = "resilience.";
		String cb = ours + "circuit-breaker.instances." + NAME + ".";
		settings.put(cb + "sliding-window-type", "count-based");
		settings.put(cb + "sliding-window-size", "100");
		settings.put(cb + "minimum-number-of-calls", "20");
		settings.put(cb + "failure-rate-threshold", "50");
		settings.put(cb + "wait-duration-in-open-state", "60s");
		settings.put(cb + "permitted-number-of-calls-in-half-open-state", "10");
		settings.put(cb + "slow-call-duration-threshold", "60s");
		settings.put(cb + "slow-call-rate-threshold", "100");
		String retry = ours + "retry.instances." + NAME + ".";
		settings.put(retry + "max-attempts", "3");
		settings.put(retry + "wait-duration", "200ms");
		settings.put(retry + "backoff", "exponential");
		settings.put(retry + "multiplier", "2.0");
		String bulkhead = ours + "bulkhead.instances." + NAME + ".";
		settings.put(bulkhead + "max-concurrent-calls", "25");
		settings.put(bulkhead + "max-wait-duration", "0ms");

		String r4j = "resilience4j.";
		String r4jCb = r4j + "circuitbreaker.instances." + NAME + ".";
		settings.put(r4jCb + "sliding-window-type", "COUNT_BASED");
		settings.put(r4jCb + "sliding-window-size", "100");
		settings.put(r4jCb + "minimum-number-of-calls", "20");
		settings.put(r4jCb + "failure-rate-threshold", "50");
		settings.put(r4jCb + "wait-duration-in-open-state", "60s");
		settings.put(r4jCb + "permitted-number-of-calls-in-half-open-state", "10");
		settings.put(r4jCb + "slow-call-duration-threshold", "60s");
		settings.put(r4jCb + "slow-call-rate-threshold", "100");
		String r4jRetry = r4j + "retry.instances." + NAME + ".";
		settings.put(r4jRetry + "max-attempts", "3");
		settings.put(r4jRetry + "wait-duration", "200ms");
		settings.put(r4jRetry + "enable-exponential-backoff", "true");
		settings.put(r4jRetry + "exponential-backoff-multiplier", "2.0");
		String r4jBulkhead = r4j + "bulkhead.instances." + NAME + ".";
		settings.put(r4jBulkhead + "max-concurrent-calls", "25");
		settings.put(r4jBulkhead + "max-wait-duration", "0ms");
		// Spring Retry takes its settings from the annotation (see
		// SpringRetryConfiguration).
		return settings;
	}

	/**
	 * The settings of the time limits and rate limits, in each library's keys: a 1s time
	 * limit that interrupts (cancels) the work; {@link #RATE_LIMIT} permits per 1s
	 * period, no waiting for a permit. Only the contexts of the benchmarks that measure
	 * them get them (see {@code States}), so that the other benchmarks start as before.
	 */
	static Map<String, Object> timeLimitSettings() {
		Map<String, Object> settings = new LinkedHashMap<>();
		String ours = "resilience.";
		String timeout = ours + "timeout.instances." + NAME + ".";
		settings.put(timeout + "duration", "1s");
		settings.put(timeout + "interrupt", "true");
		String rateLimiter = ours + "rate-limiter.instances." + NAME + ".";
		settings.put(rateLimiter + "limit-for-period", String.valueOf(RATE_LIMIT));
		settings.put(rateLimiter + "limit-refresh-period", "1s");
		settings.put(rateLimiter + "timeout-duration", "0ms");

		String r4j = "resilience4j.";
		String r4jTimeLimiter = r4j + "timelimiter.instances." + NAME + ".";
		settings.put(r4jTimeLimiter + "timeout-duration", "1s");
		settings.put(r4jTimeLimiter + "cancel-running-future", "true");
		String r4jRateLimiter = r4j + "ratelimiter.instances." + NAME + ".";
		settings.put(r4jRateLimiter + "limit-for-period", String.valueOf(RATE_LIMIT));
		settings.put(r4jRateLimiter + "limit-refresh-period", "1s");
		settings.put(r4jRateLimiter + "timeout-duration", "0ms");
		return settings;
	}

	static ConfigurableApplicationContext start(Class<?> configuration) {
		return start(configuration, Map.of());
	}

	static ConfigurableApplicationContext start(Class<?> configuration, Map<String, Object> moreSettings) {
		Map<String, Object> all = new LinkedHashMap<>(settings());
		all.putAll(moreSettings);
		return startWith(configuration, all);
	}

	/** Starts a context with these settings and none of {@link #settings()}. */
	static ConfigurableApplicationContext startWith(Class<?> configuration, Map<String, Object> settings) {
		return new SpringApplicationBuilder(configuration).web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.bannerMode(org.springframework.boot.Banner.Mode.OFF)
			.properties(settings)
			// No application.properties/yml from the classpath: the settings above are
			// all there is.
			.properties("spring.config.name=resilience-benchmarks-none", "spring.jmx.enabled=false",
					"logging.level.root=WARN")
			.run();
	}

}
