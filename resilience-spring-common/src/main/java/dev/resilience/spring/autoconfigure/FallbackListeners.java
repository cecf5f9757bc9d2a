package dev.resilience.spring.autoconfigure;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.resilience.fallback.FallbackListener;

/**
 * Every {@link FallbackListener} bean, told of each fallback in the beans' order. One
 * that throws neither stops the others nor changes the answer of the fallback: its first
 * failure is logged at WARN, later ones at DEBUG. A {@link VirtualMachineError} is
 * rethrown.
 */
final class FallbackListeners implements FallbackListener {

	private static final Log logger = LogFactory.getLog("dev.resilience.fallback");

	private final List<FallbackListener> listeners;

	private final AtomicBoolean[] reported;

	private FallbackListeners(List<FallbackListener> listeners) {
		this.listeners = List.copyOf(listeners);
		this.reported = new AtomicBoolean[listeners.size()];
		for (int i = 0; i < this.reported.length; i++) {
			this.reported[i] = new AtomicBoolean();
		}
	}

	/** The listener to give the pipelines: {@code null} when there is none. */
	static FallbackListener of(List<FallbackListener> listeners) {
		return listeners.isEmpty() ? null : new FallbackListeners(listeners);
	}

	@Override
	public void onFallback(String method, Throwable failure) {
		for (int i = 0; i < this.listeners.size(); i++) {
			FallbackListener listener = this.listeners.get(i);
			try {
				listener.onFallback(method, failure);
			}
			catch (VirtualMachineError ex) {
				throw ex;
			}
			catch (Throwable ex) {
				failed(i, listener, method, ex);
			}
		}
	}

	private void failed(int index, FallbackListener listener, String method, Throwable ex) {
		boolean first = this.reported[index].compareAndSet(false, true);
		String message = "Fallback of " + method + ": listener " + listener.getClass().getName() + " threw"
				+ (first ? "; later failures of this listener are logged at DEBUG" : "");
		if (first) {
			logger.warn(message, ex);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message, ex);
		}
	}

}
