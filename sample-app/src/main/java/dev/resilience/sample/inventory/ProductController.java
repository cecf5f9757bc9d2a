package dev.resilience.sample.inventory;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /products/{sku}/availability}: always {@code 200}, from the inventory or its
 * fallback.
 */
@RestController
public class ProductController {

	private final InventoryClient inventory;

	public ProductController(InventoryClient inventory) {
		this.inventory = inventory;
	}

	@GetMapping("/products/{sku}/availability")
	public Availability availability(@PathVariable String sku) {
		return this.inventory.availability(sku);
	}

}
