package dev.resilience.spring.reactive;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.SynchronousSink;

import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.timeout.Timeout;
import dev.resilience.timeout.TimeoutExceededException;
import dev.resilience.timeout.TimeoutOutcome;

/**
 * One subscription under a timeout: a deadline task on the engine's scheduler races the
 * upstream's terminal signal, and whichever comes first decides the outcome, recorded
 * once in the timeout's metrics and listeners as for a {@code CompletionStage} call. When
 * the deadline wins, the upstream is cancelled and the subscriber gets
 * {@link TimeoutExceededException}, even if a terminal signal of the upstream was already
 * on its way; a cancel by the subscriber records nothing and cancels the deadline task. A
 * {@code Flux} is bounded until its completion: an endless one ends at the deadline.
 */
final class TimeoutCall extends AtomicInteger implements Runnable {

	private static final int RUNNING = 0;

	private static final int ENDED = 1;

	private static final int TIMED_OUT = 2;

	private final Timeout timeout;

	private final Ticker ticker;

	private final long start;

	private volatile MonoSink<Boolean> deadline;

	/** The deadline task, cancelled as soon as a Mono's value arrives. */
	private volatile Scheduler.Cancellable task;

	private TimeoutCall(Timeout timeout, Ticker ticker) {
		this.timeout = timeout;
		this.ticker = ticker;
		this.start = ticker.read();
	}

	/**
	 * {@code source} bounded by {@code timeout}, timed on {@code ticker}, the deadline
	 * task scheduled on {@code scheduler} and wrapped by {@code propagator} on the
	 * subscribing thread (what follows a timeout, such as a fallback, runs in the
	 * subscriber's context). On a {@code Mono} ({@code mono}) the one value ends the call
	 * as successful and cancels the deadline, so that a subscriber cancelling from inside
	 * {@code onNext} still counts a success; a value arriving after the deadline is
	 * dropped.
	 */
	static Flux<Object> apply(Timeout timeout, Ticker ticker, Scheduler scheduler, ContextPropagator propagator,
			boolean mono, Flux<Object> source) {
		long durationNanos = saturatedNanos(timeout.getConfig().getDuration());
		return Flux.defer(() -> {
			TimeoutCall call = new TimeoutCall(timeout, ticker);
			Runnable wake = propagator.wrap(call);
			Mono<Boolean> deadline = Mono.create((sink) -> {
				call.deadline = sink;
				long remaining = durationNanos - (ticker.read() - call.start);
				if (remaining <= 0) {
					call.run();
					return;
				}
				Scheduler.Cancellable task = scheduler.schedule(wake, remaining);
				call.task = task;
				sink.onCancel(task::cancel);
				if (call.get() != RUNNING) {
					task.cancel();
				}
			});
			Flux<Object> ended = source.doOnComplete(call::onComplete).doOnError(call::onError);
			if (mono) {
				ended = ended.handle(call::onValue);
			}
			return ended.takeUntilOther(deadline)
				.doOnCancel(call::onCancel)
				.onErrorMap((failure) -> call.timedOut(), call::exceededAfter)
				.concatWith(Mono.defer(call::errorIfTimedOut));
		});
	}

	/** The deadline passed. */
	@Override
	public void run() {
		if (compareAndSet(RUNNING, TIMED_OUT)) {
			this.timeout.record(TimeoutOutcome.TIMED_OUT, this.ticker.read() - this.start);
			MonoSink<Boolean> sink = this.deadline;
			if (sink != null) {
				sink.success(Boolean.TRUE);
			}
		}
	}

	/** A Mono's value: passed on only when it ends the call before the deadline. */
	private void onValue(Object value, SynchronousSink<Object> sink) {
		if (compareAndSet(RUNNING, ENDED)) {
			Scheduler.Cancellable scheduled = this.task;
			if (scheduled != null) {
				scheduled.cancel();
			}
			this.timeout.record(TimeoutOutcome.SUCCESSFUL, this.ticker.read() - this.start);
			sink.next(value);
		}
	}

	private void onComplete() {
		if (compareAndSet(RUNNING, ENDED)) {
			this.timeout.record(TimeoutOutcome.SUCCESSFUL, this.ticker.read() - this.start);
		}
	}

	private void onError(Throwable failure) {
		if (compareAndSet(RUNNING, ENDED)) {
			this.timeout.record(TimeoutOutcome.FAILED, this.ticker.read() - this.start);
		}
	}

	private void onCancel() {
		compareAndSet(RUNNING, ENDED);
	}

	private boolean timedOut() {
		return get() == TIMED_OUT;
	}

	/** The failure the subscriber gets; an upstream error that lost the race is kept. */
	private Throwable exceededAfter(Throwable late) {
		TimeoutExceededException exceeded = exceeded();
		exceeded.addSuppressed(late);
		return exceeded;
	}

	private TimeoutExceededException exceeded() {
		return new TimeoutExceededException(this.timeout.getName(), this.timeout.getConfig().getDuration());
	}

	private Mono<Object> errorIfTimedOut() {
		return timedOut() ? Mono.error(exceeded()) : Mono.empty();
	}

	private static long saturatedNanos(Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException tooLong) {
			return Long.MAX_VALUE;
		}
	}

}
