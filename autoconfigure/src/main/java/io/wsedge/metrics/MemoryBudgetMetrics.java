package io.wsedge.metrics;

import java.util.function.Supplier;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.wsedge.engine.EdgeEngine;
import io.wsedge.engine.MemoryBudget;

/**
 * The edge-wide memory budget ({@code wsedge.limits.max-total-buffered-bytes}) as meters: what the sessions hold,
 * the budget, whether the edge is over it, and how many sessions were closed to get back under it.
 */
public final class MemoryBudgetMetrics implements MeterBinder {

	/** Gauge of the bytes held for all sessions at the last check. */
	public static final String HELD = "wsedge.memory.held";

	/** Gauge of the budget in bytes. */
	public static final String BUDGET = "wsedge.memory.budget";

	/** Gauge: 1 while the edge is over its budget and refuses upgrades, else 0. */
	public static final String OVER = "wsedge.memory.over";

	/** Counter of sessions closed to bring the edge back under its budget. */
	public static final String SHED = "wsedge.memory.shed";

	private final Supplier<EdgeEngine> engine;

	/**
	 * Creates the binder.
	 * @param engine the engine, looked up when the meters are read (it is created after the meters)
	 */
	public MemoryBudgetMetrics(Supplier<EdgeEngine> engine) {
		this.engine = engine;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(HELD, this, (metrics) -> metrics.read(MemoryBudget::held))
			.description("Bytes the edge holds for its sessions, heap and direct")
			.baseUnit("bytes")
			.register(registry);
		Gauge.builder(BUDGET, this, (metrics) -> metrics.read(MemoryBudget::budget))
			.description("The edge's memory budget (wsedge.limits.max-total-buffered-bytes)")
			.baseUnit("bytes")
			.register(registry);
		Gauge.builder(OVER, this, (metrics) -> metrics.read((memory) -> memory.isOver() ? 1 : 0))
			.description("Whether the edge is over its memory budget and refuses upgrades")
			.register(registry);
		FunctionCounter.builder(SHED, this, (metrics) -> metrics.read(MemoryBudget::shedSessions))
			.description("Sessions closed to bring the edge back under its memory budget")
			.register(registry);
	}

	private double read(java.util.function.ToDoubleFunction<MemoryBudget> value) {
		EdgeEngine engine = this.engine.get();
		MemoryBudget memory = (engine != null) ? engine.memory() : null;
		return (memory != null) ? value.applyAsDouble(memory) : Double.NaN;
	}

}
