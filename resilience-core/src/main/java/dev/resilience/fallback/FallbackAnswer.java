package dev.resilience.fallback;

/**
 * A result produced by a fallback method rather than by the protected code, as handed to
 * a stage outside the fallback that asked to tell the two apart (an idempotency stage
 * stores the method's results but, by default, not a degraded answer). Such a stage
 * unwraps it before the caller sees it: no caller ever receives a {@code FallbackAnswer}.
 *
 * @param value the fallback method's answer, possibly {@code null}
 */
public record FallbackAnswer(Object value) {
}
