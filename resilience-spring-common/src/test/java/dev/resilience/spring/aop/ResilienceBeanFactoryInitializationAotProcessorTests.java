package dev.resilience.spring.aop;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.http.ResponseEntity;
import org.springframework.javapoet.ClassName;
import org.springframework.util.ReflectionUtils;

import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Idempotent;
import dev.resilience.annotation.RateLimiter;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.spring.idempotency.ReplayableResults;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hints the ahead-of-time processor contributes for annotated beans, checked with
 * Spring's {@link RuntimeHintsPredicates}: each one the runtime needs is there, and none
 * for a method the runtime never calls reflectively.
 */
// onMethod(...): Spring Framework 7 deprecates it for onMethodInvocation(...), which 6.2
// lacks
@SuppressWarnings("deprecation")
class ResilienceBeanFactoryInitializationAotProcessorTests {

	private final RuntimeHints hints = process(ShippingService.class, BookCatalog.class, PricingService.class,
			PaymentLedger.class, TypeLevelService.class, PlainService.class);

	@Test
	void everyFallbackOverloadTheRuntimeResolvesIsInvocable() {
		assertThat(invocation(ShippingService.class, "quoteFallback", String.class, int.class,
				IllegalStateException.class))
			.accepts(this.hints);
		assertThat(invocation(ShippingService.class, "quoteFallback", String.class, int.class)).accepts(this.hints);
	}

	@Test
	void aMethodOfTheFallbacksNameThatDoesNotMatchGetsNoHint() {
		// one parameter where the protected method takes two: the runtime never calls it
		assertThat(invocation(ShippingService.class, "quoteFallback", String.class)).rejects(this.hints);
	}

	@Test
	void unrelatedMethodsGetNoHint() {
		assertThat(invocation(ShippingService.class, "describe", String.class)).rejects(this.hints);
		assertThat(invocation(BookCatalog.class, "size")).rejects(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(PlainService.class)).rejects(this.hints);
		assertThat(invocation(PlainService.class, "recover", String.class)).rejects(this.hints);
	}

	@Test
	void fallbackOfAnInheritedAnnotatedMethodIsInvocable() {
		// @Fallback on the generic base's method; the fallback is the subclass's, for the
		// bound type
		assertThat(invocation(BookCatalog.class, "cachedBook", String.class)).accepts(this.hints);
		// a typed overload declared by the base class itself
		assertThat(invocation(CatalogBase.class, "cachedBook", String.class, Throwable.class)).accepts(this.hints);
	}

