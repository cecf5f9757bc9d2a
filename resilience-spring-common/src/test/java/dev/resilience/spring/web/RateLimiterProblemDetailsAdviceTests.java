package dev.resilience.spring.web;

import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

import dev.resilience.ratelimiter.RequestNotPermittedException;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A rate limiter's refusal escaping a Spring MVC controller: {@code 429} problem+json
 * with {@code Retry-After} in whole seconds rounded up, registered by the
 * auto-configuration in a web application only, and giving way to the application's own
 * handling.
 */
class RateLimiterProblemDetailsAdviceTests {

	private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new OrdersController())
		.setControllerAdvice(new RateLimiterProblemDetailsAdvice())
		.build();

	private final WebApplicationContextRunner webRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class));

	static Stream<Arguments> retryAfters() {
		return Stream.of(Arguments.of(Duration.ofMillis(1), "1"), Arguments.of(Duration.ofMillis(999), "1"),
				Arguments.of(Duration.ofSeconds(1), "1"), Arguments.of(Duration.ofMillis(1001), "2"),
				Arguments.of(Duration.ofSeconds(30), "30"), Arguments.of(Duration.ofNanos(30_000_000_001L), "31"),
				Arguments.of(Duration.ZERO, "1"));
	}

	@ParameterizedTest
	@MethodSource("retryAfters")
	void refusalIsA429ProblemWithRetryAfterInWholeSecondsRoundedUp(Duration retryAfter, String header)
			throws Exception {
		MvcResult result = this.mvc.perform(post("/orders/" + retryAfter.toNanos()))
			.andExpect(status().isTooManyRequests())
			.andExpect(header().string(HttpHeaders.RETRY_AFTER, header))
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(429))
			.andExpect(jsonPath("$.title").value("Too many requests"))
			.andExpect(jsonPath("$.detail").isNotEmpty())
			.andReturn();
		assertThat(result.getResponse().getContentAsString()).as("the limiter's name stays inside")
			.doesNotContain("orders-limiter");
	}

	@Test
	void retryAfterSaturatesInsteadOfOverflowing() {
		assertThat(RateLimiterProblemDetailsAdvice.retryAfterSeconds(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)))
			.isEqualTo(Long.MAX_VALUE);
		assertThat(RateLimiterProblemDetailsAdvice.retryAfterSeconds(Duration.ofSeconds(-5))).isEqualTo(1);
		assertThat(RateLimiterProblemDetailsAdvice.retryAfterSeconds(null)).isEqualTo(1);
	}

	@Test
	void autoConfigurationAnswersA429InAWebApplication() {
		this.webRunner.withUserConfiguration(WebApplication.class).run((context) -> {
			assertThat(context).hasSingleBean(RateLimiterProblemDetailsAdvice.class);
			mockMvc(context).perform(post("/orders/1500000000"))
				.andExpect(status().isTooManyRequests())
				.andExpect(header().string(HttpHeaders.RETRY_AFTER, "2"))
				.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
		});
	}

	@Test
	void applicationAdviceOfItsOwnWinsWithoutAnOrder() {
		this.webRunner.withUserConfiguration(WebApplication.class, ApplicationAdviceConfiguration.class)
			.run((context) -> mockMvc(context).perform(post("/orders/1500000000"))
				.andExpect(status().isServiceUnavailable())
				.andExpect(jsonPath("$.title").value("Busy, come back later"))
				.andExpect(header().doesNotExist(HttpHeaders.RETRY_AFTER)));
	}

	@Test
	void controllerExceptionHandlerWins() {
		this.webRunner.withUserConfiguration(HandlingControllerApplication.class)
			.run((context) -> mockMvc(context).perform(post("/handled"))
				.andExpect(status().isOk())
				.andExpect(content().string("handled by the controller")));
	}

	@Test
	void applicationDefinedAdviceBeanReplacesOurs() {
		this.webRunner.withUserConfiguration(WebApplication.class, OwnAdviceBean.class)
			.run((context) -> assertThat(context).getBean(RateLimiterProblemDetailsAdvice.class)
				.isSameAs(OwnAdviceBean.ADVICE));
	}

	@Test
	void noAdviceOutsideAWebApplicationOrWithoutSpringWeb() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(RateLimiterProblemDetailsAdvice.class));
		this.webRunner.withClassLoader(new FilteredClassLoader(ProblemDetail.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(RateLimiterProblemDetailsAdvice.class));
	}

	private static MockMvc mockMvc(WebApplicationContext context) {
		return MockMvcBuilders.webAppContextSetup(context).build();
	}

	@RestController
	static class OrdersController {

		@PostMapping("/orders/{retryAfterNanos}")
		void place(@PathVariable long retryAfterNanos) {
			throw new RequestNotPermittedException("orders-limiter", Duration.ofNanos(Math.max(1, retryAfterNanos)));
		}

	}

	@RestController
	static class HandlingController {

		@PostMapping("/handled")
		void handled() {
			throw new RequestNotPermittedException("orders-limiter", Duration.ofSeconds(3));
		}

		@ExceptionHandler(RequestNotPermittedException.class)
		String onRefusal() {
			return "handled by the controller";
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebMvc
	static class WebApplication {

		@Bean
		OrdersController ordersController() {
			return new OrdersController();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebMvc
	static class HandlingControllerApplication {

		@Bean
		HandlingController handlingController() {
			return new HandlingController();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationAdviceConfiguration {

		@Bean
		ApplicationAdvice applicationAdvice() {
			return new ApplicationAdvice();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnAdviceBean {

		static final RateLimiterProblemDetailsAdvice ADVICE = new RateLimiterProblemDetailsAdvice();

		@Bean
		RateLimiterProblemDetailsAdvice myRateLimiterAdvice() {
			return ADVICE;
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
