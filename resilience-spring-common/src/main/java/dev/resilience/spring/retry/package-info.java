/**
 * Spring's side of the retry: reading a server's {@code Retry-After} from the HTTP client
 * exceptions of Spring's {@code RestClient}, {@code RestTemplate} and {@code WebClient}
 * for {@code respect-retry-after}.
 */
package dev.resilience.spring.retry;
