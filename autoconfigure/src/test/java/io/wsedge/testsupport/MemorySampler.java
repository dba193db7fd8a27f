package io.wsedge.testsupport;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

import io.netty.util.internal.PlatformDependent;

/**
 * Reads what a JVM holds: its live heap (what the last collection left, not the garbage since) and its direct
 * memory (the JDK's buffer pools or Netty's own counter, whichever is larger).
 */
public final class MemorySampler {

	private MemorySampler() {
	}

	/**
	 * The heap the last collections left in use, summed over the heap's pools.
	 * @return bytes
	 */
	public static long liveHeap() {
		long heap = 0;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
				heap += pool.getCollectionUsage().getUsed();
			}
		}
		return heap;
	}

	/**
	 * The heap in use right after a full collection: what is really held at this moment. Costly (a collection
	 * per call), so for tests that sample a few times.
	 * @return bytes
	 */
	public static long heapAfterGc() {
		System.gc();
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	/**
	 * Direct memory in use.
	 * @return bytes
	 */
	public static long direct() {
		long direct = 0;
		for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
			direct += pool.getMemoryUsed();
		}
		return Math.max(direct, PlatformDependent.usedDirectMemory());
	}

}
