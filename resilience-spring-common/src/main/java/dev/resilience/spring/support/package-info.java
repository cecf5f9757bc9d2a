/**
 * Internal helpers shared by the starter's packages (the Actuator endpoint, the startup
 * error messages); not an API, and subject to change in any release.
 */
package dev.resilience.spring.support;
