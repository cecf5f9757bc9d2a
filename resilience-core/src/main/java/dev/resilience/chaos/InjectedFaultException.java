package dev.resilience.chaos;

import dev.resilience.ResilienceException;

/**
 * The error a {@link Chaos} instance injects unless its configuration names another type.
 * Carries the name of the chaos instance that injected it.
 */
public class InjectedFaultException extends ResilienceException {

	/** For a chaos instance named {@code instanceName}. */
	public InjectedFaultException(String instanceName) {
		super(instanceName, "Fault injected by chaos instance '" + instanceName + "'");
	}

}
