package dev.resilience.sample.orders;

/** Body of {@code POST /orders}. */
public record OrderRequest(String sku, int quantity) {
}
