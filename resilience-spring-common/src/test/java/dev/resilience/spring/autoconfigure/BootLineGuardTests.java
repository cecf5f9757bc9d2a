package dev.resilience.spring.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The starter of one Boot line in an application of the other stops at startup, naming
 * the artifactId to use. The same test runs on both lines: {@link StarterLine} says which
 * one this is. The real wrong-line classpaths (each line's starter with the other line's
 * Boot jars) are started by {@code .ci/run}.
 */
class BootLineGuardTests {

	private static final String BOOT_3_STARTER = "resilience-spring-boot-starter";

	private static final String BOOT_4_STARTER = "resilience-spring-boot4-starter";

	@Test
	void thisLineIsTheOneOnTheClasspath() {
		assertThat(SpringBootVersion.getVersion()).startsWith(StarterLine.BOOT_4 ? "4." : "3.5.");
		assertThat(StarterLine.ARTIFACT_ID).isEqualTo(StarterLine.BOOT_4 ? BOOT_4_STARTER : BOOT_3_STARTER);
		assertThatNoException().isThrownBy(() -> new BootLineGuard().check());
	}

	@Test
	void theOtherLinesBootFailsStartupNamingTheStarterToUse() {
		BootLineGuard guard = new BootLineGuard(
				(name) -> name.equals(BootLineGuard.BOOT_4_MARKER) != StarterLine.BOOT_4);

		WrongBootLineException failure = assertThatExceptionOfType(WrongBootLineException.class)
			.isThrownBy(guard::check)
			.actual();
		String wrong = StarterLine.BOOT_4 ? BOOT_4_STARTER : BOOT_3_STARTER;
		String right = StarterLine.BOOT_4 ? BOOT_3_STARTER : BOOT_4_STARTER;
		assertThat(failure.getMessage())
			.startsWith("dev.resilience:" + wrong + " is built for Spring Boot " + (StarterLine.BOOT_4 ? "4" : "3.5")
					+ ", but this application runs Spring Boot ")
			.endsWith(": use dev.resilience:" + right + " instead");

		FailureAnalysis analysis = FailureReports.analyze(new IllegalStateException("context failed", failure));
		assertThat(analysis.getDescription()).isEqualTo(failure.getMessage());
		assertThat(analysis.getAction())
			.startsWith("Replace the dependency on dev.resilience:" + wrong + " with dev.resilience:" + right + " ");
	}

	@Test
	void guardRunsBeforeTheContextIsRefreshed() {
		List<ApplicationContextInitializer> initializers = SpringFactoriesLoader
			.forDefaultResourceLocation(getClass().getClassLoader())
			.load(ApplicationContextInitializer.class);
		assertThat(initializers).hasAtLeastOneElementOfType(BootLineGuard.class);

		SpringApplication application = new SpringApplication(Empty.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run("--spring.main.banner-mode=off")) {
			assertThat(context.isActive()).as("this line's own Boot starts").isTrue();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Empty {

	}

}
