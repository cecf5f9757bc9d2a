package dev.resilience.fallback;

/**
 * Told each time a fallback answers in place of the protected call, just before the
 * fallback runs: a failure that no overload of the fallback accepts is rethrown and not
 * reported. Runs on the thread that handles the failure; must not throw.
 */
@FunctionalInterface
public interface FallbackListener {

	/**
	 * @param method identifies the protected method, such as
	 * {@code InventoryClient.reserve}
	 * @param failure the failure the fallback answered (unwrapped from
	 * {@code CompletionException})
	 */
	void onFallback(String method, Throwable failure);

}
