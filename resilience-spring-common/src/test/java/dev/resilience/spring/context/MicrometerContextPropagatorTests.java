package dev.resilience.spring.context;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;

class MicrometerContextPropagatorTests {

	private final ExecutorService otherThread = Executors.newSingleThreadExecutor();

	@AfterEach
	void cleanUp() {
		MDC.clear();
		this.otherThread.shutdownNow();
	}

	@Test
	void continuationOnAnotherThreadSeesTheCallersMdc() throws Exception {
		MicrometerContextPropagator propagator = new MicrometerContextPropagator();
		AtomicReference<String> seen = new AtomicReference<>();
		MDC.put("requestId", "r-42");

		Runnable wrapped = propagator.wrap(() -> seen.set(MDC.get("requestId")));
		MDC.clear();
		this.otherThread.submit(wrapped).get(30, TimeUnit.SECONDS);

		assertThat(seen).hasValue("r-42");
	}

	@Test
	void continuationLeavesTheOtherThreadsMdcAsItWas() throws Exception {
		MicrometerContextPropagator propagator = new MicrometerContextPropagator();
		MDC.put("requestId", "r-43");
		Runnable wrapped = propagator.wrap(() -> {
		});

		this.otherThread.submit(wrapped).get(30, TimeUnit.SECONDS);
		String afterwards = this.otherThread.submit(() -> MDC.get("requestId")).get(30, TimeUnit.SECONDS);

		assertThat(afterwards).isNull();
	}

}
