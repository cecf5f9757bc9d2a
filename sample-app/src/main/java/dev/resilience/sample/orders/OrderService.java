package dev.resilience.sample.orders;

import java.util.UUID;

import org.springframework.stereotype.Service;

import dev.resilience.annotation.Idempotent;
import dev.resilience.sample.inventory.InventoryClient;

/**
 * Places orders at most once per idempotency key: a client that repeats a request (after
 * a timeout, a lost response, a double click) gets the first order back, and stock is
 * reserved once.
 * <p>
 * Thread-safe.
 */
@Service
public class OrderService {

	private final InventoryClient inventory;

	public OrderService(InventoryClient inventory) {
		this.inventory = inventory;
	}

	/**
	 * Reserves the stock and confirms the order. The same key with the same request
	 * answers the stored order without running this again; the same key with another
	 * request is refused. When the reservation fails the key is released, so the client
	 * may retry with it.
	 */
	@Idempotent(name = "orders", key = "#idempotencyKey", fingerprint = "#request")
	public Order place(String idempotencyKey, OrderRequest request) {
		String orderId = UUID.randomUUID().toString();
		this.inventory.reserve(request.sku(), request.quantity(), orderId);
		return new Order(orderId, request.sku(), request.quantity());
	}

}
