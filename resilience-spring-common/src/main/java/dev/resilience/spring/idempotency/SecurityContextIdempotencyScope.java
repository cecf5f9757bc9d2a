package dev.resilience.spring.idempotency;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.resilience.idempotency.IdempotencyScope;

/**
 * {@link IdempotencyScope} of {@code resilience.idempotency.scope=principal}: the name of
 * the authenticated Spring Security principal of the current thread, so that the same key
 * sent by two users never shares a record. Anonymous or unauthenticated calls use the
 * global scope ({@code null}). Only load this class when Spring Security is on the
 * classpath. Thread-safe.
 */
public final class SecurityContextIdempotencyScope implements IdempotencyScope {

	@Override
	public String currentScope() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()
				|| authentication instanceof AnonymousAuthenticationToken) {
			return null;
		}
		String name = authentication.getName();
		return (name == null || name.isEmpty()) ? null : name;
	}

}
