package dev.resilience.spring.aop;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.resilience.Pipeline;
import dev.resilience.fallback.FallbackConfig;
import dev.resilience.fallback.FallbackResolutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

class FallbackMethodTests {

	private static Method method(Class<?> type, String name, Class<?>... parameterTypes) {
		try {
			return type.getDeclaredMethod(name, parameterTypes);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	record Reservation(String source) {
	}

	@Nested
	class Overloads {

		static class InventoryClient {

			Reservation reserve(String sku, int quantity) {
				throw new UnsupportedOperationException();
			}

			private Reservation reserveFallback(String sku, int quantity) {
				return new Reservation("untyped " + sku + quantity);
			}

			private Reservation reserveFallback(String sku, int quantity, IOException ex) {
				return new Reservation("io " + ex.getMessage());
			}

			private Reservation reserveFallback(String sku, int quantity, FileNotFoundException ex) {
				return new Reservation("file " + ex.getMessage());
			}

			private Reservation reserveFallback(String sku, int quantity, RuntimeException ex) {
				return new Reservation("runtime " + ex.getMessage());
			}

		}

		private final InventoryClient client = new InventoryClient();

		private final FallbackMethod fallback = FallbackMethod.resolve(InventoryClient.class,
				method(InventoryClient.class, "reserve", String.class, int.class), "reserveFallback");

		@Test
		void closestTrailingExceptionTypeWins() throws Throwable {
			assertThat(invoke(new FileNotFoundException("gone"))).isEqualTo(new Reservation("file gone"));
			assertThat(invoke(new EOFException("short"))).isEqualTo(new Reservation("io short"));
			assertThat(invoke(new IOException("disk"))).isEqualTo(new Reservation("io disk"));
			assertThat(invoke(new IllegalStateException("bad"))).isEqualTo(new Reservation("runtime bad"));
		}

		@Test
		void overloadWithoutTrailingParameterTakesFailuresNoTypedOverloadAccepts() throws Throwable {
			assertThat(invoke(new Exception("checked"))).isEqualTo(new Reservation("untyped sku-12"));
			assertThat(invoke(new AssertionError("error"))).isEqualTo(new Reservation("untyped sku-12"));
			assertThat(this.fallback.handles(Throwable.class)).isTrue();
		}

		@Test
		void choiceForAFailureClassIsStableAcrossCalls() throws Throwable {
			for (int i = 0; i < 3; i++) {
				assertThat(invoke(new EOFException("again"))).isEqualTo(new Reservation("io again"));
				assertThat(invoke(new Exception("x"))).isEqualTo(new Reservation("untyped sku-12"));
			}
		}

		@Test
		void candidatesAreOrderedMostSpecificExceptionFirstThenUntyped() {
			assertThat(this.fallback.getCandidates()).extracting((candidate) -> {
				Class<?>[] types = candidate.getParameterTypes();
				return (types.length == 3) ? types[2].getSimpleName() : "untyped";
			}).containsExactly("FileNotFoundException", "IOException", "RuntimeException", "untyped");
			assertThat(this.fallback.getProtectedMethod().getName()).isEqualTo("reserve");
		}

		@Test
		void theEngineHandsItTheCauseUnderCompletionAndExecutionExceptionsToChooseAndPass() throws Throwable {
			assertThat(callThroughPipeline(new CompletionException(new FileNotFoundException("async"))))
				.isEqualTo(new Reservation("file async"));
			assertThat(callThroughPipeline(new ExecutionException(new CompletionException(new EOFException("nested")))))
				.isEqualTo(new Reservation("io nested"));
			Pipeline pipeline = Pipeline.builder().fallback(this.fallback, FallbackConfig.ofDefaults()).build();
			Object asyncAnswer = pipeline
				.executeAsync(
						invocation((ignored) -> CompletableFuture.failedFuture(new FileNotFoundException("stage"))))
				.toCompletableFuture()
				.join();
			assertThat(asyncAnswer).isEqualTo(new Reservation("file stage"));
		}

		private Object callThroughPipeline(Throwable thrown) throws Throwable {
			Pipeline pipeline = Pipeline.builder().fallback(this.fallback, FallbackConfig.ofDefaults()).build();
			return pipeline.execute(invocation((ignored) -> {
				throw thrown;
			}));
		}

		private dev.resilience.Invocation invocation(dev.resilience.CheckedFunction<Void, Object> body) {
			InventoryClient target = this.client;
			return new dev.resilience.Invocation() {

				@Override
				public Object proceed() throws Throwable {
					return body.apply(null);
				}

				@Override
				public Object[] getArguments() {
					return new Object[] { "sku-", 12 };
				}

				@Override
				public Object getTarget() {
					return target;
				}

			};
		}

		private Object invoke(Throwable failure) throws Throwable {
			return this.fallback.invoke(this.client, new Object[] { "sku-", 12 }, failure);
		}

	}

	@Nested
	class TypedOnly {

		static class Client {

			String load(String id) {
				return id;
			}

			String loadFallback(String id, IOException ex) {
				return "cached " + id;
			}

		}

		private final FallbackMethod fallback = FallbackMethod.resolve(Client.class,
				method(Client.class, "load", String.class), "loadFallback");

		@Test
		void rethrowsTheSameFailureWhenNoOverloadAcceptsIt() {
			IllegalStateException failure = new IllegalStateException("not io");
			Throwable thrown = catchThrowable(() -> this.fallback.invoke(new Client(), new Object[] { "a" }, failure));
			assertThat(thrown).isSameAs(failure);
		}

		@Test
		void aWrappedFailureWhoseCauseNoOverloadAcceptsLeavesThePipelineAsItWasThrown() {
			CompletionException failure = new CompletionException(new IllegalStateException("not io"));
			Pipeline pipeline = Pipeline.builder().fallback(this.fallback, FallbackConfig.ofDefaults()).build();
			Throwable thrown = catchThrowable(() -> pipeline.execute(new dev.resilience.Invocation() {

				@Override
				public Object proceed() {
					throw failure;
				}

				@Override
				public Object[] getArguments() {
					return new Object[] { "a" };
				}

				@Override
				public Object getTarget() {
					return new Client();
				}

			}));
			assertThat(thrown).isSameAs(failure);
		}

		@Test
		void handlesOnlySubtypesOfTheTrailingParameter() {
			assertThat(this.fallback.handles(IOException.class)).isTrue();
			assertThat(this.fallback.handles(EOFException.class)).isTrue();
			assertThat(this.fallback.handles(RuntimeException.class)).isFalse();
			assertThat(this.fallback.handles(Exception.class)).isFalse();
		}

		@Test
		void rejectsAnArgumentArrayOfTheWrongLength() {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> this.fallback.invoke(new Client(), new Object[0], new IOException()))
				.withMessageContaining("takes 1 arguments but got 0");
		}

		@Test
		void asTheEnginesHandlerJudgesTheCauseItIsGivenAndCallsTheInvocationsTarget() throws Throwable {
			assertThat(this.fallback.handles(new EOFException())).isTrue();
			assertThat(this.fallback.handles(new IllegalStateException())).isFalse();
			dev.resilience.Invocation invocation = new dev.resilience.Invocation() {

				@Override
				public Object proceed() {
					throw new UnsupportedOperationException();
				}

				@Override
				public Object[] getArguments() {
					return new Object[] { "b" };
				}

				@Override
				public Object getTarget() {
					return new Client();
				}

			};
			assertThat(this.fallback.handle(invocation, new IOException())).isEqualTo("cached b");
		}

	}

	@Nested
	class Visibility {

		static class Client {

			String a(String value) {
				return value;
			}

			private String privateFallback(String value) {
				return "private " + value;
			}

			protected String protectedFallback(String value) {
				return "protected " + value;
			}

			String packageFallback(String value) {
				return "package " + value;
			}

			public String publicFallback(String value) {
				return "public " + value;
			}

		}

		@ParameterizedTest
		@ValueSource(strings = { "private", "protected", "package", "public" })
		void resolvesAndInvokesAFallbackOfAnyVisibility(String visibility) throws Throwable {
			FallbackMethod fallback = FallbackMethod.resolve(Client.class, method(Client.class, "a", String.class),
					visibility + "Fallback");
			assertThat(fallback.invoke(new Client(), new Object[] { "x" }, new RuntimeException()))
				.isEqualTo(visibility + " x");
		}

	}

	@Nested
	class Static {

		static class Client {

			String a(String value) {
				return value;
			}

			private static String staticFallback(String value, Exception ex) {
				return "static " + value + " " + ex.getMessage();
			}

		}

		@Test
		void invokesAStaticFallbackWithoutATarget() throws Throwable {
			FallbackMethod fallback = FallbackMethod.resolve(Client.class, method(Client.class, "a", String.class),
					"staticFallback");
			assertThat(fallback.invoke(null, new Object[] { "x" }, new Exception("boom"))).isEqualTo("static x boom");
		}

		@Test
		void refusesANullTargetForAnInstanceFallback() {
			FallbackMethod fallback = FallbackMethod.resolve(Visibility.Client.class,
					method(Visibility.Client.class, "a", String.class), "publicFallback");
			assertThat(catchThrowable(() -> fallback.invoke(null, new Object[] { "x" }, new Exception())))
				.isInstanceOf(NullPointerException.class)
				.hasMessageContaining("target of non-static fallback");
		}

	}

	@Nested
	class Inheritance {

		interface Defaults {

			default String fromInterface(String value) {
				return "default " + value;
			}

		}

		static class Base {

			private String fromBase(String value, RuntimeException ex) {
				return "base " + value;
			}

			String shadowed(String value) {
				return "base shadowed";
			}

		}

		static class Client extends Base implements Defaults {

			String call(String value) {
				return value;
			}

			@Override
			String shadowed(String value) {
				return "sub shadowed";
			}

		}

		@Test
		void findsAPrivateFallbackDeclaredInASuperclass() throws Throwable {
			FallbackMethod fallback = resolve("fromBase");
			assertThat(fallback.invoke(new Client(), new Object[] { "x" }, new IllegalStateException()))
				.isEqualTo("base x");
		}

		@Test
		void findsAnInterfaceDefaultMethod() throws Throwable {
			FallbackMethod fallback = resolve("fromInterface");
			assertThat(fallback.invoke(new Client(), new Object[] { "x" }, new IllegalStateException()))
				.isEqualTo("default x");
		}

		@Test
		void aSubclassMethodHidesTheSuperclassMethodItOverrides() throws Throwable {
			FallbackMethod fallback = resolve("shadowed");
			assertThat(fallback.getCandidates()).hasSize(1);
			assertThat(fallback.getCandidates().get(0).getDeclaringClass()).isEqualTo(Client.class);
			assertThat(fallback.invoke(new Client(), new Object[] { "x" }, new IllegalStateException()))
				.isEqualTo("sub shadowed");
		}

		private FallbackMethod resolve(String name) {
			return FallbackMethod.resolve(Client.class, method(Client.class, "call", String.class), name);
		}

	}

	@Nested
	class Generics {

		abstract static class Repository<T> {

			List<T> find(Set<T> ids) {
				return List.of();
			}

		}

		static class NameRepository extends Repository<String> {

			List<String> findFallback(Set<String> ids, Exception ex) {
				return List.of("fallback");
			}

			ArrayList<String> subtypeFallback(Set<String> ids) {
				return new ArrayList<>(List.of("array list"));
			}

			List<Integer> wrongReturnFallback(Set<String> ids) {
				return List.of();
			}

			List<String> wrongParameterFallback(Set<Integer> ids) {
				return List.of();
			}

			@SuppressWarnings("rawtypes")
			List rawFallback(Set ids) {
				return List.of("raw");
			}

		}

		static class AsyncClient {

			CompletionStage<Reservation> reserve(String sku) {
				return CompletableFuture.completedFuture(new Reservation("live"));
			}

			CompletableFuture<Reservation> reserveFallback(String sku, Throwable ex) {
				return CompletableFuture.completedFuture(new Reservation("fallback"));
			}

			CompletionStage<String> wrongFallback(String sku) {
				return CompletableFuture.completedFuture("nope");
			}

			List<? extends Number> numbers(String key) {
				return List.of();
			}

			List<Integer> numbersFallback(String key) {
				return List.of(1);
			}

			List<? extends Number> wideNumbersFallback(String key, Exception ex) {
				return List.of(2L);
			}

			List<Number> exactNumbers(String key) {
				return List.of();
			}

			List<Integer> exactNumbersFallback(String key) {
				return List.of();
			}

		}

		abstract static class Store<K, V> {

			V get(K key) {
				return null;
			}

		}

		static class NameStore extends Store<Long, String> {

			String getFallback(Long key, RuntimeException ex) {
				return "name " + key;
			}

			String objectFallback(Object key) {
				return "";
			}

		}

		interface Lookup<K> {

			String lookup(K key);

		}

		static class LongLookup implements Lookup<Long> {

			@Override
			public String lookup(Long key) {
				return "";
			}

			private String lookupFallback(Long key) {
				return "looked up " + key;
			}

		}

		private final Method find = method(Repository.class, "find", Set.class);

		@Test
		void resolvesBareTypeVariablesOfParametersAndReturnType() throws Throwable {
			Method get = method(Store.class, "get", Object.class);
			FallbackMethod fallback = FallbackMethod.resolve(NameStore.class, get, "getFallback");
			assertThat(fallback.invoke(new NameStore(), new Object[] { 7L }, new IllegalStateException()))
				.isEqualTo("name 7");
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(() -> FallbackMethod.resolve(NameStore.class, get, "objectFallback"))
				.withMessage("@Fallback(method = \"objectFallback\") on NameStore.get(Long): "
						+ "no method objectFallback(Long[, Throwable]) returning String in NameStore; "
						+ "found objectFallback(Object) returning String, whose parameter 1 is Object where Long is needed");
		}

		@Test
		void resolvesTypeVariablesOfAGenericInterface() throws Throwable {
			Method lookup = method(Lookup.class, "lookup", Object.class);
			FallbackMethod fallback = FallbackMethod.resolve(LongLookup.class, lookup, "lookupFallback");
			assertThat(fallback.invoke(new LongLookup(), new Object[] { 3L }, new Exception()))
				.isEqualTo("looked up 3");
		}

		@Test
		void resolvesTypeVariablesOfTheProtectedMethodAgainstTheTargetClass() throws Throwable {
			FallbackMethod fallback = FallbackMethod.resolve(NameRepository.class, this.find, "findFallback");
			assertThat(fallback.invoke(new NameRepository(), new Object[] { Set.of("a") }, new Exception()))
				.isEqualTo(List.of("fallback"));
		}

		@Test
		void acceptsAReturnTypeThatIsASubtypeWithTheSameTypeArguments() {
			assertThat(FallbackMethod.resolve(NameRepository.class, this.find, "subtypeFallback").getCandidates())
				.hasSize(1);
		}

		@Test
		void acceptsRawTypesAsTheCompilerWouldWithAnUncheckedWarning() {
			assertThat(FallbackMethod.resolve(NameRepository.class, this.find, "rawFallback").getCandidates())
				.hasSize(1);
		}

		@Test
		void refusesAReturnTypeWithOtherTypeArguments() {
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(() -> FallbackMethod.resolve(NameRepository.class, this.find, "wrongReturnFallback"))
				.withMessage("@Fallback(method = \"wrongReturnFallback\") on NameRepository.find(Set<String>): "
						+ "no method wrongReturnFallback(Set<String>[, Throwable]) returning List<String> in NameRepository; "
						+ "found wrongReturnFallback(Set<String>) returning List<Integer>, which is not assignable to List<String>");
		}

		@Test
		void refusesAParameterWithOtherTypeArguments() {
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(() -> FallbackMethod.resolve(NameRepository.class, this.find, "wrongParameterFallback"))
				.withMessage("@Fallback(method = \"wrongParameterFallback\") on NameRepository.find(Set<String>): "
						+ "no method wrongParameterFallback(Set<String>[, Throwable]) returning List<String> in NameRepository; "
						+ "found wrongParameterFallback(Set<Integer>) returning List<String>, whose parameter 1 is Set<Integer> where Set<String> is needed");
		}

		@Test
		void acceptsACompletableFutureFallbackForACompletionStageMethod() throws Throwable {
			FallbackMethod fallback = FallbackMethod.resolve(AsyncClient.class,
					method(AsyncClient.class, "reserve", String.class), "reserveFallback");
			Object result = fallback.invoke(new AsyncClient(), new Object[] { "a" }, new IOException());
			assertThat(result).isInstanceOf(CompletableFuture.class);
			assertThat(((CompletableFuture<?>) result).join()).isEqualTo(new Reservation("fallback"));
		}

		@Test
		void refusesACompletionStageOfAnotherType() {
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(() -> FallbackMethod.resolve(AsyncClient.class,
						method(AsyncClient.class, "reserve", String.class), "wrongFallback"))
				.withMessageEndingWith("found wrongFallback(String) returning CompletionStage<String>, "
						+ "which is not assignable to CompletionStage<Reservation>");
		}

		@Test
		void matchesWildcardReturnTypesByTheirBounds() {
			Method numbers = method(AsyncClient.class, "numbers", String.class);
			assertThat(FallbackMethod.resolve(AsyncClient.class, numbers, "numbersFallback").getCandidates())
				.hasSize(1);
			assertThat(FallbackMethod.resolve(AsyncClient.class, numbers, "wideNumbersFallback").getCandidates())
				.hasSize(1);
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(() -> FallbackMethod.resolve(AsyncClient.class,
						method(AsyncClient.class, "exactNumbers", String.class), "exactNumbersFallback"))
				.withMessageEndingWith("returning List<Integer>, which is not assignable to List<Number>");
		}

	}

	@Nested
	class GenericMethodsAndWildcards {

		abstract static class Loader<T> {

			T load(String id) {
				return null;
			}

		}

		static class ListLoader extends Loader<List<String>> {

			List<String> loadFallback(String id) {
				return List.of("fallback");
			}

			List<Integer> wrongFallback(String id) {
				return List.of();
			}

			@SuppressWarnings("rawtypes")
			ArrayList rawFallback(String id, Exception ex) {
				return new ArrayList();
			}

		}

		abstract static class MiddleLoader<X> extends Loader<X> {

		}

		static class ChainedLoader extends MiddleLoader<String> {

			Integer integerFallback(String id) {
				return 0;
			}

		}

		interface Defaults<T> {

			default T fromDefault(Long key) {
				return null;
			}

		}

		static class Client implements Defaults<String> {

			<T> T convert(T value) {
				return value;
			}

			<U> U convertFallback(U value, Exception ex) {
				return value;
			}

			Object objectFallback(Object value) {
				return "object";
			}

			<T extends Comparable<T>> T max(T value) {
				return value;
			}

			<T extends Comparable<T>> T maxFallback(T value) {
				return value;
			}

			String get(Long key) {
				return "";
			}

			int count(List<? extends Number> values) {
				return 0;
			}

			int countFallback(List<? extends Number> values) {
				return -1;
			}

			int superFallback(List<? super Integer> values) {
				return -1;
			}

			List<Number> numbers() {
				return List.of();
			}

			List<? extends Number> wildcardFallback() {
				return List.of();
			}

		}

		@Test
		void resolvesATypeVariableBoundToAParameterizedType() throws Throwable {
			Method load = method(Loader.class, "load", String.class);
			FallbackMethod fallback = FallbackMethod.resolve(ListLoader.class, load, "loadFallback");
			assertThat(fallback.invoke(new ListLoader(), new Object[] { "a" }, new Exception()))
				.isEqualTo(List.of("fallback"));
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(() -> FallbackMethod.resolve(ListLoader.class, load, "wrongFallback"))
				.withMessage("@Fallback(method = \"wrongFallback\") on ListLoader.load(String): "
						+ "no method wrongFallback(String[, Throwable]) returning List<String> in ListLoader; "
						+ "found wrongFallback(String) returning List<Integer>, which is not assignable to List<String>");
		}

		@Test
		void followsATypeVariableBoundToAnotherClasssVariable() {
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(() -> FallbackMethod.resolve(ChainedLoader.class,
						method(Loader.class, "load", String.class), "integerFallback"))
				.withMessage("@Fallback(method = \"integerFallback\") on ChainedLoader.load(String): "
						+ "no method integerFallback(String[, Throwable]) returning String in ChainedLoader; "
						+ "found integerFallback(String) returning Integer, which is not assignable to String");
		}

		@Test
		void acceptsARawSubtypeAsAReturnType() {
			Method load = method(Loader.class, "load", String.class);
			assertThat(FallbackMethod.resolve(ListLoader.class, load, "rawFallback").getCandidates()).hasSize(1);
		}

		@Test
		void resolvesTheReturnTypeOfADefaultMethodAgainstTheTargetClass() {
			assertThat(FallbackMethod.resolve(Client.class, method(Client.class, "get", Long.class), "fromDefault")
				.getCandidates()).hasSize(1);
		}

		@Test
		void comparesTypeVariablesOfGenericMethodsByErasure() throws Throwable {
			Method convert = method(Client.class, "convert", Object.class);
			FallbackMethod fallback = FallbackMethod.resolve(Client.class, convert, "convertFallback");
			assertThat(fallback.invoke(new Client(), new Object[] { "x" }, new Exception())).isEqualTo("x");
			assertThat(FallbackMethod.resolve(Client.class, convert, "objectFallback").getCandidates()).hasSize(1);
		}

		@Test
		void resolvesASelfReferentialTypeVariableWithoutLoopingOnItsBound() {
			Method max = method(Client.class, "max", Comparable.class);
			assertThat(FallbackMethod.resolve(Client.class, max, "maxFallback").getCandidates()).hasSize(1);
		}

		@Test
		void comparesWildcardParametersByTheirBoundsAndWritesThemAsInSource() {
			Method count = method(Client.class, "count", List.class);
			assertThat(FallbackMethod.resolve(Client.class, count, "countFallback").getCandidates()).hasSize(1);
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(() -> FallbackMethod.resolve(Client.class, count, "superFallback"))
				.withMessageEndingWith("found superFallback(List<? super Integer>) returning int, "
						+ "whose parameter 1 is List<? super Integer> where List<? extends Number> is needed");
		}

		@Test
		void refusesAWildcardReturnTypeWhereAnExactTypeArgumentIsDeclared() {
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(
						() -> FallbackMethod.resolve(Client.class, method(Client.class, "numbers"), "wildcardFallback"))
				.withMessageEndingWith("found wildcardFallback() returning List<? extends Number>, "
						+ "which is not assignable to List<Number>");
		}

	}

	@Nested
	class Varargs {

		static class Client {

			String join(String... parts) {
				return String.join(",", parts);
			}

			String joinFallback(String[] parts, Throwable ex) {
				return "fallback of " + parts.length;
			}

			String varargsFallback(String... parts) {
				return "varargs of " + parts.length;
			}

			String wrongFallback(Object... parts) {
				return "";
			}

		}

		private final Method join = method(Client.class, "join", String[].class);

		@Test
		void matchesAFallbackTakingTheSameArrayType() throws Throwable {
			FallbackMethod fallback = FallbackMethod.resolve(Client.class, this.join, "joinFallback");
			Object[] arguments = { new String[] { "a", "b", "c" } };
			assertThat(fallback.invoke(new Client(), arguments, new RuntimeException())).isEqualTo("fallback of 3");
		}

		@Test
		void matchesAVarargsFallback() throws Throwable {
			FallbackMethod fallback = FallbackMethod.resolve(Client.class, this.join, "varargsFallback");
			Object[] arguments = { new String[] { "a" } };
			assertThat(fallback.invoke(new Client(), arguments, new RuntimeException())).isEqualTo("varargs of 1");
		}

		@Test
		void refusesAnotherArrayType() {
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(() -> FallbackMethod.resolve(Client.class, this.join, "wrongFallback"))
				.withMessage("@Fallback(method = \"wrongFallback\") on Client.join(String[]): "
						+ "no method wrongFallback(String[][, Throwable]) returning String in Client; "
						+ "found wrongFallback(Object[]) returning String, whose parameter 1 is Object[] where String[] is needed");
		}

	}

	@Nested
	class Mismatches {

		static class InventoryClient {

			Reservation reserve(String sku, int quantity) {
				return null;
			}

			String stringFallback(String sku, int quantity) {
				return "";
			}

			Reservation longFallback(String sku, long quantity) {
				return null;
			}

			Reservation shortFallback(String sku) {
				return null;
			}

			Reservation trailingFallback(String sku, int quantity, String reason) {
				return null;
			}

			Reservation mixedFallback(String sku, int quantity) {
				return null;
			}

			String mixedFallback(String sku, int quantity, IOException ex) {
				return null;
			}

			Reservation partlyFallback(String sku, int quantity) {
				return null;
			}

			Reservation partlyFallback(String sku) {
				return null;
			}

			int count() {
				return 0;
			}

			Integer countFallback() {
				return 0;
			}

			void fire(String event) {
			}

			String fireFallback(String event) {
				return "";
			}

			void fireVoidFallback(String event, Throwable ex) {
			}

		}

		private final Method reserve = method(InventoryClient.class, "reserve", String.class, int.class);

		@Test
		void namesWhatWasLookedForWhenNoMethodHasTheName() {
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(() -> FallbackMethod.resolve(InventoryClient.class, this.reserve, "reserveFallback"))
				.withMessage("@Fallback(method = \"reserveFallback\") on InventoryClient.reserve(String, int): "
						+ "no method reserveFallback(String, int[, Throwable]) returning Reservation in InventoryClient")
				.satisfies((ex) -> {
					assertThat(ex.getTargetClass()).isEqualTo(InventoryClient.class);
					assertThat(ex.getProtectedMethod()).isEqualTo(this.reserve);
					assertThat(ex.getFallbackName()).isEqualTo("reserveFallback");
				});
		}

		@Test
		void isAnIllegalStateException() {
			assertThat(catchThrowable(() -> FallbackMethod.resolve(InventoryClient.class, this.reserve, "missing")))
				.isInstanceOf(IllegalStateException.class);
		}

		@Test
		void explainsAnIncompatibleReturnType() {
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(() -> FallbackMethod.resolve(InventoryClient.class, this.reserve, "stringFallback"))
				.withMessage("@Fallback(method = \"stringFallback\") on InventoryClient.reserve(String, int): "
						+ "no method stringFallback(String, int[, Throwable]) returning Reservation in InventoryClient; "
						+ "found stringFallback(String, int) returning String, which is not assignable to Reservation");
		}

		@Test
		void explainsAWrongParameterType() {
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(() -> FallbackMethod.resolve(InventoryClient.class, this.reserve, "longFallback"))
				.withMessageEndingWith("; found longFallback(String, long) returning Reservation, "
						+ "whose parameter 2 is long where int is needed");
		}

		@Test
		void explainsAWrongNumberOfParameters() {
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(() -> FallbackMethod.resolve(InventoryClient.class, this.reserve, "shortFallback"))
				.withMessageEndingWith("; found shortFallback(String) returning Reservation, "
						+ "which takes 1 parameter where 2 (or 3 with a trailing Throwable) are needed");
		}

		@Test
		void explainsATrailingParameterThatIsNotAThrowable() {
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(() -> FallbackMethod.resolve(InventoryClient.class, this.reserve, "trailingFallback"))
				.withMessageEndingWith("; found trailingFallback(String, int, String) returning Reservation, "
						+ "whose trailing parameter String is not a Throwable");
		}

		@Test
		void refusesAnOverloadWithAnIncompatibleReturnTypeEvenWhenAnotherOverloadFits() {
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(() -> FallbackMethod.resolve(InventoryClient.class, this.reserve, "mixedFallback"))
				.withMessage("@Fallback(method = \"mixedFallback\") on InventoryClient.reserve(String, int): "
						+ "found mixedFallback(String, int, IOException) returning String, which is not assignable to Reservation");
		}

		@Test
		void ignoresOverloadsWithOtherParametersWhenOneFits() {
			FallbackMethod fallback = FallbackMethod.resolve(InventoryClient.class, this.reserve, "partlyFallback");
			assertThat(fallback.getCandidates()).singleElement()
				.satisfies((candidate) -> assertThat(candidate.getParameterCount()).isEqualTo(2));
		}

		@Test
		void refusesTheProtectedMethodAsItsOwnFallback() {
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(() -> FallbackMethod.resolve(InventoryClient.class, this.reserve, "reserve"))
				.withMessageEndingWith(
						"; found reserve(String, int) returning Reservation, which is the protected method itself");
		}

		@Test
		void matchesAPrimitiveReturnTypeOnlyWithTheSamePrimitive() {
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(() -> FallbackMethod.resolve(InventoryClient.class, method(InventoryClient.class, "count"),
						"countFallback"))
				.withMessage("@Fallback(method = \"countFallback\") on InventoryClient.count(): "
						+ "no method countFallback([Throwable]) returning int in InventoryClient; "
						+ "found countFallback() returning Integer, which is not assignable to int");
		}

		@Test
		void matchesVoidOnlyWithVoid() throws Throwable {
			Method fire = method(InventoryClient.class, "fire", String.class);
			assertThatExceptionOfType(FallbackResolutionException.class)
				.isThrownBy(() -> FallbackMethod.resolve(InventoryClient.class, fire, "fireFallback"))
				.withMessageEndingWith("found fireFallback(String) returning String, which is not assignable to void");
			FallbackMethod fallback = FallbackMethod.resolve(InventoryClient.class, fire, "fireVoidFallback");
			assertThat(fallback.invoke(new InventoryClient(), new Object[] { "e" }, new RuntimeException())).isNull();
		}

		@Test
		void refusesAProtectedMethodOfAnotherClass() {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> FallbackMethod.resolve(String.class, this.reserve, "reserveFallback"))
				.withMessageContaining("is not a method of targetClass java.lang.String");
		}

	}

	@Nested
	class Invocation {

		static class Client {

			String call(String value) {
				return value;
			}

			String throwingFallback(String value) throws IOException {
				throw new IOException("fallback failed for " + value);
			}

			String errorFallback(String value, Exception ex) {
				throw new IllegalStateException("fallback saw " + ex.getMessage());
			}

		}

		private final Method call = method(Client.class, "call", String.class);

		@Test
		void propagatesACheckedExceptionOfTheFallbackUnwrapped() {
			FallbackMethod fallback = FallbackMethod.resolve(Client.class, this.call, "throwingFallback");
			assertThat(
					catchThrowable(() -> fallback.invoke(new Client(), new Object[] { "v" }, new RuntimeException())))
				.isExactlyInstanceOf(IOException.class)
				.hasMessage("fallback failed for v");
		}

		@Test
		void propagatesARuntimeExceptionOfTheFallbackUnwrapped() {
			FallbackMethod fallback = FallbackMethod.resolve(Client.class, this.call, "errorFallback");
			assertThat(catchThrowable(
					() -> fallback.invoke(new Client(), new Object[] { "v" }, new Exception("original"))))
				.isExactlyInstanceOf(IllegalStateException.class)
				.hasMessage("fallback saw original");
		}

	}

}
