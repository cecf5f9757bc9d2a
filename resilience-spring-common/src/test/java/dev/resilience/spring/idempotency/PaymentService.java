package dev.resilience.spring.idempotency;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.resilience.annotation.Idempotent;

/** A side effect worth protecting: each execution is counted per key. */
public class PaymentService {

	private final Map<String, AtomicInteger> executions;

	public PaymentService(Map<String, AtomicInteger> executions) {
		this.executions = executions;
	}

	public PaymentService() {
		this(new ConcurrentHashMap<>());
	}

	public Map<String, AtomicInteger> executions() {
		return this.executions;
	}

	@Idempotent(key = "#command.requestId")
	public Receipt charge(ChargeCommand command) {
		int count = this.executions.computeIfAbsent(command.requestId(), (key) -> new AtomicInteger())
			.incrementAndGet();
		if (command.amount() < 0) {
			throw new IllegalArgumentException("negative amount");
		}
		return new Receipt("receipt-" + command.requestId() + "-" + count, command.amount());
	}

	@Idempotent(key = "#p0", name = "refunds")
	public CompletableFuture<Receipt> refund(String requestId, long amount) {
		int count = this.executions.computeIfAbsent(requestId, (key) -> new AtomicInteger()).incrementAndGet();
		return CompletableFuture.completedFuture(new Receipt("refund-" + requestId + "-" + count, -amount));
	}

	@Idempotent(key = "#p0")
	public void notify(String requestId) {
		this.executions.computeIfAbsent(requestId, (key) -> new AtomicInteger()).incrementAndGet();
	}

	public record ChargeCommand(String requestId, long amount) {
	}

	public record Receipt(String id, long amount) {
	}

}
