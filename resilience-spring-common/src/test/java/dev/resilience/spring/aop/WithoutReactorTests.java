package dev.resilience.spring.aop;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Reactor is optional: the interceptor's classes load, link and classify return types in
 * a class loader that hides reactor-core and Reactive Streams, and only the Reactor
 * operators themselves need it.
 */
class WithoutReactorTests {

	@Test
	void pipelineClassesLoadAndClassifyWithoutReactor() throws Exception {
		ClassLoader hidingReactor = new HidingReactor(getClass().getClassLoader());
		for (String name : new String[] { MethodPipelineFactory.class.getName(), MethodPipeline.class.getName(),
				ResilienceMethodInterceptor.class.getName(), FallbackResolution.class.getName() }) {
			assertThat(Class.forName(name, true, hidingReactor).getClassLoader()).isSameAs(hidingReactor);
		}
		Class<?> returnTypes = Class.forName(ReturnTypes.class.getName(), true, hidingReactor);
		Method classify = returnTypes.getDeclaredMethod("classify", Method.class, Class.class, String.class,
				String.class);
		classify.setAccessible(true);
		Method plain = Sample.class.getDeclaredMethod("plain");
		Method stage = Sample.class.getDeclaredMethod("stage");
		assertThat(classify.invoke(null, plain, String.class, "@Retry", "Sample.plain()")).hasToString("VALUE");
		assertThat(
				classify.invoke(null, stage, java.util.concurrent.CompletableFuture.class, "@Retry", "Sample.stage()"))
			.hasToString("COMPLETION_STAGE");
		assertThatExceptionOfType(ClassNotFoundException.class)
			.isThrownBy(() -> Class.forName("reactor.core.publisher.Mono", false, hidingReactor));
		// The Reactor operators are the one place that needs Reactor.
		assertThatExceptionOfType(LinkageError.class)
			.isThrownBy(() -> Class.forName("dev.resilience.spring.reactive.ReactivePipeline", true, hidingReactor)
				.getDeclaredMethods());
	}

	static class Sample {

		String plain() {
			return "x";
		}

		java.util.concurrent.CompletableFuture<String> stage() {
			return null;
		}

	}

	/**
	 * Defines the starter's Spring classes itself, so that they link against this view,
	 * and hides Reactor and Reactive Streams; everything else comes from the parent.
	 */
	private static final class HidingReactor extends ClassLoader {

		HidingReactor(ClassLoader parent) {
			super(parent);
		}

		@Override
		protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
			if (name.startsWith("reactor.") || name.startsWith("org.reactivestreams.")) {
				throw new ClassNotFoundException(name);
			}
			if (!name.startsWith("dev.resilience.spring.") || name.equals(WithoutReactorTests.Sample.class.getName())) {
				return super.loadClass(name, resolve);
			}
			synchronized (getClassLoadingLock(name)) {
				Class<?> loaded = findLoadedClass(name);
				if (loaded != null) {
					return loaded;
				}
				try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
					if (in == null) {
						throw new ClassNotFoundException(name);
					}
					byte[] bytes = in.readAllBytes();
					return defineClass(name, bytes, 0, bytes.length);
				}
				catch (IOException ex) {
					throw new ClassNotFoundException(name, ex);
				}
			}
		}

	}

}
