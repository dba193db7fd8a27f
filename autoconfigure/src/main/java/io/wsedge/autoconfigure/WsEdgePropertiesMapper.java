package io.wsedge.autoconfigure;

import java.time.Duration;
import java.util.Locale;

import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

import io.wsedge.autoconfigure.WsEdgeProperties.LegCompression;
import io.wsedge.autoconfigure.WsEdgeProperties.LoadBalancer;
import io.wsedge.autoconfigure.WsEdgeProperties.RateLimitAction;
import io.wsedge.autoconfigure.WsEdgeProperties.RouteLegCompression;
import io.wsedge.autoconfigure.WsEdgeProperties.RouteLimits;
import io.wsedge.engine.pool.LoadBalancing;
import io.wsedge.engine.pool.LoadBalancing.HashOn;
import io.wsedge.engine.pool.LoadBalancing.Strategy;
import io.wsedge.policy.Compression;
import io.wsedge.policy.Limits;

/**
 * Maps {@code wsedge.limits} and {@code wsedge.compression}, with a route's overrides, into the engine's
 * {@link Limits} and {@link Compression}, checking every value on the way. This is the one place where the
 * properties become engine values and the one place where their rules live.
 * <p>
 * The global values are checked first under their own names, so a value that fails once a route's overrides
 * are applied can only be the route's, and is reported under the route's name.
 */
final class WsEdgePropertiesMapper {

	private WsEdgePropertiesMapper() {
	}

	/**
	 * Checks the settings under {@code wsedge.limits} that count the whole edge rather than one session.
	 * @param limits the global limits
	 */
	static void checkEdgeWide(WsEdgeProperties.Limits limits) {
		notNegative(limits.getHandshakeTimeout(), "wsedge.limits.handshake-timeout");
		if (limits.getMaxConnections() < 0) {
			throw new InvalidConfigurationPropertyValueException("wsedge.limits.max-connections",
					limits.getMaxConnections(), "Must be 0 (no cap) or positive.");
		}
		if (limits.getMaxTotalBufferedBytes() != null) {
			positive(limits.getMaxTotalBufferedBytes(), "wsedge.limits.max-total-buffered-bytes");
		}
	}