	@Test
	void fallbackDeclaredByAnInterfaceIsInvocable() {
		assertThat(invocation(Pricing.class, "listPrice", String.class)).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(PricingService.class)).accepts(this.hints);
	}

	@Test
	void typeLevelAnnotationsMakeTheBeanClassReflectable() {
		assertThat(RuntimeHintsPredicates.reflection().onType(TypeLevelService.class)).accepts(this.hints);
		assertThat(invocation(TypeLevelService.class, "ping")).rejects(this.hints);
	}

	@Test
	void genericIdempotentResultTypeIsBoundInsideItsCompletionStage() {
		// CompletableFuture<List<E>> with E = Receipt in PaymentLedger
		assertThat(RuntimeHintsPredicates.reflection().onType(Receipt.class)).accepts(this.hints);
		assertThat(invocation(Receipt.class, "amount")).accepts(this.hints);
		assertThat(invocation(Receipt.class, "id")).accepts(this.hints);
		// Jackson writes what the stage completes with, never the stage itself
		assertThat(RuntimeHintsPredicates.reflection().onType(CompletableFuture.class)).rejects(this.hints);
	}

	@Test
	void idempotentParameterTypesAreBoundForTheKeyAndTheFingerprint() {
		assertThat(invocation(Charge.class, "requestId")).accepts(this.hints);
	}

	@Test
	void responseEntityIsUnwrappedToItsBody() {
		assertThat(invocation(Refund.class, "reference")).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(ResponseEntity.class)).rejects(this.hints);
		// both lines' codecs read a ResponseEntity back through this record
		assertThat(RuntimeHintsPredicates.reflection().onType(ReplayableResults.StoredResponse.class))
			.accepts(this.hints);
	}

	@Test
	void annotationAttributesCanBeReadBack() {
		assertThat(invocation(Fallback.class, "method")).accepts(this.hints);
		assertThat(invocation(Idempotent.class, "key")).accepts(this.hints);
		assertThat(invocation(CircuitBreaker.class, "name")).accepts(this.hints);
	}

	@Test
	void beansWithOnlyATimeoutOrARateLimiterAreProcessedAndTheirAttributesReadable() {
		RuntimeHints hints = process(TimeLimitedService.class, RateLimitedService.class);
		assertThat(RuntimeHintsPredicates.reflection().onType(TimeLimitedService.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(RateLimitedService.class)).accepts(hints);
		assertThat(invocation(Timeout.class, "name")).accepts(hints);
		assertThat(invocation(RateLimiter.class, "name")).accepts(hints);
	}

	@Test
	void fallbackThatDoesNotResolveGetsNoHintAndDoesNotFailTheBuild() {
		RuntimeHints hints = process(BrokenFallbackService.class);
		assertThat(invocation(BrokenFallbackService.class, "recover", int.class)).rejects(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(BrokenFallbackService.class)).accepts(hints);
	}

	@Test
	void contributesNothingWithoutAnnotatedBeans() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerBeanDefinition("plain", new RootBeanDefinition(PlainService.class));
		assertThat(new ResilienceBeanFactoryInitializationAotProcessor().processAheadOfTime(beanFactory)).isNull();
	}

	@Test
	void isRegisteredInAotFactories() {
		List<BeanFactoryInitializationAotProcessor> processors = SpringFactoriesLoader
			.forResourceLocation("META-INF/spring/aot.factories")
			.load(BeanFactoryInitializationAotProcessor.class);
		assertThat(processors).hasAtLeastOneElementOfType(ResilienceBeanFactoryInitializationAotProcessor.class);
	}

	private static RuntimeHints process(Class<?>... beanClasses) {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		for (Class<?> beanClass : beanClasses) {
			beanFactory.registerBeanDefinition(beanClass.getSimpleName(), new RootBeanDefinition(beanClass));
		}
		BeanFactoryInitializationAotContribution contribution = new ResilienceBeanFactoryInitializationAotProcessor()
			.processAheadOfTime(beanFactory);
		assertThat(contribution).isNotNull();
		GenerationContext generationContext = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get("com.example", "Aot")), new InMemoryGeneratedFiles());
		contribution.applyTo(generationContext, null);
		return generationContext.getRuntimeHints();
	}

	private static Predicate<RuntimeHints> invocation(Class<?> type, String name, Class<?>... parameterTypes) {
		Method method = ReflectionUtils.findMethod(type, name, parameterTypes);
		assertThat(method).as(type.getSimpleName() + "." + name).isNotNull();
		return RuntimeHintsPredicates.reflection().onMethod(method).invoke();
	}

	public record Quote(String sku, int quantity, boolean estimated) {
	}

	public static class ShippingService {

		@CircuitBreaker(name = "shipping")
		@Fallback(method = "quoteFallback")
		public Quote quote(String sku, int quantity) {
			return new Quote(sku, quantity, false);
		}

		Quote quoteFallback(String sku, int quantity, IllegalStateException ex) {
			return new Quote(sku, quantity, true);
		}

		private static Quote quoteFallback(String sku, int quantity) {
			return new Quote(sku, 0, true);
		}

		public Quote quoteFallback(String sku) {
			return new Quote(sku, 1, true);
		}

		public String describe(String sku) {
			return "shipping " + sku;
		}

	}

	public record Book(String isbn) {
	}

	public abstract static class CatalogBase<R> {

		@Retry(name = "catalog")
		@Fallback(method = "cachedBook")
		public R lookup(String id) {
			throw new IllegalStateException("down");
		}

		protected R cachedBook(String id, Throwable failure) {
			return null;
		}

		public int size() {
			return 0;
		}

	}

	public static class BookCatalog extends CatalogBase<Book> {

		Book cachedBook(String id) {
			return new Book(id);
		}

	}

	public record Price(String sku, long cents) {
	}

	public interface Pricing {

		@Retry(name = "pricing")
		@Fallback(method = "listPrice")
		Price price(String sku);

		default Price listPrice(String sku) {
			return new Price(sku, 100);
		}

	}

	public static class PricingService implements Pricing {

		@Override
		public Price price(String sku) {
			return new Price(sku, 90);
		}

	}

	public record Charge(String requestId, long amount) {
	}

	public record Receipt(String id, long amount) {
	}

	public record Refund(String reference) {
	}

	public abstract static class Ledger<E> {

		@Idempotent(key = "#command.requestId")
		public CompletableFuture<List<E>> record(Charge command) {
			return CompletableFuture.completedFuture(List.of());
		}

	}

	public static class PaymentLedger extends Ledger<Receipt> {

		@Idempotent(key = "#reference")
		public ResponseEntity<Refund> refund(String reference) {
			return ResponseEntity.ok(new Refund(reference));
		}

	}

	@CircuitBreaker(name = "type-level")
	public static class TypeLevelService {

		public String ping() {
			return "pong";
		}

	}

	public static class BrokenFallbackService {

		@Fallback(method = "recover")
		public String call(String input) {
			return input;
		}

		String recover(int wrong) {
			return "";
		}

	}

	public static class PlainService {

		public String recover(String input) {
			return input;
		}

	}

	public static class TimeLimitedService {

		@Timeout(name = "inventory")
		public String stock() {
			return "5";
		}

	}

	@RateLimiter(name = "orders")
	public static class RateLimitedService {

		public String place() {
			return "placed";
		}

	}

}
