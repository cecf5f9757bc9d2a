package dev.resilience.spring.observation;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Gives a description to the counters Micrometer's meter observation handler makes of
 * this starter's observation events ({@code <observation>.resilience.<event>}, such as
 * {@code http.server.requests.resilience.retry}), which it registers without one: a
 * Prometheus scrape would show them with an empty {@code # HELP} line, which
 * {@code promtool check metrics} refuses. Other meters, and these when they already have
 * a description, pass unchanged.
 */
public class ResilienceEventCounterDescriptions implements MeterFilter {

	private static final String MARK = ".resilience.";

	@Override
	public Meter.Id map(Meter.Id id) {
		if (id.getDescription() != null || id.getType() != Meter.Type.COUNTER) {
			return id;
		}
		int mark = id.getName().indexOf(MARK);
		if (mark <= 0) {
			return id;
		}
		String event = id.getName().substring(mark + 1);
		String observation = id.getName().substring(0, mark);
		return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(),
				"Events " + event + " of the resilience starter on " + observation + " observations", id.getType());
	}

}
