package dev.resilience.spring.retry;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.RestClient;

import dev.resilience.ResilienceRegistry;
import dev.resilience.annotation.Retry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceRegistryCustomizer;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code retryOnResult} against a real HTTP downstream (WireMock) that answers
 * {@code 200} with a body saying the work is not done yet: such an answer is retried like
 * a failure (each retry is one more request), the first accepted answer is returned, and
 * when every attempt was rejected the last answer is returned, not an exception, and
 * counted as {@code failed_with_retry}. The retry waits on a fake scheduler.
 */
class RetryOnResultOverHttpTests {

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private WireMockServer downstream;

	private ApplicationContextRunner runner;

	@BeforeEach
	void start() {
		this.downstream = new WireMockServer(WireMockConfiguration.options().dynamicPort());
		this.downstream.start();
		String baseUrl = "http://127.0.0.1:" + this.downstream.port();
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
			.withBean(ResilienceRegistryCustomizer.class,
					() -> (builder) -> builder.ticker(this.ticker).scheduler(this.scheduler))
			.withPropertyValues("resilience.retry.instances.export.max-attempts=3",
					"resilience.retry.instances.export.wait-duration=100ms",
					"resilience.retry.instances.export.backoff=fixed", "resilience.retry.instances.export.jitter=none",
					"resilience.retry.instances.export.budget.enabled=false")
			.withBean(ExportClient.class, () -> new ExportClient(RestClient.create(baseUrl)));
	}

	@AfterEach
	void stop() {
		this.downstream.stop();
	}

	/** The export of {@code id} answers PENDING {@code pending} times, then DONE. */
	private void pendingThenDone(String id, int pending) {
		String state = Scenario.STARTED;
		for (int i = 0; i < pending; i++) {
			String next = "pending-" + (i + 1);
			this.downstream.stubFor(get(urlEqualTo("/exports/" + id)).inScenario(id)
				.whenScenarioStateIs(state)
				.willReturn(aResponse().withStatus(200).withBody("PENDING"))
				.willSetStateTo(next));
			state = next;
		}
		this.downstream.stubFor(get(urlEqualTo("/exports/" + id)).inScenario(id)
			.whenScenarioStateIs(state)
			.willReturn(aResponse().withStatus(200).withBody("DONE")));
	}

	@Test
	void aPendingAnswerIsAskedAgainUntilTheDownstreamSaysDone() {
		pendingThenDone("e-1", 2);
		this.runner.run((context) -> {
			assertThat(context.getBean(ExportClient.class).status("e-1")).isEqualTo("DONE");
			this.downstream.verify(3, getRequestedFor(urlEqualTo("/exports/e-1")));
			dev.resilience.retry.Retry.Metrics metrics = context.getBean(ResilienceRegistry.class)
				.retry("export")
				.getMetrics();
			assertThat(metrics.getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
			assertThat(metrics.getNumberOfRetryAttempts()).isEqualTo(2);
		});
	}

	@Test
	void whenEveryAnswerIsPendingTheLastOneIsReturnedAndCountedAsFailed() {
		pendingThenDone("e-2", 5);
		this.runner.run((context) -> {
			assertThat(context.getBean(ExportClient.class).status("e-2")).isEqualTo("PENDING");
			this.downstream.verify(3, getRequestedFor(urlEqualTo("/exports/e-2")));
			dev.resilience.retry.Retry.Metrics metrics = context.getBean(ResilienceRegistry.class)
				.retry("export")
				.getMetrics();
			assertThat(metrics.getNumberOfFailedCallsWithRetryAttempt()).isEqualTo(1);
			assertThat(metrics.getNumberOfSuccessfulCallsWithRetryAttempt()).isZero();
		});
	}

	@Test
	void theExpressionSeesTheParametersToo() {
		// The expression retries PENDING only for ids it is told to wait for.
		pendingThenDone("e-3", 2);
		this.runner.run((context) -> {
			assertThat(context.getBean(ExportClient.class).statusOnce("e-3", false)).isEqualTo("PENDING");
			this.downstream.verify(1, getRequestedFor(urlEqualTo("/exports/e-3")));
			assertThat(context.getBean(ExportClient.class).statusOnce("e-3", true)).isEqualTo("DONE");
			this.downstream.verify(3, getRequestedFor(urlEqualTo("/exports/e-3")));
		});
	}

	static class ExportClient {

		private final RestClient http;

		ExportClient(RestClient http) {
			this.http = http;
		}

		@Retry(name = "export", retryOnResult = "#result == 'PENDING'")
		public String status(String id) {
			return this.http.get().uri("/exports/{id}", id).retrieve().body(String.class);
		}

		@Retry(name = "export", retryOnResult = "#wait and #result == 'PENDING'")
		public String statusOnce(String id, boolean wait) {
			return this.http.get().uri("/exports/{id}", id).retrieve().body(String.class);
		}

	}

}
