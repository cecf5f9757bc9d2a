package dev.resilience.spring.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;

import dev.resilience.ResilienceRegistry;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadListener;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerListener;
import dev.resilience.hedge.Hedge;
import dev.resilience.hedge.HedgeListener;
import dev.resilience.idempotency.Idempotency;
import dev.resilience.idempotency.IdempotencyListener;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.ratelimiter.RateLimiterListener;
import dev.resilience.retry.Retry;
import dev.resilience.retry.RetryListener;
import dev.resilience.timeout.Timeout;
import dev.resilience.timeout.TimeoutListener;

/**
 * Attaches the application's listener beans to every instance of their kind: registered
 * with the {@link ResilienceRegistry}, it is told at once of every instance that exists
 * and later of each one created, and adds to it every bean of the matching listener type,
 * in the beans' order. An instance registers a listener object at most once, so a bean
 * that also registers itself (the breaker transition logger does) still hears each event
 * once. A listener that throws is logged by the instance and changes no call.
 */
final class ListenerBeans implements ResilienceRegistry.RegistryListener {

	private final List<CircuitBreakerListener> circuitBreakerListeners;

	private final List<RetryListener> retryListeners;

	private final List<BulkheadListener> bulkheadListeners;

	private final List<RateLimiterListener> rateLimiterListeners;

	private final List<TimeoutListener> timeoutListeners;

	private final List<HedgeListener> hedgeListeners;

	private final List<IdempotencyListener> idempotencyListeners;

	ListenerBeans(ObjectProvider<CircuitBreakerListener> circuitBreakerListeners,
			ObjectProvider<RetryListener> retryListeners, ObjectProvider<BulkheadListener> bulkheadListeners,
			ObjectProvider<RateLimiterListener> rateLimiterListeners, ObjectProvider<TimeoutListener> timeoutListeners,
			ObjectProvider<HedgeListener> hedgeListeners, ObjectProvider<IdempotencyListener> idempotencyListeners) {
		this.circuitBreakerListeners = circuitBreakerListeners.orderedStream().toList();
		this.retryListeners = retryListeners.orderedStream().toList();
		this.bulkheadListeners = bulkheadListeners.orderedStream().toList();
		this.rateLimiterListeners = rateLimiterListeners.orderedStream().toList();
		this.timeoutListeners = timeoutListeners.orderedStream().toList();
		this.hedgeListeners = hedgeListeners.orderedStream().toList();
		this.idempotencyListeners = idempotencyListeners.orderedStream().toList();
	}

	@Override
	public void onCircuitBreakerAdded(CircuitBreaker circuitBreaker) {
		this.circuitBreakerListeners.forEach(circuitBreaker::addListener);
	}

	@Override
	public void onRetryAdded(Retry retry) {
		this.retryListeners.forEach(retry::addListener);
	}

	@Override
	public void onBulkheadAdded(Bulkhead bulkhead) {
		this.bulkheadListeners.forEach(bulkhead::addListener);
	}

	@Override
	public void onRateLimiterAdded(RateLimiter rateLimiter) {
		this.rateLimiterListeners.forEach(rateLimiter::addListener);
	}

	@Override
	public void onTimeoutAdded(Timeout timeout) {
		this.timeoutListeners.forEach(timeout::addListener);
	}

	@Override
	public void onHedgeAdded(Hedge hedge) {
		this.hedgeListeners.forEach(hedge::addListener);
	}

	@Override
	public void onIdempotencyAdded(Idempotency idempotency) {
		this.idempotencyListeners.forEach(idempotency::addListener);
	}

}
