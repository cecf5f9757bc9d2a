package dev.resilience.spring.ratelimiter.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

import dev.resilience.annotation.RateLimiter;

/**
 * A client of a partner whose contract allows a fixed rate for the whole fleet: its
 * limiter's name comes from {@code test.limiter}, so that each test run has its own key.
 */
public class FleetClient {

	@RateLimiter(name = "${test.limiter}")
	public String send() {
		return "sent";
	}

	@RateLimiter(name = "${test.limiter}")
	public CompletionStage<String> sendAsync() {
		return CompletableFuture.completedFuture("sent " + Thread.currentThread().getName());
	}

	/** One application instance of the fleet. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Instance {

		@Bean
		FleetClient fleetClient() {
			return new FleetClient();
		}

	}

}
