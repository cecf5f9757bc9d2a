package dev.resilience.spring.retry;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

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
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code respect-retry-after} against a real HTTP downstream (WireMock), through
 * {@code RestClient} and {@code WebClient}: a {@code 503} with {@code Retry-After: 2} is
 * retried 2 s later, not after the 100 ms backoff; a wait beyond
 * {@code max-wait-duration} is not retried at all. The retry waits on a fake scheduler,
 * so the tests assert the wait asked for instead of sleeping it.
 */
class RetryAfterOverHttpTests {

	private static final long SECOND = 1_000_000_000L;

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
			.withPropertyValues("resilience.retry.instances.stock.max-attempts=3",
					"resilience.retry.instances.stock.wait-duration=100ms",
					"resilience.retry.instances.stock.backoff=fixed", "resilience.retry.instances.stock.jitter=none",
					"resilience.retry.instances.stock.max-wait-duration=5s",
					"resilience.retry.instances.stock.budget.enabled=false")
			.withBean(StockClient.class, () -> new StockClient(RestClient.create(baseUrl),
					WebClient.builder().clientConnector(new JdkClientHttpConnector()).baseUrl(baseUrl).build()));
	}

	@AfterEach
	void stop() {
		this.downstream.stop();
	}

	private void answer503Then200(String retryAfter) {
		this.downstream.stubFor(get(urlEqualTo("/stock")).inScenario("busy")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503).withHeader("Retry-After", retryAfter))
			.willSetStateTo("recovered"));
		this.downstream.stubFor(get(urlEqualTo("/stock")).inScenario("busy")
			.whenScenarioStateIs("recovered")
			.willReturn(aResponse().withStatus(200).withBody("42")));
	}

	@Test
	void retriesAfterTheServersRetryAfterInsteadOfTheBackoff() {
		answer503Then200("2");
		this.runner.run((context) -> {
			assertThat(context.getBean(StockClient.class).stock()).isEqualTo("42");
			assertThat(this.scheduler.requestedDelays()).containsExactly(2 * SECOND);
			this.downstream.verify(2, getRequestedFor(urlEqualTo("/stock")));
			dev.resilience.retry.Retry.Metrics metrics = context.getBean(ResilienceRegistry.class)
				.retry("stock")
				.getMetrics();
			assertThat(metrics.getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
		});
	}

	@Test
	void aCompletionStageMethodIsRetriedAfterTheServersWaitToo() {
		answer503Then200("2");
		this.runner.run((context) -> {
			CompletableFuture<String> stock = context.getBean(StockClient.class).stockAsync().toCompletableFuture();
			assertThat(this.scheduler.requestedDelays()).containsExactly(2 * SECOND);
			assertThat(stock).isNotDone();
			this.scheduler.advance(Duration.ofMillis(1999));
			this.downstream.verify(1, getRequestedFor(urlEqualTo("/stock")));
			this.scheduler.advance(Duration.ofMillis(1));
			assertThat(stock).isCompletedWithValue("42");
			this.downstream.verify(2, getRequestedFor(urlEqualTo("/stock")));
		});
	}

	@Test
	void aMonoFromWebClientIsResubscribedAfterTheServersWait() {
		answer503Then200("2");
		this.runner.run((context) -> {
			CompletableFuture<String> stock = context.getBean(StockClient.class).stockMono().toFuture();
			// The first answer arrives on the HTTP client's thread: wait for the retry it
			// schedules.
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !this.scheduler.requestedDelays().isEmpty());
			assertThat(this.scheduler.requestedDelays()).containsExactly(2 * SECOND);
			assertThat(stock).isNotDone();
			this.scheduler.advance(Duration.ofSeconds(2));
			assertThat(stock.get(10, TimeUnit.SECONDS)).isEqualTo("42");
			this.downstream.verify(2, getRequestedFor(urlEqualTo("/stock")));
		});
	}

	@Test
	void makesNoRetryWhenTheServersWaitExceedsTheMaxWait() {
		answer503Then200("6");
		this.runner.run((context) -> {
			assertThatExceptionOfType(HttpServerErrorException.class)
				.isThrownBy(() -> context.getBean(StockClient.class).stock())
				.satisfies((ex) -> assertThat(ex.getStatusCode().value()).isEqualTo(503));
			this.downstream.verify(1, getRequestedFor(urlEqualTo("/stock")));
			assertThat(this.scheduler.requestedDelays()).isEmpty();
			dev.resilience.retry.Retry.Metrics metrics = context.getBean(ResilienceRegistry.class)
				.retry("stock")
				.getMetrics();
			assertThat(metrics.getNumberOfFailedCallsWithoutRetryAttempt()).isEqualTo(1);
		});
	}

	@Test
	void ignoresRetryAfterWhenSwitchedOff() {
		answer503Then200("2");
		this.runner.withPropertyValues("resilience.retry.instances.stock.respect-retry-after=false").run((context) -> {
			assertThat(context.getBean(StockClient.class).stock()).isEqualTo("42");
			assertThat(this.scheduler.requestedDelays()).containsExactly(SECOND / 10);
		});
	}

	@Test
	void theDefaultsSwitchAppliesToEveryInstance() {
		answer503Then200("2");
		this.runner.withPropertyValues("resilience.retry.defaults.respect-retry-after=false").run((context) -> {
			assertThat(context.getBean(StockClient.class).stock()).isEqualTo("42");
			assertThat(this.scheduler.requestedDelays()).containsExactly(SECOND / 10);
		});
	}

	@Test
	void aMalformedRetryAfterFallsBackToTheBackoff() {
		answer503Then200("in a while");
		this.runner.run((context) -> {
			assertThat(context.getBean(StockClient.class).stock()).isEqualTo("42");
			assertThat(this.scheduler.requestedDelays()).containsExactly(SECOND / 10);
		});
	}

	/** Calls the downstream through Spring's {@link RestClient}. */
	public static class StockClient {

		private final RestClient client;

		private final WebClient webClient;

		public StockClient(RestClient client, WebClient webClient) {
			this.client = client;
			this.webClient = webClient;
		}

		@Retry(name = "stock")
		public Mono<String> stockMono() {
			return this.webClient.get().uri("/stock").retrieve().bodyToMono(String.class);
		}

		@Retry(name = "stock")
		public String stock() {
			return this.client.get().uri("/stock").retrieve().body(String.class);
		}

		@Retry(name = "stock")
		public CompletionStage<String> stockAsync() {
			try {
				return CompletableFuture.completedFuture(stock0());
			}
			catch (RuntimeException ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}

		private String stock0() {
			return this.client.get().uri("/stock").retrieve().body(String.class);
		}

	}

}
