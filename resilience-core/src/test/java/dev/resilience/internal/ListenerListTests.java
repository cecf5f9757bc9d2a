package dev.resilience.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * The one rule every policy's listeners follow, including under concurrent registration.
 */
class ListenerListTests {

	private final RecordingLogger logger = new RecordingLogger();

	private final ListenerList<Listener> listeners = new ListenerList<>(this.logger, "CircuitBreaker 'payments'");

	private final List<String> heard = new CopyOnWriteArrayList<>();

	@Test
	void callsListenersInRegistrationOrder() {
		this.listeners.add(new Named("a"));
		this.listeners.add(new Named("b"));
		this.listeners.add(new Named("c"));
		this.listeners.fire(Listener::onEvent, "open");
		assertThat(this.heard).containsExactly("a:open", "b:open", "c:open");
		assertThat(this.listeners.size()).isEqualTo(3);
		assertThat(this.listeners.isEmpty()).isFalse();
	}

	@Test
	void addingTheSameListenerTwiceRegistersItOnce() {
		Named a = new Named("a");
		this.listeners.add(a);
		this.listeners.add(new Named("b"));
		this.listeners.add(a);
		this.listeners.fire(Listener::onEvent, "x");
		assertThat(this.heard).containsExactly("a:x", "b:x");
		assertThat(this.listeners.size()).isEqualTo(2);
	}

	@Test
	void registrationIsByIdentityNotEquality() {
		this.listeners.add(new EqualToEveryOther("a"));
		this.listeners.add(new EqualToEveryOther("b"));
		this.listeners.fire(Listener::onEvent, "x");
		assertThat(this.heard).containsExactly("a:x", "b:x");
	}

	@Test
	void aRemovedListenerIsNoLongerCalledAndTheOthersKeepTheirOrder() {
		Named a = new Named("a");
		Named b = new Named("b");
		Named c = new Named("c");
		this.listeners.add(a);
		this.listeners.add(b);
		this.listeners.add(c);
		this.listeners.remove(b);
		this.listeners.fire(Listener::onEvent, "1");
		this.listeners.remove(a);
		this.listeners.add(b);
		this.listeners.fire(Listener::onEvent, "2");
		this.listeners.remove(c);
		this.listeners.remove(b);
		this.listeners.fire(Listener::onEvent, "3");
		assertThat(this.heard).containsExactly("a:1", "c:1", "c:2", "b:2");
		assertThat(this.listeners.isEmpty()).isTrue();
		assertThat(this.listeners.size()).isZero();
	}

	@Test
	void removingAListenerNotRegisteredDoesNothing() {
		this.listeners.add(new Named("a"));
		this.listeners.remove(new Named("a"));
		this.listeners.remove(null);
		this.listeners.fire(Listener::onEvent, "x");
		assertThat(this.heard).containsExactly("a:x");
	}

	@Test
	void refusesANullListener() {
		assertThatNullPointerException().isThrownBy(() -> this.listeners.add(null)).withMessageContaining("listener");
	}

	@Test
	void everyFormOfFirePassesItsArguments() {
		this.listeners.add(new Named("a"));
		this.listeners.fire(Listener::onEvent, "one");
		this.listeners.fire(Listener::onTwo, "one", 2);
		this.listeners.fire(Listener::onThree, "one", 2, 3.0);
		this.listeners.fireWithLong(Listener::onLong, "one", 2, Long.MAX_VALUE);
		assertThat(this.heard).containsExactly("a:one", "a:one,2", "a:one,2,3.0", "a:one,2," + Long.MAX_VALUE);
	}

	@Test
	void aThrowingListenerDoesNotStopTheOthersInAnyFormOfFire() {
		this.listeners.add(new Named("a"));
		this.listeners.add(new Throwing(new IllegalStateException("listener bug")));
		this.listeners.add(new Throwing(new AssertionError("an Error that is not the JVM's")));
		this.listeners.add(new Named("b"));
		this.listeners.fire(Listener::onEvent, "1");
		this.listeners.fire(Listener::onTwo, "2", 2);
		this.listeners.fire(Listener::onThree, "3", 3, 3.0);
		this.listeners.fireWithLong(Listener::onLong, "4", 4, 4L);
		assertThat(this.heard).containsExactly("a:1", "b:1", "a:2,2", "b:2,2", "a:3,3,3.0", "b:3,3,3.0", "a:4,4,4",
				"b:4,4,4");
	}

