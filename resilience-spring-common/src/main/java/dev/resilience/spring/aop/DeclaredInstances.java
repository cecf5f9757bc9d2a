package dev.resilience.spring.aop;

/** Whether an instance name has its own configuration under {@code instances.<name>}. */
@FunctionalInterface
public interface DeclaredInstances {

	/** Every name is taken as declared: no INFO line for any. */
	DeclaredInstances ALL = (kind, name) -> true;

	/**
	 * @param kind property group, such as {@code circuit-breaker}
	 * @param name instance name
	 */
	boolean isDeclared(String kind, String name);

}
