package dev.resilience.spring.aop;

/**
 * How a protected method's result travels through its pipeline, decided once at startup
 * from the declared return type (see {@link ReturnTypes}).
 */
enum ReturnKind {

	/** A plain value or {@code void}: the call runs synchronously. */
	VALUE,

	/** A {@code CompletionStage}: protected until the stage completes. */
	COMPLETION_STAGE,

	/** Reactor's {@code Mono}: each subscription is one protected call. */
	MONO,

	/** Reactor's {@code Flux}: each subscription is one protected call. */
	FLUX;

	boolean isReactive() {
		return this == MONO || this == FLUX;
	}

}
