package dev.resilience.sample.inventory;

/**
 * How many units of a product can be ordered, and whether the inventory service said so
 * ({@code "inventory"}) or the fallback answered because it could not
 * ({@code "fallback"}).
 */
public record Availability(String sku, int available, String source) {

	static final String INVENTORY = "inventory";

	static final String FALLBACK = "fallback";

	static Availability fromInventory(String sku, int available) {
		return new Availability(sku, available, INVENTORY);
	}

	/** Promises nothing: claiming stock the inventory cannot confirm would oversell. */
	static Availability unknown(String sku) {
		return new Availability(sku, 0, FALLBACK);
	}

}
