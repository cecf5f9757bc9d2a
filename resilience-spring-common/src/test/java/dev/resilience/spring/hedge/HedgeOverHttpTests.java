package dev.resilience.spring.hedge;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.resilience.ResilienceRegistry;
import dev.resilience.annotation.Hedge;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.metrics.ResilienceMeterBinder;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hedged {@code CompletableFuture} method against a real HTTP downstream (WireMock)
 * where every tenth request is slow (1s; the others answer in 5ms). Without hedging, one
 * call in ten would take a second and the p99 latency would be a second; with a 50ms
 * hedge the slow calls are answered by their hedge, so the p99 falls far below the slow
 * delay, while the extra requests the downstream sees stay within the hedge budget (ratio
 * 0.2 of the calls). Real time, sequential calls, wide margins.
 */
class HedgeOverHttpTests {

	private static final int CALLS = 200;

	private static final double BUDGET_RATIO = 0.2;

	private static final Duration SLOW = Duration.ofSeconds(1);

	private static final Duration DELAY = Duration.ofMillis(50);

	private final EveryTenthSlow slowness = new EveryTenthSlow();

	private final WireMockServer downstream = new WireMockServer(
			wireMockConfig().dynamicPort().extensions(this.slowness));

	@BeforeEach
	void start() {
		this.downstream.start();
		this.downstream.stubFor(get(urlEqualTo("/price")).willReturn(aResponse().withStatus(200).withBody("42")));
	}

	@AfterEach
	void stop() {
		this.downstream.stop();
	}

	@Test
	void p99FallsBelowTheSlowDelayWhileExtraRequestsStayWithinTheBudget() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
			.withPropertyValues("resilience.hedge.instances.downstream.delay=" + DELAY.toMillis() + "ms",
					"resilience.hedge.instances.downstream.budget.ratio=" + BUDGET_RATIO,
					"resilience.hedge.instances.downstream.budget.window=60s")
			.withBean(PriceClient.class, () -> new PriceClient(this.downstream.baseUrl()))
			.run((context) -> {
				PriceClient client = context.getBean(PriceClient.class);
				PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
				new ResilienceMeterBinder(context.getBean(ResilienceRegistry.class)).bindTo(prometheus);
				// Warm up the client and the JIT outside the measurement, on another
				// path.
				this.downstream.stubFor(get(urlEqualTo("/warm")).willReturn(aResponse().withBody("warm")));
				for (int i = 0; i < 20; i++) {
					client.warm().get(5, TimeUnit.SECONDS);
				}
				int before = this.slowness.served.get();

				List<Long> latencies = new ArrayList<>();
				for (int i = 0; i < CALLS; i++) {
					long start = System.nanoTime();
					assertThat(client.price().get(10, TimeUnit.SECONDS)).isEqualTo("42");
					latencies.add(System.nanoTime() - start);
				}
				// Hedges are sent before their call ends; let the last ones land.
				Awaitility.await().pollDelay(Duration.ofMillis(300)).until(() -> true);

				int requests = this.downstream.countRequestsMatching(getRequestedFor(urlEqualTo("/price")).build())
					.getCount();
				int extra = requests - CALLS;
				Duration p99 = Duration.ofNanos(percentile(latencies, 0.99));
				int slowServed = (this.slowness.served.get() - before) / 10;
				System.out.println("Hedge over HTTP: " + CALLS + " calls, p99 " + p99.toMillis() + "ms (slow delay "
						+ SLOW.toMillis() + "ms, hedge delay " + DELAY.toMillis() + "ms), " + extra
						+ " extra requests (budget " + (int) (BUDGET_RATIO * CALLS) + " = " + BUDGET_RATIO + " x "
						+ CALLS + " calls), about " + slowServed + " slow responses");

				assertThat(p99).as("p99 of the hedged method").isLessThan(SLOW.dividedBy(2));
				assertThat(extra).as("hedges were sent").isPositive();
				assertThat(extra).as("extra requests within the budget")
					.isLessThanOrEqualTo((int) Math.floor(BUDGET_RATIO * CALLS) + 2);
				assertThat(prometheus.scrape()).contains(
						"resilience_hedge_calls_total{kind=\"hedge_won\",name=\"downstream\"}",
						"resilience_hedge_calls_total{kind=\"primary_won\",name=\"downstream\"}",
						"resilience_hedge_calls_total{kind=\"failed\",name=\"downstream\"} 0.0",
						"resilience_hedge_calls_total{kind=\"budget_exhausted\",name=\"downstream\"}");
			});
	}

	private static List<Long> slowest(List<Long> values, int count) {
		List<Long> sorted = new ArrayList<>(values);
		sorted.sort(null);
		return sorted.subList(sorted.size() - count, sorted.size())
			.stream()
			.map(TimeUnit.NANOSECONDS::toMillis)
			.toList();
	}

	private static long percentile(List<Long> values, double quantile) {
		List<Long> sorted = new ArrayList<>(values);
		sorted.sort(null);
		int rank = (int) Math.ceil(quantile * sorted.size());
		return sorted.get(Math.max(0, rank - 1));
	}

	/** Delays every tenth request it serves by a second and the others by 5ms. */
	static final class EveryTenthSlow implements ResponseDefinitionTransformerV2 {

		final AtomicInteger served = new AtomicInteger();

		@Override
		public ResponseDefinition transform(ServeEvent serveEvent) {
			int n = this.served.incrementAndGet();
			int delay = (n % 10 == 0) ? (int) SLOW.toMillis() : 5;
			return ResponseDefinitionBuilder.like(serveEvent.getResponseDefinition()).withFixedDelay(delay).build();
		}

		@Override
		public String getName() {
			return "every-tenth-slow";
		}

	}

	public static class PriceClient {

		private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

		private final String baseUrl;

		PriceClient(String baseUrl) {
			this.baseUrl = baseUrl;
		}

		@Hedge(name = "downstream")
		public CompletableFuture<String> price() {
			return get("/price");
		}

		public CompletableFuture<String> warm() {
			return get("/warm");
		}

		private CompletableFuture<String> get(String path) {
			HttpRequest request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
				.timeout(Duration.ofSeconds(5))
				.GET()
				.build();
			return this.http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(HttpResponse::body);
		}

	}

}
