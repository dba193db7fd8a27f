package io.wsedge.discovery;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

import io.wsedge.engine.EdgeRoute;
import io.wsedge.engine.EdgeRoutes;
import io.wsedge.engine.pool.PoolTarget;
import io.wsedge.engine.pool.ServiceTarget;
import io.wsedge.engine.pool.UpstreamPool;
import io.wsedge.policy.UpstreamPolicy;

/**
 * Keeps the {@code lb://service-id} targets of the routes' pools in step with service discovery: asks the
 * application's {@link DiscoveryClient} for each service's instances once at start, so that the first upgrades
 * find them, and then every interval, on a daemon thread of its own (discovery clients may block). An instance
 * outside {@code wsedge.upstream-policy} is left out, with a warning; a failed look-up keeps the instances found
 * before.
 * <p>
 * A {@link HeartbeatEvent}, which discovery clients publish when their catalog changes, starts a look-up at once
 * rather than at the next interval.
 * <p>
 * An instance is named {@code service-id/instance-id} (or {@code service-id/host:port}) in metrics and the
 * actuator, so those tags are bounded by the instances of the pool.
 */
public final class DiscoveryRefresher implements SmartLifecycle, ApplicationListener<HeartbeatEvent> {

	private static final Log logger = LogFactory.getLog(DiscoveryRefresher.class);

	private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(30);

	private final List<UpstreamPool> pools = new ArrayList<>();

	private final Function<String, List<ServiceInstance>> lookup;

	private final UpstreamPolicy policy;

	private final Duration interval;

	private volatile ScheduledExecutorService ticker;

	/**
	 * Creates a refresher of every pool with {@code lb://} targets.
	 * @param routes the routes
	 * @param lookup the instances of a service id, from {@link #lookup(DiscoveryClient)} or
	 * {@link #lookup(ReactiveDiscoveryClient)}
	 * @param policy the upstream policy every instance is checked against
	 * @param interval the time between two look-ups
	 */
	public DiscoveryRefresher(EdgeRoutes routes, Function<String, List<ServiceInstance>> lookup,
			UpstreamPolicy policy, Duration interval) {
		for (EdgeRoute route : routes.routes()) {
			if (route.pool() != null && !route.pool().services().isEmpty()) {
				this.pools.add(route.pool());
			}
		}
		this.lookup = lookup;
		this.policy = policy;
		this.interval = interval;
	}

	/**
	 * Looks instances up through a discovery client.
	 * @param client the application's discovery client
	 * @return the look-up
	 */
	public static Function<String, List<ServiceInstance>> lookup(DiscoveryClient client) {
		return client::getInstances;
	}

	/**
	 * Looks instances up through a reactive discovery client, waiting for each answer on the refresher's own
	 * thread, never on an event loop.
	 * @param client the application's reactive discovery client
	 * @return the look-up
	 */
	public static Function<String, List<ServiceInstance>> lookup(ReactiveDiscoveryClient client) {
		return (serviceId) -> client.getInstances(serviceId).collectList().block(LOOKUP_TIMEOUT);
	}

	/**
	 * Whether some route has an {@code lb://} target.
	 * @return whether there is anything to look up
	 */
	public boolean hasServices() {
		return !this.pools.isEmpty();
	}

	/**
	 * Looks every service up now and updates the pools.
	 */
	public void refresh() {
		for (UpstreamPool pool : this.pools) {
			List<PoolTarget> found = new ArrayList<>();
			boolean failed = false;
			for (ServiceTarget service : pool.services()) {
				try {
					for (ServiceInstance instance : this.lookup.apply(service.serviceId())) {
						PoolTarget target = target(service, instance);
						if (target != null) {
							found.add(target);
						}
					}
				}
				catch (RuntimeException ex) {
					failed = true;
					logger.warn("Looking up the instances of '" + service.serviceId() + "' (" + service.property()
							+ ") failed; the ones found before stay", ex);
				}
			}
			if (!failed) {
				pool.discovered(found);
			}
		}
	}

	private PoolTarget target(ServiceTarget service, ServiceInstance instance) {
		String scheme = instance.getMetadata().get("scheme");
		boolean secure = "wss".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)
				|| (scheme == null && instance.isSecure());
		URI uri = service.instanceUri(secure, instance.getHost(), instance.getPort());
		String refused = this.policy.refusal(uri);
		if (refused != null) {
			logger.warn("Instance " + EdgeRoute.describe(uri) + " of '" + service.serviceId()
					+ "' is outside wsedge.upstream-policy and is left out: " + refused);
			return null;
		}
		String instanceId = (instance.getInstanceId() != null) ? instance.getInstanceId()
				: instance.getHost() + ":" + instance.getPort();
		return new PoolTarget(service.serviceId() + "/" + instanceId, uri, service.weight(),
				service.maxConnections());
	}

	@Override
	public void start() {
		if (this.ticker != null || this.pools.isEmpty()) {
			return;
		}
		refresh();
		ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "wsedge-discovery");
			thread.setDaemon(true);
			return thread;
		});
		this.ticker = ticker;
		long millis = this.interval.toMillis();
		ticker.scheduleWithFixedDelay(this::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
	}

	/**
	 * Looks up again at once, on the refresher's thread, when the discovery client says its catalog changed.
	 * @param event the heartbeat
	 */
	@Override
	public void onApplicationEvent(HeartbeatEvent event) {
		ScheduledExecutorService ticker = this.ticker;
		if (ticker != null) {
			try {
				ticker.execute(this::refreshQuietly);
			}
			catch (RejectedExecutionException ex) {
				// Stopping: nothing to refresh any more.
			}
		}
	}

	private void refreshQuietly() {
		try {
			refresh();
		}
		catch (RuntimeException ex) {
			logger.warn("Discovery refresh failed", ex);
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService ticker = this.ticker;
		this.ticker = null;
		if (ticker != null) {
			ticker.shutdownNow();
		}
	}

	/**
	 * Before the web server's phase, so that the first look-up is done before the first upgrade can arrive.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 2048;
	}

	@Override
	public boolean isRunning() {
		return this.ticker != null;
	}

}
