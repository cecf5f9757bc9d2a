package dev.resilience.spring.web;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.config.EnableWebFlux;
import reactor.core.publisher.Mono;

import dev.resilience.ratelimiter.RequestNotPermittedException;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rate limiter's refusal escaping a WebFlux controller, thrown or signalled by the
 * returned {@code Mono}, answers the same {@code 429} problem+json with
 * {@code Retry-After} as in Spring MVC, from the advice the auto-configuration registers
 * in a reactive application; an advice of the application wins.
 */
class RateLimiterProblemDetailsWebFluxTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
		.withUserConfiguration(WebFluxApplication.class);

	@Test
	void refusalThrownByAReactiveControllerIsA429Problem() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RateLimiterProblemDetailsAdvice.class);
			expect429(client(context), "/orders/thrown", "3");
		});
	}

	@Test
	void refusalSignalledByTheReturnedMonoIsA429Problem() {
		this.runner.run((context) -> expect429(client(context), "/orders/signalled", "1"));
	}

	@Test
	void applicationAdviceOfItsOwnWins() {
		this.runner.withUserConfiguration(ApplicationAdviceConfiguration.class)
			.run((context) -> client(context).post()
				.uri("/orders/thrown")
				.exchange()
				.expectStatus()
				.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
				.expectHeader()
				.doesNotExist(HttpHeaders.RETRY_AFTER)
				.expectBody()
				.jsonPath("$.title")
				.isEqualTo("Busy, come back later"));
	}

	private static void expect429(WebTestClient client, String path, String retryAfter) {
		client.post()
			.uri(path)
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, retryAfter)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(429)
			.jsonPath("$.title")
			.isEqualTo("Too many requests");
	}

	private static WebTestClient client(ApplicationContext context) {
		return WebTestClient.bindToApplicationContext(context).build();
	}

	@RestController
	static class ReactiveOrdersController {

		@PostMapping("/orders/thrown")
		Mono<String> thrown() {
			throw new RequestNotPermittedException("orders", Duration.ofMillis(2500));
		}

		@PostMapping("/orders/signalled")
		Mono<String> signalled() {
			return Mono.error(new RequestNotPermittedException("orders", Duration.ofMillis(200)));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebFlux
	static class WebFluxApplication {

		@Bean
		ReactiveOrdersController reactiveOrdersController() {
			return new ReactiveOrdersController();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationAdviceConfiguration {

		@Bean
		ApplicationAdvice applicationAdvice() {
			return new ApplicationAdvice();
		}

	}

	/** Maps the refusal its own way, with no {@code @Order}. */
	@RestControllerAdvice
	static class ApplicationAdvice {

		@ExceptionHandler(RequestNotPermittedException.class)
		ProblemDetail refused() {
			ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.SERVICE_UNAVAILABLE);
			problem.setTitle("Busy, come back later");
			return problem;
		}

	}

}
