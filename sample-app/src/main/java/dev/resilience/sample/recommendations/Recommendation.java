package dev.resilience.sample.recommendations;

/** A product suggested to the customer. */
public record Recommendation(String sku, String title) {
}
