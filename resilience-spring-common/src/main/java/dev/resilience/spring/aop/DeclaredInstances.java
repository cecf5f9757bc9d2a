package dev.resilience.spring.aop;

/** Whether an instance name has its own configuration under {@code instances.<name>}. */
@FunctionalInterface
public interface DeclaredInstances {

	/** Every name is taken as declared: no INFO line for any. */
	DeclaredInstances ALL = (kind, name) -> true;

	/**
	 * @param kind the pattern whose instances are looked at
	 * @param name instance name
	 */
	boolean isDeclared(InstanceKind kind, String name);

}
