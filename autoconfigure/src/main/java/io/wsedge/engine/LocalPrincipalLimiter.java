package io.wsedge.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The principal limits of one node: a count and a token bucket per principal and route, dropped when the
 * principal's last session on the route ends. The count changes under the map's lock of its key; a principal's
 * sessions may run on different event loops, so each bucket is locked on its own: only sessions of the same
 * principal ever wait for each other.
 */
public final class LocalPrincipalLimiter implements PrincipalLimiter {

	private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

	@Override
	public int opened(String routeId, String principal) {
		// The count is read where it is changed, under the map's lock of the key: two upgrades racing at the cap
		// see 2 and 3, never both 3.
		int[] count = new int[1];
		this.entries.compute(new Key(routeId, principal), (key, existing) -> {
			Entry counted = (existing != null) ? existing : new Entry();
			count[0] = ++counted.sessions;
			return counted;
		});
		return count[0];
	}

	@Override
	public void closed(String routeId, String principal) {
		this.entries.computeIfPresent(new Key(routeId, principal),
				(key, entry) -> (--entry.sessions <= 0) ? null : entry);
	}

	@Override
	public boolean tryMessage(String routeId, String principal, double perSecond, int burst) {
		Entry entry = this.entries.get(new Key(routeId, principal));
		if (entry == null) {
			return true;
		}
		long now = System.nanoTime();
		synchronized (entry) {
			if (entry.refilledAt == 0) {
				entry.tokens = burst;
			}
			else {
				entry.tokens = Math.min(burst, entry.tokens + (now - entry.refilledAt) * perSecond / 1e9);
			}
			entry.refilledAt = now;
			if (entry.tokens >= 1) {
				entry.tokens -= 1;
				return true;
			}
			return false;
		}
	}

	private record Key(String routeId, String principal) {
	}

	private static final class Entry {

		int sessions;

		double tokens;

		long refilledAt;

	}

}
