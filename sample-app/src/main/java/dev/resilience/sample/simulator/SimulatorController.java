package dev.resilience.sample.simulator;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import dev.resilience.sample.recommendations.Recommendation;

/**
 * The simulated downstream, so that the sample runs with no other process: the inventory
 * API the clients call ({@code GET /inventory/{sku}}, {@code POST
 * /inventory/{sku}/reservations}), a recommendations list, and
 * {@code POST /simulator/faults} to make it fail. Every product starts with
 * {@value #INITIAL_STOCK} units; reservations always succeed and lower the count to at
 * least zero.
 */
@RestController
@RequestMapping("/simulator")
public class SimulatorController {

	static final int INITIAL_STOCK = 100;

	private static final int MAX_LATENCY_MS = 60_000;

	private static final List<Recommendation> RECOMMENDATIONS = List.of(new Recommendation("SKU-1", "Espresso cups"),
			new Recommendation("SKU-2", "Milk frother"), new Recommendation("SKU-3", "Coffee beans, 1 kg"));

	private final Map<String, Integer> reserved = new ConcurrentHashMap<>();

	private final FaultInjector faults;

	public SimulatorController(FaultInjector faults) {
		this.faults = faults;
	}

	@GetMapping("/inventory/{sku}")
	public StockLevel stock(@PathVariable String sku) {
		return new StockLevel(sku, Math.max(0, INITIAL_STOCK - this.reserved.getOrDefault(sku, 0)));
	}

	@PostMapping("/inventory/{sku}/reservations")
	@ResponseStatus(HttpStatus.CREATED)
	public Reservation reserve(@PathVariable String sku, @RequestBody ReservationRequest request) {
		this.reserved.merge(sku, request.quantity(), Integer::sum);
		return new Reservation(UUID.randomUUID().toString(), sku, request.quantity());
	}

	@GetMapping("/recommendations")
	public List<Recommendation> recommendations() {
		return RECOMMENDATIONS;
	}

	@GetMapping("/faults")
	public Faults faults() {
		return this.faults.get();
	}

	@PostMapping("/faults")
	public Faults setFaults(@RequestBody Faults faults) {
		if (!isRate(faults.errorRate()) || !isRate(faults.resetRate()) || faults.latencyMs() < 0
				|| faults.latencyMs() > MAX_LATENCY_MS) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "errorRate and resetRate must be from 0.0 to 1.0"
					+ ", latencyMs from 0 to " + MAX_LATENCY_MS + "; got " + faults);
		}
		this.faults.set(faults);
		return faults;
	}

	private static boolean isRate(double rate) {
		return rate >= 0.0 && rate <= 1.0;
	}

	record StockLevel(String sku, int available) {
	}

	record ReservationRequest(String orderId, int quantity) {
	}

	record Reservation(String reservationId, String sku, int quantity) {
	}

}
