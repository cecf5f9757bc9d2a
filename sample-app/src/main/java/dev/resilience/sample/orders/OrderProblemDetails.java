package dev.resilience.sample.orders;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.client.RestClientException;

import dev.resilience.circuitbreaker.CallNotPermittedException;

/**
 * An order that could not reserve its stock answers {@code 503} problem+json: the
 * inventory failed, or its breaker is open. Nothing was stored under the idempotency key,
 * so the client may retry with the same key.
 */
@RestControllerAdvice(assignableTypes = OrderController.class)
public class OrderProblemDetails {

	@ExceptionHandler({ RestClientException.class, CallNotPermittedException.class })
	public ResponseEntity<ProblemDetail> inventoryUnavailable(RuntimeException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"Stock could not be reserved because the inventory service is unavailable."
						+ " Retry later with the same Idempotency-Key.");
		problem.setTitle("Inventory unavailable");
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem);
	}

}
