package dev.resilience.spring.web;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.resilience.idempotency.IdempotencyInProgressException;
import dev.resilience.idempotency.IdempotencyKeyReusedException;
import dev.resilience.idempotency.IdempotencyKeys;
import dev.resilience.idempotency.IdempotencyStoreUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class IdempotencyProblemDetailsAdviceTests {

	private static final String KEY = "order-7f3a-secret-key";

	private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new OrdersController())
		.setControllerAdvice(new IdempotencyProblemDetailsAdvice())
		.build();

	static Stream<Arguments> failures() {
		return Stream.of(Arguments.of("in-progress", 409, "Request in progress"),
				Arguments.of("reused", 422, "Idempotency key reused"),
				Arguments.of("too-long", 400, "Invalid idempotency key"),
				Arguments.of("missing", 400, "Invalid idempotency key"),
				Arguments.of("store-down", 503, "Idempotency store unavailable"));
	}

	@ParameterizedTest
	@MethodSource("failures")
	void idempotencyFailureIsAProblemDocumentWithoutTheKey(String failure, int status, String title) throws Exception {
		MvcResult result = this.mvc.perform(post("/orders/" + failure).header("Idempotency-Key", KEY))
			.andExpect(status().is(status))
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(status))
			.andExpect(jsonPath("$.title").value(title))
			.andExpect(jsonPath("$.detail").isNotEmpty())
			.andReturn();
		String body = result.getResponse().getContentAsString();
		assertThat(body).doesNotContain(KEY).doesNotContain("7f3a").doesNotContain("payments");
	}

	@Test
	void invalidKeyDetailSaysWhichRuleWasBroken() throws Exception {
		this.mvc.perform(post("/orders/too-long").header("Idempotency-Key", KEY))
			.andExpect(jsonPath("$.detail")
				.value(org.hamcrest.Matchers.containsString("is too long (21 > 10 characters)")));
		this.mvc.perform(post("/orders/missing"))
			.andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("is missing")));
	}

	@Test
	void applicationAdviceOverridesTheDefaultMapping() throws Exception {
		MockMvc overridden = MockMvcBuilders.standaloneSetup(new OrdersController())
			.setControllerAdvice(new IdempotencyProblemDetailsAdvice(), new ApplicationAdvice())
			.build();
		overridden.perform(post("/orders/in-progress").header("Idempotency-Key", KEY))
			.andExpect(status().isTooManyRequests())
			.andExpect(jsonPath("$.title").value("Slow down"));
		overridden.perform(post("/orders/reused").header("Idempotency-Key", KEY)).andExpect(status().is(422));
	}

	@RestController
	static class OrdersController {

		@PostMapping("/orders/in-progress")
		void inProgress() {
			throw new IdempotencyInProgressException("payments", "; retry later");
		}

		@PostMapping("/orders/reused")
		void reused() {
			throw new IdempotencyKeyReusedException("payments");
		}

		@PostMapping("/orders/too-long")
		void tooLong(@RequestHeader("Idempotency-Key") String key) {
			IdempotencyKeys.validate("payments", key, 10);
		}

		@PostMapping("/orders/missing")
		void missing(@RequestHeader(name = "Idempotency-Key", required = false) String key) {
			IdempotencyKeys.validate("payments", key, 10);
		}

		@PostMapping("/orders/store-down")
		void storeDown() {
			throw new IdempotencyStoreUnavailableException("payments", "Idempotency 'payments': Redis down",
					new IllegalStateException("Connection refused"));
		}

	}

	@RestControllerAdvice
	@Order(Ordered.HIGHEST_PRECEDENCE)
	static class ApplicationAdvice {

		@ExceptionHandler(IdempotencyInProgressException.class)
		ProblemDetail inProgress() {
			ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.TOO_MANY_REQUESTS);
			problem.setTitle("Slow down");
			return problem;
		}

	}

}
