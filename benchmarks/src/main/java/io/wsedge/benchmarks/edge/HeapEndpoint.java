package io.wsedge.benchmarks.edge;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.wsedge.engine.EdgeEngine;

/**
 * Tells the runner the edge's live heap: a full GC (twice, so that what the first one finalized goes too),
 * then the heap in use, with the sessions open at that moment.
 */
@RestController
class HeapEndpoint {

	private final EdgeEngine engine;

	HeapEndpoint(EdgeEngine engine) {
		this.engine = engine;
	}

	@GetMapping("/bench/heap")
	String heap() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		System.gc();
		System.gc();
		return "heap=" + memory.getHeapMemoryUsage().getUsed() + " sessions=" + this.engine.sessions().size();
	}

}
