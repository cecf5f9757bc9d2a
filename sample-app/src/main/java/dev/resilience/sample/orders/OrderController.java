package dev.resilience.sample.orders;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import dev.resilience.annotation.RateLimiter;

/**
 * {@code POST /orders}: {@code 201} with the order; a repeated {@code Idempotency-Key}
 * answers the same order. A missing or invalid key ({@code 400}), a key reused with
 * another body ({@code 422}), a key still in progress ({@code 409}) and an order beyond
 * the rate limit ({@code 429} with {@code Retry-After}) are answered by the starter's
 * problem+json mapping; an unavailable inventory by {@link OrderProblemDetails}.
 */
@RestController
public class OrderController {

	private final OrderService orders;

	public OrderController(OrderService orders) {
		this.orders = orders;
	}

	/**
	 * The header is optional here on purpose: a missing key reaches the service as
	 * {@code null}, which the starter refuses like any other invalid key, with one answer
	 * for both.
	 * <p>
	 * At most {@code resilience.rate-limiter.instances.orders.limit-for-period} orders
	 * per period reach the service; the next ones are refused before any work, nothing is
	 * stored under their key, and the client may send them again after
	 * {@code Retry-After}.
	 */
	@PostMapping("/orders")
	@RateLimiter(name = "orders")
	@ResponseStatus(HttpStatus.CREATED)
	public Order place(@RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
			@RequestBody OrderRequest request) {
		if (request.sku() == null || request.sku().isBlank() || request.quantity() < 1) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"An order needs a non-blank sku and a quantity of at least 1");
		}
		return this.orders.place(idempotencyKey, request);
	}

}
