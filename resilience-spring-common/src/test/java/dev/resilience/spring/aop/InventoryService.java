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

/**
 * An annotated bean whose downstream the tests switch between healthy and failing. Its
 * state lives in a {@link Probe} reached through a method: the bean is a class-based
 * proxy, and fields read through the proxy would be the proxy's own.
 */
public class InventoryService {

	private final Probe probe = new Probe();

	public Probe probe() {
		return this.probe;
	}

	@CircuitBreaker(name = "inventory")
	@Retry(name = "inventory")
	public int reserve(String sku) {
		this.probe.reserveCalls.incrementAndGet();
		RuntimeException current = this.probe.failure.get();
		if (current != null) {
			throw current;
		}
		return 7;
	}

	@Fallback(method = "guardedFallback")
	@Retry(name = "inventory")
	@CircuitBreaker(name = "guarded")
	public String guarded(String sku) {
		this.probe.guardedCalls.incrementAndGet();
		RuntimeException current = this.probe.failure.get();
		if (current != null) {
			throw current;
		}
		return "live:" + sku;
	}

	String guardedFallback(String sku, IllegalStateException failure) {
		this.probe.lastFallback.set("state:" + failure.getClass().getSimpleName());
		return "fallback-state:" + sku;
	}

	String guardedFallback(String sku, RuntimeException failure) {
		this.probe.lastFallback.set("runtime:" + failure.getClass().getSimpleName());
		return "fallback-runtime:" + sku;
	}

	private static String guardedFallback(String sku, Throwable failure) {
		return "fallback-any:" + sku;
	}

	@Retry(name = "inventory")
	@CircuitBreaker(name = "async")
	@Fallback(method = "asyncFallback")
	public CompletableFuture<String> reserveAsync(String sku) {
		this.probe.asyncCalls.incrementAndGet();
		RuntimeException current = this.probe.failure.get();
		if (current != null) {
			return CompletableFuture.failedFuture(current);
		}
		return CompletableFuture.completedFuture("live:" + sku);
	}

	CompletableFuture<String> asyncFallback(String sku, Throwable failure) {
		this.probe.lastFallback.set("async:" + failure.getClass().getSimpleName());
		return CompletableFuture.completedFuture("fallback:" + sku);
	}

	@Bulkhead(name = "narrow")
	public String slow() throws InterruptedException {
		this.probe.slowCallEntered.countDown();
		if (!this.probe.releaseSlowCall.await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("test never released the slow call");
		}
		return "done";
	}

	/** Calls its own annotated method directly, bypassing the proxy. */
	public int reserveThroughSelfInvocation(String sku) {
		return reserve(sku);
	}

	/** What the tests observe and switch. */
	public static final class Probe {

		final AtomicInteger reserveCalls = new AtomicInteger();

		final AtomicInteger guardedCalls = new AtomicInteger();

		final AtomicInteger asyncCalls = new AtomicInteger();

		final AtomicReference<RuntimeException> failure = new AtomicReference<>();

		final AtomicReference<String> lastFallback = new AtomicReference<>();

		volatile CountDownLatch slowCallEntered = new CountDownLatch(1);

		volatile CountDownLatch releaseSlowCall = new CountDownLatch(0);

	}

}
