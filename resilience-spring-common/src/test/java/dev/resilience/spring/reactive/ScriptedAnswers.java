package dev.resilience.spring.reactive;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Base of the test beans whose reactive methods answer, in turn, what a test scripted
 * with {@link #next} and {@link #nextFlux}, counting each time the method itself runs
 * (not each subscription to its result). The methods are not final, so that calls through
 * the bean's class proxy reach the target, whose fields hold the script.
 */
abstract class ScriptedAnswers {

	private final AtomicInteger invocations = new AtomicInteger();

	private final List<Supplier<? extends Mono<String>>> monos = new ArrayList<>();

	private final List<Supplier<? extends Flux<String>>> fluxes = new ArrayList<>();

	/** Read through the proxy, whose own fields are empty. */
	int invocations() {
		return this.invocations.get();
	}

	@SuppressWarnings("unchecked")
	void next(Supplier<? extends Mono<String>>... answers) {
		this.monos.addAll(List.of(answers));
	}

	@SuppressWarnings("unchecked")
	void nextFlux(Supplier<? extends Flux<String>>... answers) {
		this.fluxes.addAll(List.of(answers));
	}

	Mono<String> answer() {
		this.invocations.incrementAndGet();
		return this.monos.remove(0).get();
	}

	Flux<String> answerFlux() {
		this.invocations.incrementAndGet();
		return this.fluxes.remove(0).get();
	}

}