	@Test
	void aVirtualMachineErrorIsRethrownAtOnce() {
		OutOfMemoryError oom = new OutOfMemoryError("simulated");
		this.listeners.add(new Throwing(oom));
		assertThatExceptionOfType(OutOfMemoryError.class).isThrownBy(() -> this.listeners.fire(Listener::onEvent, "x"))
			.isSameAs(oom);
		assertThatExceptionOfType(OutOfMemoryError.class)
			.isThrownBy(() -> this.listeners.fireWithLong(Listener::onLong, "x", 1, 1L))
			.isSameAs(oom);
		assertThat(this.logger.records).as("a VirtualMachineError is not logged and swallowed").isEmpty();
	}

	@Test
	void aStackOverflowErrorIsRethrownInEveryFormOfFire() {
		StackOverflowError overflow = new StackOverflowError();
		this.listeners.add(new Throwing(overflow));
		assertThatExceptionOfType(StackOverflowError.class)
			.isThrownBy(() -> this.listeners.fire(Listener::onTwo, "x", 1))
			.isSameAs(overflow);
		assertThatExceptionOfType(StackOverflowError.class)
			.isThrownBy(() -> this.listeners.fire(Listener::onThree, "x", 1, 1.0))
			.isSameAs(overflow);
	}

	@Test
	void firstFailureOfARegistrationIsLoggedAtWarningAndLaterOnesAtDebug() {
		IllegalStateException failure = new IllegalStateException("listener bug");
		Throwing throwing = new Throwing(failure);
		this.listeners.add(throwing);
		this.listeners.fire(Listener::onEvent, "1");
		this.listeners.fire(Listener::onEvent, "2");
		this.listeners.fire(Listener::onTwo, "3", 3);
		assertThat(this.logger.records).extracting(LogRecord::level)
			.containsExactly(Level.WARNING, Level.DEBUG, Level.DEBUG);
		assertThat(this.logger.records).extracting(LogRecord::thrown).containsOnly(failure);
		assertThat(this.logger.records.get(0).message()).contains("CircuitBreaker 'payments'")
			.contains(Throwing.class.getName())
			.contains("later failures of this listener are logged at DEBUG");
		assertThat(this.logger.records.get(1).message()).contains("CircuitBreaker 'payments'")
			.doesNotContain("later failures");
	}

	@Test
	void eachRegistrationGetsItsOwnWarning() {
		Throwing first = new Throwing(new IllegalStateException("first"));
		Throwing second = new Throwing(new IllegalStateException("second"));
		this.listeners.add(first);
		this.listeners.add(second);
		this.listeners.fire(Listener::onEvent, "1");
		this.listeners.remove(first);
		this.listeners.add(first);
		this.listeners.fire(Listener::onEvent, "2");
		assertThat(this.logger.records).extracting(LogRecord::level)
			.as("first, second; then second again, and first registered anew")
			.containsExactly(Level.WARNING, Level.WARNING, Level.DEBUG, Level.WARNING);
	}

	@Test
	void nothingIsLoggedAtALevelTheLoggerDoesNotTake() {
		this.logger.minimum = Level.INFO;
		this.listeners.add(new Throwing(new IllegalStateException()));
		this.listeners.fire(Listener::onEvent, "1");
		this.listeners.fire(Listener::onEvent, "2");
		assertThat(this.logger.records).extracting(LogRecord::level).containsExactly(Level.WARNING);
	}

