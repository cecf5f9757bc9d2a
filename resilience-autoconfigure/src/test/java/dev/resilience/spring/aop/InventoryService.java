package dev.resilience.spring.aop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;

/** An annotated bean whose downstream the tests switch between healthy and failing. */
public class InventoryService {

	final AtomicInteger reserveCalls = new AtomicInteger();

	final AtomicInteger guardedCalls = new AtomicInteger();

	final AtomicInteger asyncCalls = new AtomicInteger();

	final AtomicReference<RuntimeException> failure = new AtomicReference<>();

	final AtomicReference<String> lastFallback = new AtomicReference<>();

	volatile CountDownLatch slowCallEntered = new CountDownLatch(1);

	volatile CountDownLatch releaseSlowCall = new CountDownLatch(0);

	@CircuitBreaker(name = "inventory")
	@Retry(name = "inventory")
	public int reserve(String sku) {
		this.reserveCalls.incrementAndGet();
		RuntimeException current = this.failure.get();
		if (current != null) {
			throw current;
		}
		return 7;
	}

	@Fallback(method = "guardedFallback")
	@Retry(name = "inventory")
	@CircuitBreaker(name = "guarded")
	public String guarded(String sku) {
		this.guardedCalls.incrementAndGet();
		RuntimeException current = this.failure.get();
		if (current != null) {
			throw current;
		}
		return "live:" + sku;
	}

	String guardedFallback(String sku, IllegalStateException failure) {
		this.lastFallback.set("state:" + failure.getClass().getSimpleName());
		return "fallback-state:" + sku;
	}

	String guardedFallback(String sku, RuntimeException failure) {
		this.lastFallback.set("runtime:" + failure.getClass().getSimpleName());
		return "fallback-runtime:" + sku;
	}

	private static String guardedFallback(String sku, Throwable failure) {
		return "fallback-any:" + sku;
	}

	@Retry(name = "inventory")
	@CircuitBreaker(name = "async")
	@Fallback(method = "asyncFallback")
	public CompletableFuture<String> reserveAsync(String sku) {
		this.asyncCalls.incrementAndGet();
		RuntimeException current = this.failure.get();
		if (current != null) {
			return CompletableFuture.failedFuture(current);
		}
		return CompletableFuture.completedFuture("live:" + sku);
	}

	CompletableFuture<String> asyncFallback(String sku, Throwable failure) {
		this.lastFallback.set("async:" + failure.getClass().getSimpleName());
		return CompletableFuture.completedFuture("fallback:" + sku);
	}

	@Bulkhead(name = "narrow")
	public String slow() throws InterruptedException {
		this.slowCallEntered.countDown();
		if (!this.releaseSlowCall.await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("test never released the slow call");
		}
		return "done";
	}

	/** Calls its own annotated method directly, bypassing the proxy. */
	public int reserveThroughSelfInvocation(String sku) {
		return reserve(sku);
	}

}
