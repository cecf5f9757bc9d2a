package dev.resilience.sample.inventory;

import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;

/**
 * Client of the downstream inventory service. Both calls share the {@code inventory}
 * circuit breaker, so reservations stop hitting an inventory service that availability
 * checks have found failing, and the other way round.
 * <p>
 * Thread-safe. Call it through its Spring proxy: the annotations do nothing on calls from
 * inside this class.
 */
@Component
public class InventoryClient {

	private final RestClient restClient;

	public InventoryClient(RestClient downstreamRestClient) {
		this.restClient = downstreamRestClient;
	}

	/**
	 * Asks the inventory service, retrying failures within the retry budget. When it
	 * still fails, or the breaker is open, the fallback answers instead of an error.
	 * <p>
	 * Each attempt has its own deadline ({@code resilience.timeout.instances.inventory},
	 * shorter than the client's read timeout): a hung inventory service is cut there, on
	 * this thread, the breaker counts the timeout as a failure, and the fallback answers.
	 * A timeout is not retried (it is not among the retry exceptions): waiting again on a
	 * hung service would only multiply the wait.
	 */
	@CircuitBreaker(name = "inventory")
	@Retry(name = "inventory")
	@Timeout(name = "inventory")
	@Fallback(method = "unknownAvailability")
	public Availability availability(String sku) {
		StockLevel stock = this.restClient.get().uri("/inventory/{sku}", sku).retrieve().body(StockLevel.class);
		return Availability.fromInventory(sku, (stock != null) ? stock.available() : 0);
	}

	private Availability unknownAvailability(String sku, Throwable failure) {
		return Availability.unknown(sku);
	}

	/**
	 * Reserves stock for an order. Not retried and without fallback: a reservation is not
	 * idempotent downstream, and an order must not be confirmed without one. The order
	 * endpoint's {@code Idempotency-Key} is what makes it safe for the client to retry
	 * the whole order. No {@code @Timeout} either: a reservation cut halfway may or may
	 * not have been made downstream; the client's read timeout bounds it.
	 */
	@CircuitBreaker(name = "inventory")
	public void reserve(String sku, int quantity, String orderId) {
		this.restClient.post()
			.uri("/inventory/{sku}/reservations", sku)
			.body(Map.of("orderId", orderId, "quantity", quantity))
			.retrieve()
			.toBodilessEntity();
	}

	/** The downstream's answer to {@code GET /inventory/{sku}}. */
	record StockLevel(String sku, int available) {
	}

}
