package dev.resilience.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.resilience.ResilienceRegistry;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.sample.inventory.Availability;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * The sample app on a random port with WireMock as its downstream. Policies are shrunk so
 * that a scenario takes a few calls and a couple of seconds: the breaker decides after 4
 * calls, counts a call slower than 500ms as slow, and stays open 2s; retries wait 10ms
 * and have no budget (tested on its own); the recommendations bulkhead admits 2 calls.
 * The inventory timeout (4s) and the order rate limit (1000 a second) are out of the way
 * here, so that slow calls complete and orders are never refused; each is tested on its
 * own.
 * <p>
 * Subclasses with no further configuration share one application context and one WireMock
 * server; every test starts with no stubs, no recorded requests and a closed breaker.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"resilience.circuit-breaker.instances.inventory.sliding-window-size=8",
		"resilience.circuit-breaker.instances.inventory.minimum-number-of-calls=4",
		"resilience.circuit-breaker.instances.inventory.failure-rate-threshold=50",
		"resilience.circuit-breaker.instances.inventory.slow-call-duration-threshold=500ms",
		"resilience.circuit-breaker.instances.inventory.slow-call-rate-threshold=50",
		"resilience.circuit-breaker.instances.inventory.wait-duration-in-open-state=2s",
		"resilience.circuit-breaker.instances.inventory.permitted-number-of-calls-in-half-open-state=2",
		"resilience.retry.instances.inventory.max-attempts=" + WireMockDownstreamTests.MAX_ATTEMPTS,
		"resilience.retry.instances.inventory.wait-duration=10ms", "resilience.retry.instances.inventory.backoff=fixed",
		"resilience.retry.instances.inventory.jitter=none", "resilience.retry.instances.inventory.budget.enabled=false",
		"resilience.bulkhead.instances.recommendations.max-concurrent-calls="
				+ WireMockDownstreamTests.MAX_CONCURRENT_RECOMMENDATIONS,
		"resilience.timeout.instances.inventory.duration=4s",
		"resilience.rate-limiter.instances.orders.limit-for-period=1000", "sample.downstream.read-timeout=5s" })
@Import(SampleHttp.class)
abstract class WireMockDownstreamTests {

	static final int MAX_ATTEMPTS = 3;

	static final int MAX_CONCURRENT_RECOMMENDATIONS = 2;

	static final WireMockServer downstream = new WireMockServer(wireMockConfig().dynamicPort());

	static {
		// one server for every context that points at it; the JVM's end stops it
		downstream.start();
		Runtime.getRuntime().addShutdownHook(new Thread(downstream::stop));
	}

	@DynamicPropertySource
	static void downstreamUrl(DynamicPropertyRegistry registry) {
		registry.add("sample.downstream.base-url", downstream::baseUrl);
	}

	@Autowired
	SampleHttp http;

	@Autowired
	ResilienceRegistry registry;

	@BeforeEach
	void resetDownstreamAndBreakers() {
		downstream.resetAll();
		this.registry.getCircuitBreakers().forEach(CircuitBreaker::reset);
	}

	Availability availability(String sku) {
		return this.http.getForObject("/products/{sku}/availability", Availability.class, sku);
	}

	CircuitBreaker inventoryBreaker() {
		return this.registry.findCircuitBreaker("inventory").orElseThrow();
	}

	static int requestsMatching(RequestPatternBuilder pattern) {
		return downstream.countRequestsMatching(pattern.build()).getCount();
	}

	/** Runs the tasks at once, each on its own thread, released together. */
	static <T> List<T> concurrently(int threads, Callable<T> task) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			CyclicBarrier start = new CyclicBarrier(threads);
			List<Future<T>> futures = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				futures.add(executor.submit(() -> {
					start.await(10, TimeUnit.SECONDS);
					return task.call();
				}));
			}
			List<T> results = new ArrayList<>();
			for (Future<T> future : futures) {
				results.add(future.get(30, TimeUnit.SECONDS));
			}
			return results;
		}
		finally {
			executor.shutdownNow();
		}
	}

	static Duration timed(Runnable action) {
		long start = System.nanoTime();
		action.run();
		return Duration.ofNanos(System.nanoTime() - start);
	}

}
