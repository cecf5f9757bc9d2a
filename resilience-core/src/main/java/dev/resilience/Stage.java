package dev.resilience;

import java.util.concurrent.CompletionStage;

/**
 * One pattern's slot in a {@link Pipeline}: runs {@code next} (the rest of the pipeline)
 * under its policy. The synchronous and the asynchronous path are two implementations of
 * the same stage; the asynchronous one never blocks and reports every failure through the
 * returned stage.
 * <p>
 * Built-in stages wrap the engine's policies; integrations add their own outermost stage
 * (the idempotency stage is one).
 */
public interface Stage {

	Object call(Invocation invocation, CheckedFunction<Invocation, Object> next) throws Throwable;

	CompletionStage<Object> callAsync(Invocation invocation, CheckedFunction<Invocation, CompletionStage<Object>> next);

}
