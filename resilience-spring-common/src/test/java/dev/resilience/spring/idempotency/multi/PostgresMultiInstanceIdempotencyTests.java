package dev.resilience.spring.idempotency.multi;

import java.util.List;
import java.util.UUID;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.resilience.spring.testsupport.LocalServices;
import dev.resilience.spring.testsupport.RequiresPostgres;

@RequiresPostgres
class PostgresMultiInstanceIdempotencyTests extends MultiInstanceIdempotencyTests {

	private final String table = "resilience_idem_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

	@Override
	protected List<String> storeProperties() {
		return List.of("resilience.idempotency.store=jdbc", "resilience.idempotency.jdbc.table-name=" + this.table,
				"resilience.idempotency.jdbc.initialize-schema=always",
				"spring.datasource.url=" + LocalServices.POSTGRES_URL,
				"spring.datasource.username=" + LocalServices.POSTGRES_USER,
				"spring.datasource.hikari.maximum-pool-size=16");
	}

	@Override
	protected String keyPrefix() {
		return "resilience:idem";
	}

	@Override
	protected void cleanUp(ConfigurableApplicationContext context) {
		context.getBean(JdbcTemplate.class).execute("DROP TABLE IF EXISTS " + this.table);
	}

}