	@Test
	void concurrentAddRemoveAndFireNeverLoseNorDuplicateARegistration() throws Exception {
		int adders = 4;
		int perThread = 5_000;
		ListenerList<Counting> list = new ListenerList<>(this.logger, "Retry 'concurrent'");
		Counting shared = new Counting();
		List<Counting> kept = new CopyOnWriteArrayList<>();
		List<Counting> removed = new CopyOnWriteArrayList<>();
		CyclicBarrier start = new CyclicBarrier(adders + 1);
		AtomicBoolean adding = new AtomicBoolean(true);
		ExecutorService executor = Executors.newFixedThreadPool(adders + 1);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < adders; t++) {
				futures.add(executor.submit(() -> {
					List<Counting> mine = new ArrayList<>();
					for (int i = 0; i < perThread; i++) {
						mine.add(new Counting());
					}
					start.await();
					for (Counting listener : mine) {
						list.add(listener);
						list.add(shared);
					}
					for (int i = 0; i < perThread; i += 2) {
						list.remove(mine.get(i));
						removed.add(mine.get(i));
						kept.add(mine.get(i + 1));
					}
					return null;
				}));
			}
			Future<?> firing = executor.submit(() -> {
				start.await();
				while (adding.get()) {
					list.fire(Counting::onEvent, "during");
				}
				return null;
			});
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
			adding.set(false);
			firing.get(60, TimeUnit.SECONDS);
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(list.size()).isEqualTo(kept.size() + 1).isEqualTo(adders * perThread / 2 + 1);
		kept.forEach(Counting::reset);
		removed.forEach(Counting::reset);
		shared.reset();
		list.fire(Counting::onEvent, "after");
		assertThat(kept).allSatisfy((listener) -> assertThat(listener.calls).hasValue(1));
		assertThat(removed).allSatisfy((listener) -> assertThat(listener.calls).hasValue(0));
		assertThat(shared.calls).as("one listener added by every thread, many times").hasValue(1);
	}

	interface Listener {

		void onEvent(String event);

		default void onTwo(String event, Integer second) {
		}

		default void onThree(String event, Integer second, Double third) {
		}

		default void onLong(String event, Integer second, long value) {
		}

	}

	private class Named implements Listener {

		private final String name;

		Named(String name) {
			this.name = name;
		}

		@Override
		public void onEvent(String event) {
			ListenerListTests.this.heard.add(this.name + ":" + event);
		}

		@Override
		public void onTwo(String event, Integer second) {
			ListenerListTests.this.heard.add(this.name + ":" + event + "," + second);
		}

		@Override
		public void onThree(String event, Integer second, Double third) {
			ListenerListTests.this.heard.add(this.name + ":" + event + "," + second + "," + third);
		}

		@Override
		public void onLong(String event, Integer second, long value) {
			ListenerListTests.this.heard.add(this.name + ":" + event + "," + second + "," + value);
		}

	}

	private final class EqualToEveryOther extends Named {

		EqualToEveryOther(String name) {
			super(name);
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof EqualToEveryOther;
		}

		@Override
		public int hashCode() {
			return 1;
		}

	}

	private static final class Throwing implements Listener {

		private final Throwable failure;

		Throwing(Throwable failure) {
			this.failure = failure;
		}

		@Override
		public void onEvent(String event) {
			throwIt();
		}

		@Override
		public void onTwo(String event, Integer second) {
			throwIt();
		}

		@Override
		public void onThree(String event, Integer second, Double third) {
			throwIt();
		}

		@Override
		public void onLong(String event, Integer second, long value) {
			throwIt();
		}

		private void throwIt() {
			if (this.failure instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw (Error) this.failure;
		}

	}

	private static final class Counting {

		final AtomicInteger calls = new AtomicInteger();

		void onEvent(String event) {
			this.calls.incrementAndGet();
		}

		void reset() {
			this.calls.set(0);
		}

	}

	record LogRecord(Level level, String message, Throwable thrown) {
	}

	/** A {@link System.Logger} that keeps what it is given, from {@link #minimum} up. */
	private static final class RecordingLogger implements Logger {

		final List<LogRecord> records = new CopyOnWriteArrayList<>();

		volatile Level minimum = Level.ALL;

		@Override
		public String getName() {
			return "recording";
		}

		@Override
		public boolean isLoggable(Level level) {
			return level.getSeverity() >= this.minimum.getSeverity();
		}

		@Override
		public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
			if (isLoggable(level)) {
				this.records.add(new LogRecord(level, message, thrown));
			}
		}

		@Override
		public void log(Level level, ResourceBundle bundle, String format, Object... params) {
			if (isLoggable(level)) {
				this.records.add(new LogRecord(level, MessageFormat.format(format, params), null));
			}
		}

	}

}
