package dev.resilience.spring.context;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import org.springframework.util.ClassUtils;

import dev.resilience.ContextPropagator;

/**
 * Carries the caller's context to the engine's asynchronous continuations with
 * Micrometer's context-propagation: every {@code ThreadLocalAccessor} registered through
 * the service loader (Spring Security's security context, Micrometer's observations and
 * thus tracing) plus the SLF4J MDC. Uses a registry of its own, so the application's
 * global {@link ContextRegistry} is left as it is.
 */
public final class MicrometerContextPropagator implements ContextPropagator {

	private final ContextSnapshotFactory snapshots;

	public MicrometerContextPropagator() {
		ContextRegistry registry = new ContextRegistry().loadContextAccessors().loadThreadLocalAccessors();
		if (ClassUtils.isPresent("org.slf4j.MDC", MicrometerContextPropagator.class.getClassLoader())
				&& registry.getThreadLocalAccessors()
					.stream()
					.noneMatch((accessor) -> Slf4jThreadLocalAccessor.KEY.equals(accessor.key()))) {
			registry.registerThreadLocalAccessor(new Slf4jThreadLocalAccessor());
		}
		this.snapshots = ContextSnapshotFactory.builder().contextRegistry(registry).build();
	}

	@Override
	public Runnable wrap(Runnable task) {
		return this.snapshots.captureAll().wrap(task);
	}

}
