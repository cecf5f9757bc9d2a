package dev.resilience;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.resilience.fallback.FallbackAnswer;
import dev.resilience.fallback.FallbackConfig;
import dev.resilience.fallback.FallbackHandler;
import dev.resilience.fallback.FallbackListener;
import dev.resilience.internal.Failures;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the fallback stage of a {@link Pipeline} reports: a fallback is counted only when
 * one of its overloads ran, and an outer stage that asked for it is told that an answer
 * is degraded, while no caller ever receives the {@link FallbackAnswer} marker. Every
 * scenario runs as a plain call and as a {@code CompletionStage} call.
 */
class PipelineFallbackTests {

	private final List<String> counted = Collections.synchronizedList(new ArrayList<>());

	private final FallbackListener listener = (method, failure) -> this.counted
		.add(method + ":" + failure.getClass().getSimpleName());

	private final List<Object> seenByOuter = Collections.synchronizedList(new ArrayList<>());

	private Pipeline.Builder fallbackForIllegalStateOnly() {
		return Pipeline.builder()
			.fallback(new IllegalStateFallback(), FallbackConfig.ofDefaults())
			.fallbackListener("Client.fetch", this.listener);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void failureNoOverloadAcceptsIsRethrownAndNotCountedAsAFallback(Mode mode) {
		Pipeline pipeline = fallbackForIllegalStateOnly().build();

		Outcome outcome = mode.run(pipeline, () -> {
			throw new IllegalArgumentException("no overload takes this");
		});

		assertThat(outcome.failure()).isInstanceOf(IllegalArgumentException.class).hasMessage("no overload takes this");
		assertThat(this.counted).as("fallbacks counted").isEmpty();
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void fallbackThatRanIsCountedOnce(Mode mode) {
		Pipeline pipeline = fallbackForIllegalStateOnly().build();

		Outcome outcome = mode.run(pipeline, () -> {
			throw new IllegalStateException("down");
		});

		assertThat(outcome.value()).isEqualTo("fallback:a");
		assertThat(this.counted).containsExactly("Client.fetch:IllegalStateException");
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void handlerConfigurationAndListenerAreGivenTheCauseNeverItsWrappers(Mode mode) {
		List<Throwable> judged = Collections.synchronizedList(new ArrayList<>());
		List<Throwable> handled = Collections.synchronizedList(new ArrayList<>());
		IllegalStateException cause = new IllegalStateException("under two wrappers");
		FallbackHandler recording = new FallbackHandler() {

			@Override
			public Object handle(Invocation invocation, Throwable failure) {
				handled.add(failure);
				return "answered";
			}

			@Override
			public boolean handles(Throwable failure) {
				judged.add(failure);
				return true;
			}

		};
		Pipeline pipeline = Pipeline.builder()
			.fallback(recording, FallbackConfig.of(List.of(IllegalStateException.class), List.of()))
			.fallbackListener("Client.fetch", this.listener)
			.build();

		Outcome outcome = mode.run(pipeline, () -> {
			throw new java.util.concurrent.ExecutionException(new CompletionException(cause));
		});

		assertThat(outcome.value()).isEqualTo("answered");
		assertThat(judged).containsExactly(cause);
		assertThat(handled).containsExactly(cause);
		assertThat(this.counted).containsExactly("Client.fetch:IllegalStateException");
	}

	@Test
	void fallbacksCountedEqualFallbacksThatAnsweredUnderConcurrentMixedFailures() throws Exception {
		Pipeline pipeline = fallbackForIllegalStateOnly().build();
		int threads = 4;
		int callsPerThread = 500;
		AtomicInteger answered = new AtomicInteger();
		AtomicInteger rethrown = new AtomicInteger();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				futures.add(executor.submit(() -> {
					start.await();
					for (int i = 0; i < callsPerThread; i++) {
						boolean handled = (i + thread) % 3 != 0;
						Mode mode = (i % 2 == 0) ? Mode.SYNC : Mode.ASYNC;
						Outcome outcome = mode.run(pipeline, () -> {
							throw handled ? new IllegalStateException("down") : new IllegalArgumentException("bad");
						});
						if ("fallback:a".equals(outcome.value())) {
							answered.incrementAndGet();
						}
						else if (outcome.failure() instanceof IllegalArgumentException) {
							rethrown.incrementAndGet();
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}

		assertThat(answered.get() + rethrown.get()).isEqualTo(threads * callsPerThread);
		assertThat(rethrown).as("unhandled failures rethrown").hasPositiveValue();
		assertThat(this.counted).as("one count per fallback that answered, none for a rethrow").hasSize(answered.get());
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void outerStageThatUnwrapsFallbackAnswersIsHandedOneForADegradedAnswer(Mode mode) {
		Pipeline pipeline = fallbackForIllegalStateOnly().outer("recording", new RecordingStage(true), true).build();

		Outcome outcome = mode.run(pipeline, () -> {
			throw new IllegalStateException("down");
		});

		assertThat(this.seenByOuter).containsExactly(new FallbackAnswer("fallback:a"));
		assertThat(outcome.value()).isEqualTo("fallback:a");
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void outerStageSeesTheMethodsOwnResultUnwrapped(Mode mode) {
		Pipeline pipeline = fallbackForIllegalStateOnly().outer("recording", new RecordingStage(true), true).build();

		Outcome outcome = mode.run(pipeline, () -> "live");

		assertThat(this.seenByOuter).containsExactly("live");
		assertThat(outcome.value()).isEqualTo("live");
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void callerNeverReceivesAFallbackAnswerEvenWhenTheOuterStagePassesItOn(Mode mode) {
		Pipeline pipeline = fallbackForIllegalStateOnly().outer("leaky", new RecordingStage(false), true).build();

		Outcome outcome = mode.run(pipeline, () -> {
			throw new IllegalStateException("down");
		});

		assertThat(this.seenByOuter).containsExactly(new FallbackAnswer("fallback:a"));
		assertThat(outcome.value()).isEqualTo("fallback:a");
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void outerStageThatDoesNotAcceptFallbackAnswersIsHandedTheBareAnswer(Mode mode) {
		Pipeline pipeline = fallbackForIllegalStateOnly().outer("plain", new RecordingStage(false)).build();

		Outcome outcome = mode.run(pipeline, () -> {
			throw new IllegalStateException("down");
		});

		assertThat(this.seenByOuter).containsExactly("fallback:a");
		assertThat(outcome.value()).isEqualTo("fallback:a");
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void nullFallbackAnswerIsStillMarkedAsDegraded(Mode mode) {
		Pipeline pipeline = Pipeline.builder()
			.fallback((invocation, failure) -> (mode == Mode.ASYNC) ? CompletableFuture.completedFuture(null) : null,
					FallbackConfig.ofDefaults())
			.outer("recording", new RecordingStage(true), true)
			.build();

		Outcome outcome = mode.run(pipeline, () -> {
			throw new IllegalStateException("down");
		});

		assertThat(this.seenByOuter).containsExactly(new FallbackAnswer(null));
		assertThat(outcome.failure()).isNull();
		assertThat(outcome.value()).isNull();
	}

	@ParameterizedTest
	@EnumSource(CallerAction.class)
	void outerStageSeesALateFallbackAnswerWhateverTheCallerDidToItsStage(CallerAction action) {
		CompletableFuture<Object> late = new CompletableFuture<>();
		Pipeline pipeline = Pipeline.builder()
			.fallback((invocation, failure) -> late, FallbackConfig.ofDefaults())
			.outer("recording", new RecordingStage(true), true)
			.build();

		CompletableFuture<Object> handedBack = pipeline
			.executeAsync(Mode.invocation(() -> CompletableFuture.failedFuture(new IllegalStateException("down"))))
			.toCompletableFuture();
		action.apply(handedBack);
		late.complete("late");

		assertThat(this.seenByOuter).as("the outer stage still handles the degraded answer")
			.containsExactly(new FallbackAnswer("late"));
		assertThat(handedBack).isDone();
		if (!handedBack.isCompletedExceptionally()) {
			assertThat(handedBack.join()).isNotInstanceOf(FallbackAnswer.class);
		}
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void fallbackThatThrowsAnErrorWasRunSoItIsCountedAndTheErrorPropagatesUnmarked(Mode mode) {
		Pipeline pipeline = Pipeline.builder().fallback((invocation, failure) -> {
			throw new StackOverflowError("fallback blew up");
		}, FallbackConfig.ofDefaults())
			.fallbackListener("Client.fetch", this.listener)
			.outer("recording", new RecordingStage(true), true)
			.build();

		Outcome outcome = mode.run(pipeline, () -> {
			throw new IllegalStateException("down");
		});

		assertThat(outcome.failure()).isInstanceOf(StackOverflowError.class).hasMessage("fallback blew up");
		assertThat(this.counted).containsExactly("Client.fetch:IllegalStateException");
		assertThat(this.seenByOuter).isEmpty();
	}

	/**
	 * What a caller may do to the stage it was handed before the fallback's own stage
	 * completes.
	 */
	enum CallerAction {

		NOTHING {
			@Override
			void apply(CompletableFuture<Object> stage) {
			}
		},

		CANCEL {
			@Override
			void apply(CompletableFuture<Object> stage) {
				stage.cancel(true);
			}
		},

		COMPLETE {
			@Override
			void apply(CompletableFuture<Object> stage) {
				stage.complete("completed by the caller");
			}
		},

		TIME_OUT {
			@Override
			void apply(CompletableFuture<Object> stage) {
				// What orTimeout does when it fires, without a real wait.
				stage.completeExceptionally(new java.util.concurrent.TimeoutException());
			}
		};

		abstract void apply(CompletableFuture<Object> stage);

	}

	/**
	 * What a resolved {@code @Fallback} method is to the engine: a handler that answers
	 * only the failures its overloads accept (here {@link Client#fetchFallback}'s
	 * {@code IllegalStateException}) and rethrows the others.
	 */
	private static final class IllegalStateFallback implements FallbackHandler {

		@Override
		public Object handle(Invocation invocation, Throwable failure) throws Throwable {
			if (!(Failures.unwrap(failure) instanceof IllegalStateException cause)) {
				throw failure;
			}
			return ((Client) invocation.getTarget()).fetchFallback((String) invocation.getArguments()[0], cause);
		}

		@Override
		public boolean handles(Throwable failure) {
			return Failures.unwrap(failure) instanceof IllegalStateException;
		}

	}

	/**
	 * The protected class: its only fallback overload takes an
	 * {@code IllegalStateException}.
	 */
	public static class Client {

		public String fetch(String id) {
			return "live";
		}

		String fetchFallback(String id, IllegalStateException failure) {
			return "fallback:" + id;
		}

	}

	/** An outer stage that records what the rest of the pipeline handed it. */
	private final class RecordingStage implements Stage {

		private final boolean unwraps;

		RecordingStage(boolean unwraps) {
			this.unwraps = unwraps;
		}

		@Override
		public Object call(Invocation invocation, CheckedFunction<Invocation, Object> next) throws Throwable {
			return seen(next.apply(invocation));
		}

		@Override
		public CompletionStage<Object> callAsync(Invocation invocation,
				CheckedFunction<Invocation, CompletionStage<Object>> next) {
			try {
				return next.apply(invocation).thenApply(this::seen);
			}
			catch (Throwable ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}

		private Object seen(Object result) {
			PipelineFallbackTests.this.seenByOuter.add(result);
			return (this.unwraps && result instanceof FallbackAnswer answer) ? answer.value() : result;
		}

	}

	record Outcome(Object value, Throwable failure) {
	}

	enum Mode {

		SYNC {
			@Override
			Outcome run(Pipeline pipeline, Callable<Object> body) {
				try {
					return new Outcome(pipeline.execute(invocation(body)), null);
				}
				catch (Throwable ex) {
					return new Outcome(null, ex);
				}
			}
		},

		ASYNC {
			@Override
			Outcome run(Pipeline pipeline, Callable<Object> body) {
				CompletableFuture<Object> result = pipeline.executeAsync(invocation(() -> {
					try {
						return CompletableFuture.completedFuture(body.call());
					}
					catch (Exception ex) {
						return CompletableFuture.failedFuture(ex);
					}
				})).toCompletableFuture();
				assertThat(result).as("no stage of this pipeline waits").isDone();
				try {
					return new Outcome(result.join(), null);
				}
				catch (CompletionException ex) {
					return new Outcome(null, ex.getCause());
				}
			}
		};

		abstract Outcome run(Pipeline pipeline, Callable<Object> body);

		static Invocation invocation(Callable<Object> body) {
			Client target = new Client();
			return new Invocation() {
				@Override
				public Object proceed() throws Exception {
					return body.call();
				}

				@Override
				public Object[] getArguments() {
					return new Object[] { "a" };
				}

				@Override
				public Object getTarget() {
					return target;
				}
			};
		}

	}

}
