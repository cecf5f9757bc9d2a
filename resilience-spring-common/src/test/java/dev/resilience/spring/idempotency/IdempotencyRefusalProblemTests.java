package dev.resilience.spring.idempotency;

import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.resilience.idempotency.IdempotencyFingerprintException;
import dev.resilience.idempotency.InvalidIdempotencyKeyException;
import dev.resilience.spring.web.IdempotencyProblemDetailsAdvice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The refusals of a key or fingerprint that cannot be computed from a request reach the
 * client as {@code 400} problem documents that say what to fix and echo none of the
 * expression's internals.
 */
class IdempotencyRefusalProblemTests {

	private static final String INTERNALS = "EL1007E: Property or field 'customer' cannot be found on null";

	private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new OrderController())
		.setControllerAdvice(new IdempotencyProblemDetailsAdvice())
		.build();

	@Test
	void fingerprintThatCannotBeComputedIsABadRequestWithoutInternals() throws Exception {
		MvcResult result = this.mvc.perform(post("/orders/fingerprint"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.title").value("Request cannot be fingerprinted"))
			.andReturn();
		assertThat(result.getResponse().getContentAsString()).doesNotContain("EL1007E").doesNotContain("customer");
	}

	@Test
	void keyThatCannotBeComputedIsABadRequestWithoutInternals() throws Exception {
		MvcResult result = this.mvc.perform(post("/orders/key"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.title").value("Invalid idempotency key"))
			.andReturn();
		assertThat(result.getResponse().getContentAsString()).contains("could not be computed")
			.doesNotContain("EL1007E")
			.doesNotContain("customer");
	}

	@RestController
	static class OrderController {

		@PostMapping("/orders/fingerprint")
		void fingerprint() {
			throw new IdempotencyFingerprintException("OrderService.place",
					"the fingerprint expression of OrderService.place(Order) could not be evaluated on this call's arguments",
					new IllegalStateException(INTERNALS));
		}

		@PostMapping("/orders/key")
		void key() {
			throw new InvalidIdempotencyKeyException("OrderService.place", "could not be computed from the arguments",
					new IllegalStateException(INTERNALS));
		}

	}

}
