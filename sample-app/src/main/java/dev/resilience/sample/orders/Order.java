package dev.resilience.sample.orders;

/**
 * A placed order, as answered by {@code POST /orders} and replayed for a repeated key.
 */
public record Order(String orderId, String sku, int quantity) {
}
