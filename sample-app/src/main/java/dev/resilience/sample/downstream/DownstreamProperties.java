package dev.resilience.sample.downstream;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the downstream inventory service is and how long the client waits for it.
 *
 * @param baseUrl base URL of the downstream API; when absent, the simulator this
 * application serves under {@code /simulator} on its own port
 * @param connectTimeout how long to wait for a connection
 * @param readTimeout how long to wait for a response once connected
 */
@ConfigurationProperties("sample.downstream")
public record DownstreamProperties(URI baseUrl, @DefaultValue("500ms") Duration connectTimeout,
		@DefaultValue("2s") Duration readTimeout) {
}