	/**
	 * The session limits of a route, or the global ones.
	 * @param global the values under {@code wsedge.limits}
	 * @param route the route's overrides, or {@code null} for the global limits alone
	 * @param prefix the name of the limits being mapped, such as {@code wsedge.routes[0].limits}
	 * @return the engine's limits
	 */
	static Limits limits(WsEdgeProperties.Limits global, RouteLimits route, String prefix) {
		WsEdgeProperties.Limits limits = (route != null) ? inherit(global, route) : global;
		long maxPayload = positive(limits.getMaxPayloadSize(), prefix + ".max-payload-size");
		long upstreamMaxPayload = positive(limits.getUpstreamMaxPayloadSize(), prefix + ".upstream-max-payload-size");
		long maxFrame = (limits.getMaxFrameSize() != null)
				? positive(limits.getMaxFrameSize(), prefix + ".max-frame-size") : maxPayload;
		if (maxFrame > Integer.MAX_VALUE) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".max-frame-size",
					DataSize.ofBytes(maxFrame), "A frame limit is at most 2GB.");
		}
		long maxBuffered = positive(limits.getMaxBufferedBytes(), prefix + ".max-buffered-bytes");
		Duration connectTimeout = positive(limits.getConnectTimeout(), prefix + ".connect-timeout");
		Duration closeTimeout = positive(limits.getCloseTimeout(), prefix + ".close-timeout");
		Duration idleTimeout = notNegative(limits.getIdleTimeout(), prefix + ".idle-timeout");
		Duration pingInterval = notNegative(limits.getPingInterval(), prefix + ".ping-interval");
		Duration pongTimeout = positive(limits.getPongTimeout(), prefix + ".pong-timeout");
		if (limits.getMaxConnectionsPerClient() < 0) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".max-connections-per-client",
					limits.getMaxConnectionsPerClient(), "Must be 0 (no cap) or positive.");
		}
		double rate = limits.getMessagesPerSecond();
		if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".messages-per-second", rate,
					"Must be 0 (no limit) or a positive rate, such as 50.");
		}
		Integer burst = limits.getMessageBurst();
		if (burst != null && burst < 1) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".message-burst", burst,
					"Must be at least 1 (leave it unset to default to messages-per-second).");
		}
		if (limits.getMaxFragments() < 1) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".max-fragments", limits.getMaxFragments(),
					"Must be at least 1, such as 4096.");
		}
		if (limits.getMaxConnectionsPerPrincipal() < 0) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".max-connections-per-principal",
					limits.getMaxConnectionsPerPrincipal(), "Must be 0 (no cap) or positive.");
		}
		double principalRate = limits.getMessagesPerSecondPerPrincipal();
		if (principalRate < 0 || Double.isNaN(principalRate) || Double.isInfinite(principalRate)) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".messages-per-second-per-principal",
					principalRate, "Must be 0 (no limit) or a positive rate, such as 50.");
		}
		Duration maxSessionDuration = (limits.getMaxSessionDuration() != null)
				? notNegative(limits.getMaxSessionDuration(), prefix + ".max-session-duration") : Duration.ZERO;
		return new Limits(maxPayload, upstreamMaxPayload, (int) maxFrame, maxBuffered, connectTimeout, closeTimeout,
				idleTimeout, pingInterval, pongTimeout, limits.getMaxConnectionsPerClient(), rate,
				(burst != null) ? burst : 0, limits.getRateLimitAction() == RateLimitAction.DROP,
				limits.getMaxFragments(), maxSessionDuration, limits.getMaxConnectionsPerPrincipal(),
				principalRate);
	}

	/**
	 * The load balancing of a route with several upstreams.
	 * @param balancer the route's {@code load-balancer} settings
	 * @param prefix their name, such as {@code wsedge.routes[0].load-balancer}
	 * @return the engine's settings
	 */
	static LoadBalancing loadBalancing(LoadBalancer balancer, String prefix) {
		if (balancer.getStrategy() == null) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".strategy", null,
					"One of round-robin, least-sessions or hash.");
		}
		HashOn hashOn = (balancer.getHashOn() != null) ? balancer.getHashOn() : HashOn.CLIENT_ADDRESS;
		String key = balancer.getHashKey();
		if (balancer.getStrategy() == Strategy.HASH && hashOn.needsKey() && !StringUtils.hasText(key)) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".hash-key", key,
					"hash-on " + hashOn.name().toLowerCase(Locale.ROOT).replace('_', '-')
							+ " needs the name of the value to hash, such as hash-key: X-User-Id.");
		}
		if (balancer.getRetries() < 0) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".retries", balancer.getRetries(),
					"Must be 0 (no failover) or positive, such as 2.");
		}
		if (balancer.getConsecutiveFailures() < 0) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".consecutive-failures",
					balancer.getConsecutiveFailures(), "Must be 0 (never eject) or positive, such as 3.");
		}
		Duration ejection = positive(balancer.getEjectionTime(), prefix + ".ejection-time");
		Duration maxEjection = positive(balancer.getMaxEjectionTime(), prefix + ".max-ejection-time");
		if (maxEjection.compareTo(ejection) < 0) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".max-ejection-time", maxEjection,
					"Must be at least ejection-time (" + ejection + ").");
		}
		int percent = balancer.getMaxEjectionPercent();
		if (percent < 0 || percent > 100) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".max-ejection-percent", percent,
					"A percentage from 0 to 100, such as 50.");
		}
		return new LoadBalancing(balancer.getStrategy(), hashOn, StringUtils.hasText(key) ? key.trim() : null,
				balancer.getRetries(), balancer.getConsecutiveFailures(), ejection, maxEjection, percent);
	}

	/**
	 * The compression of one leg of a route, or the global one.
	 * @param global the leg's values under {@code wsedge.compression}
	 * @param route the route's overrides, or {@code null} for the global settings alone
	 * @param prefix the name of the settings being mapped, such as {@code wsedge.routes[0].compression.client}
	 * @return the engine's compression settings
	 */
	static Compression compression(LegCompression global, RouteLegCompression route, String prefix) {
		LegCompression leg = (route != null) ? inherit(global, route) : global;
		checkWindowBits(leg.getServerMaxWindowBits(), prefix + ".server-max-window-bits");
		checkWindowBits(leg.getClientMaxWindowBits(), prefix + ".client-max-window-bits");
		DataSize threshold = leg.getThreshold();
		if (threshold == null || threshold.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".threshold", threshold,
					"Must be 0 or a positive size, such as 256B.");
		}
		return new Compression(leg.isEnabled(), leg.isServerNoContextTakeover(), leg.isClientNoContextTakeover(),
				leg.getServerMaxWindowBits(), leg.getClientMaxWindowBits(), threshold.toBytes());
	}

	/**
	 * Whether a route relays compressed messages as they came, where its legs allow it.
	 * @param global the values under {@code wsedge.compression}
	 * @param route the route's overrides, or {@code null} for the global setting alone
	 * @return whether pass-through is on
	 */
	static boolean passThrough(WsEdgeProperties.Compression global, WsEdgeProperties.RouteCompression route) {
		Boolean own = (route != null) ? route.getPassThrough() : null;
		return (own != null) ? own : global.isPassThrough();
	}

	private static WsEdgeProperties.Limits inherit(WsEdgeProperties.Limits global, RouteLimits route) {
		PropertyMapper map = PropertyMapper.get();
		WsEdgeProperties.Limits limits = new WsEdgeProperties.Limits();
		map.from(route::getMaxPayloadSize).orFrom(global::getMaxPayloadSize).to(limits::setMaxPayloadSize);
		map.from(route::getUpstreamMaxPayloadSize)
			.orFrom(global::getUpstreamMaxPayloadSize)
			.to(limits::setUpstreamMaxPayloadSize);
		map.from(route::getMaxFrameSize).orFrom(global::getMaxFrameSize).to(limits::setMaxFrameSize);
		map.from(route::getMaxBufferedBytes).orFrom(global::getMaxBufferedBytes).to(limits::setMaxBufferedBytes);
		map.from(route::getConnectTimeout).orFrom(global::getConnectTimeout).to(limits::setConnectTimeout);
		map.from(route::getCloseTimeout).orFrom(global::getCloseTimeout).to(limits::setCloseTimeout);
		map.from(route::getIdleTimeout).orFrom(global::getIdleTimeout).to(limits::setIdleTimeout);
		map.from(route::getPingInterval).orFrom(global::getPingInterval).to(limits::setPingInterval);
		map.from(route::getPongTimeout).orFrom(global::getPongTimeout).to(limits::setPongTimeout);
		map.from(route::getMaxConnectionsPerClient)
			.orFrom(global::getMaxConnectionsPerClient)
			.to(limits::setMaxConnectionsPerClient);
		map.from(route::getMessagesPerSecond).orFrom(global::getMessagesPerSecond).to(limits::setMessagesPerSecond);
		map.from(route::getMessageBurst).orFrom(global::getMessageBurst).to(limits::setMessageBurst);
		map.from(route::getRateLimitAction).orFrom(global::getRateLimitAction).to(limits::setRateLimitAction);
		map.from(route::getMaxFragments).orFrom(global::getMaxFragments).to(limits::setMaxFragments);
		map.from(route::getMaxConnectionsPerPrincipal)
			.orFrom(global::getMaxConnectionsPerPrincipal)
			.to(limits::setMaxConnectionsPerPrincipal);
		map.from(route::getMessagesPerSecondPerPrincipal)
			.orFrom(global::getMessagesPerSecondPerPrincipal)
			.to(limits::setMessagesPerSecondPerPrincipal);
		map.from(route::getMaxSessionDuration)
			.orFrom(global::getMaxSessionDuration)
			.to(limits::setMaxSessionDuration);
		return limits;
	}

	private static LegCompression inherit(LegCompression global, RouteLegCompression route) {
		PropertyMapper map = PropertyMapper.get();
		LegCompression leg = new LegCompression();
		map.from(route::getEnabled).orFrom(global::isEnabled).to(leg::setEnabled);
		map.from(route::getServerNoContextTakeover)
			.orFrom(global::isServerNoContextTakeover)
			.to(leg::setServerNoContextTakeover);
		map.from(route::getClientNoContextTakeover)
			.orFrom(global::isClientNoContextTakeover)
			.to(leg::setClientNoContextTakeover);
		map.from(route::getServerMaxWindowBits).orFrom(global::getServerMaxWindowBits).to(leg::setServerMaxWindowBits);
		map.from(route::getClientMaxWindowBits).orFrom(global::getClientMaxWindowBits).to(leg::setClientMaxWindowBits);
		map.from(route::getThreshold).orFrom(global::getThreshold).to(leg::setThreshold);
		return leg;
	}

	private static void checkWindowBits(int bits, String name) {
		if (bits < 8 || bits > 15) {
			throw new InvalidConfigurationPropertyValueException(name, bits,
					"An LZ77 window of 8 to 15 bits (RFC 7692 §7.1.2).");
		}
	}

	private static long positive(DataSize size, String name) {
		if (size == null || size.toBytes() <= 0) {
			throw new InvalidConfigurationPropertyValueException(name, size, "Must be a positive size, such as 1MB.");
		}
		return size.toBytes();
	}

	private static Duration positive(Duration duration, String name) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			throw new InvalidConfigurationPropertyValueException(name, duration,
					"Must be a positive duration, such as 10s.");
		}
		return duration;
	}

	private static Duration notNegative(Duration duration, String name) {
		if (duration == null || duration.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(name, duration,
					"Must be 0 (off) or a positive duration, such as 30s.");
		}
		return duration;
	}

}
