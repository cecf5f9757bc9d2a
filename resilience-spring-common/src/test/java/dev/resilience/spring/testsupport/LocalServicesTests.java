package dev.resilience.spring.testsupport;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

class LocalServicesTests {

	@Test
	void missingServiceSkipsOrFailsAsTheEnvironmentAsks() {
		ExtensionContext context = mock(ExtensionContext.class);
		given(context.getDisplayName()).willReturn("SomeStoreTests");
		ConditionEvaluationResult[] result = new ConditionEvaluationResult[1];
		Throwable thrown = catchThrowable(() -> result[0] = LocalServices.evaluate("Nothing-" + UUID.randomUUID(),
				context, () -> "connection refused"));
		if ("true".equalsIgnoreCase(System.getenv(LocalServices.REQUIRE_SERVICES))) {
			assertThat(thrown).isInstanceOf(AssertionError.class)
				.hasMessageContaining("connection refused")
				.hasMessageContaining("RESILIENCE_REQUIRE_SERVICES=true requires it");
		}
		else {
			assertThat(thrown).isNull();
			assertThat(result[0].isDisabled()).isTrue();
			assertThat(result[0].getReason()).hasValueSatisfying(
					(reason) -> assertThat(reason).contains("SomeStoreTests").contains("connection refused"));
		}
	}

	@Test
	void availableServiceLetsTheTestsRun() {
		ExtensionContext context = mock(ExtensionContext.class);
		assertThat(LocalServices.evaluate("Up-" + UUID.randomUUID(), context, () -> null).isDisabled()).isFalse();
	}

}
