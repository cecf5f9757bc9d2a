/**
 * Fallbacks: which failures a fallback answers, the handler that produces the answer, its
 * listener, and how a fallback's answer is told apart from the protected code's result by
 * the stages outside it. API for users of {@code @Fallback} and of the programmatic
 * fallback; the marker of a fallback's answer is also used by integrations.
 */
package dev.resilience.fallback;
