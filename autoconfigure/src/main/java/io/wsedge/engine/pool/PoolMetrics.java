package io.wsedge.engine.pool;

/**
 * What a pool reports about its targets. Targets are the configured ones, or discovered instances by instance
 * id, so a tag per target stays bounded by the pool's size.
 */
public interface PoolMetrics {

	/** Reports nothing. */
	PoolMetrics NONE = new PoolMetrics() {
	};

	/**
	 * A target joined the pool; meters that read its state may be registered.
	 * @param target the target
	 */
	default void added(PoolTarget target) {
	}

	/**
	 * A discovered target left the pool; its meters may go.
	 * @param target the target
	 */
	default void removed(PoolTarget target) {
	}

	/**
	 * A dial of a target failed and another target is tried.
	 * @param failed the target that failed
	 */
	default void retried(PoolTarget failed) {
	}

	/**
	 * A session reached a target after an earlier target of its handshake failed.
	 * @param target the target that answered
	 */
	default void failedOver(PoolTarget target) {
	}

	/**
	 * A target was ejected for failing.
	 * @param target the target
	 */
	default void ejected(PoolTarget target) {
	}

}
