package dev.resilience.spring.idempotency;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.resilience.idempotency.Idempotency;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.idempotency.MemoryIdempotencyStore;
import dev.resilience.idempotency.StringResultCodec;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

class SecurityContextIdempotencyScopeTests {

	private final SecurityContextIdempotencyScope scope = new SecurityContextIdempotencyScope();

	private final AtomicInteger invocations = new AtomicInteger();

	@AfterEach
	void clearContext() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void authenticatedPrincipalNameIsTheScope() {
		authenticate("alice");
		assertThat(this.scope.currentScope()).isEqualTo("alice");
	}

	@Test
	void missingUnauthenticatedOrAnonymousPrincipalUsesTheGlobalScope() {
		assertThat(this.scope.currentScope()).isNull();
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.unauthenticated("mallory", "pw"));
		assertThat(this.scope.currentScope()).isNull();
		SecurityContextHolder.getContext()
			.setAuthentication(new AnonymousAuthenticationToken("k", "anonymousUser",
					AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
		assertThat(this.scope.currentScope()).isNull();
	}

	@Test
	void sameKeyFromTwoUsersNeverSharesARecord() throws Throwable {
		FakeTicker ticker = new FakeTicker();
		Idempotency idempotency = Idempotency.of("orders", IdempotencyConfig.ofDefaults(),
				new MemoryIdempotencyStore(100, ticker), ticker, new FakeScheduler(ticker));
		authenticate("alice");
		Object alice = run(idempotency, "fp-alice");
		authenticate("bob");
		Object bob = run(idempotency, "fp-bob");
		authenticate("alice");
		Object aliceAgain = run(idempotency, "fp-alice");
		assertThat(this.invocations).hasValue(2);
		assertThat(alice).isEqualTo("order-for-alice").isEqualTo(aliceAgain);
		assertThat(bob).isEqualTo("order-for-bob");
	}

	private Object run(Idempotency idempotency, String fingerprint) throws Throwable {
		return idempotency.execute("same-key", this.scope.currentScope(), fingerprint, StringResultCodec.INSTANCE,
				(String user) -> {
					this.invocations.incrementAndGet();
					return "order-for-" + user;
				}, SecurityContextHolder.getContext().getAuthentication().getName());
	}

	private static void authenticate(String name) {
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(name, "pw", List.of()));
	}

}
