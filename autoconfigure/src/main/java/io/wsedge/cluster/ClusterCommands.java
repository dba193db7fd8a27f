package io.wsedge.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import io.wsedge.api.EdgeMessenger;
import io.wsedge.api.OutboundMessage;
import io.wsedge.engine.LocalSessions;
import io.wsedge.engine.LocalSessions.Selector;
import io.wsedge.policy.CloseStatus;

/**
 * Closing and sending to sessions wherever they are in the cluster: a command goes to every instance through
 * Redis pub/sub; each runs it on its own sessions and answers how many took it on a channel of the asking
 * instance, which adds the answers up. While Redis is away, commands reach this instance's sessions only.
 */
public final class ClusterCommands implements EdgeMessenger, ClusterSessions, AutoCloseable {

	private static final Log logger = LogFactory.getLog(ClusterCommands.class);

	private static final String SEPARATOR = String.valueOf(RedisEdgeCluster.FIELD);

	private final ReactiveStringRedisTemplate redis;

	private final RedisEdgeCluster cluster;

	private final LocalSessions local;

	private final String commandsChannel;

	private final String repliesPrefix;

	private final Duration timeout;

	private final ClusterMetrics metrics;

	private final Map<String, Pending> pending = new ConcurrentHashMap<>();

	private volatile Disposable subscription;

	/**
	 * Creates the commands of one instance; {@link #start} subscribes to them.
	 * @param redis the template on the application's Redis connection
	 * @param cluster this instance's membership
	 * @param local this instance's sessions
	 * @param keyPrefix the prefix of the cluster's channels
	 * @param timeout the most a command waits for the instances' answers
	 * @param metrics where to report
	 */
	public ClusterCommands(ReactiveStringRedisTemplate redis, RedisEdgeCluster cluster, LocalSessions local,
			String keyPrefix, Duration timeout, ClusterMetrics metrics) {
		this.redis = redis;
		this.cluster = cluster;
		this.local = local;
		this.commandsChannel = keyPrefix + "commands";
		this.repliesPrefix = keyPrefix + "replies:";
		this.timeout = timeout;
		this.metrics = metrics;
	}

	/**
	 * Subscribes to the cluster's commands and to this instance's answers; subscribes again whenever the
	 * connection to Redis is lost.
	 * @return this, once subscribed or after the timeout
	 */
	public ClusterCommands start() {
		String replies = this.repliesPrefix + this.cluster.instanceId();
		CompletableFuture<Void> subscribed = new CompletableFuture<>();
		// Deferred: the listener connects at once, and Redis may be away when the edge starts.
		this.subscription = Mono.defer(() -> this.redis.listenToChannelLater(this.commandsChannel, replies))
			.doOnNext((ready) -> subscribed.complete(null))
			.flatMapMany((messages) -> messages)
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(1)))
			.repeatWhen((completions) -> completions.delayElements(Duration.ofMillis(100)))
			.subscribe((message) -> {
				try {
					if (message.getChannel().equals(this.commandsChannel)) {
						onCommand(message.getMessage());
					}
					else {
						onReply(message.getMessage());
					}
				}
				catch (RuntimeException ex) {
					logger.warn("Cluster command not understood: " + message.getMessage(), ex);
				}
			}, (failure) -> logger.debug("Cluster commands no longer received", failure));
		try {
			subscribed.get(Math.max(1000, this.timeout.toMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			logger.warn("Not yet subscribed to the cluster's commands; they will reach this instance once Redis answers");
		}
		return this;
	}

	private void onCommand(String command) {
		String[] fields = command.split(SEPARATOR, -1);
		String requestId = fields[0];
		String replyTo = fields[1];
		Selector selector = new Selector(Selector.Kind.valueOf(fields[3]), fields[4]);
		CompletableFuture<Integer> done;
		if ("close".equals(fields[2])) {
			done = CompletableFuture.completedFuture(
					this.local.close(selector, new CloseStatus(Integer.parseInt(fields[5]), fields[6])));
		}
		else {
			byte[] payload = Base64.getDecoder().decode(fields[8]);
			done = this.local.send(selector, new OutboundMessage("1".equals(fields[7]), payload));
		}
		done.thenAccept((count) -> this.redis.convertAndSend(this.repliesPrefix + replyTo, requestId + SEPARATOR + count)
			.subscribe(null, (failure) -> logger.debug("Answer to cluster command " + requestId + " lost", failure)));
	}

	private void onReply(String reply) {
		int separator = reply.indexOf(SEPARATOR);
		Pending waiting = this.pending.get(reply.substring(0, separator));
		if (waiting != null) {
			waiting.answer(Integer.parseInt(reply.substring(separator + 1)));
		}
	}

	@Override
	public String instanceId() {
		return this.cluster.instanceId();
	}

	@Override
	public Mono<List<ClusterSession>> sessions() {
		return this.cluster.sessions(this.timeout);
	}

	@Override
	public CompletableFuture<Integer> close(Selector selector, CloseStatus status) {
		return run(selector, "close" + SEPARATOR + selector.kind() + SEPARATOR + selector.value() + SEPARATOR
				+ status.code() + SEPARATOR + status.reason() + SEPARATOR + SEPARATOR,
				() -> CompletableFuture.completedFuture(this.local.close(selector, status)));
	}

	/**
	 * Sends a message to sessions wherever they are.
	 * @param selector which sessions
	 * @param message the message
	 * @return how many sessions took it
	 */
	public CompletableFuture<Integer> send(Selector selector, OutboundMessage message) {
		return run(selector, "send" + SEPARATOR + selector.kind() + SEPARATOR + selector.value() + SEPARATOR
				+ SEPARATOR + SEPARATOR + (message.binary() ? "1" : "0") + SEPARATOR
				+ Base64.getEncoder().encodeToString(message.payload()), () -> this.local.send(selector, message));
	}

	private CompletableFuture<Integer> run(Selector selector, String body,
			java.util.function.Supplier<CompletableFuture<Integer>> alone) {
		if (selector.value().contains(SEPARATOR)) {
			return CompletableFuture.completedFuture(0);
		}
		if (!this.cluster.isAvailable()) {
			return alone.get();
		}
		String requestId = UUID.randomUUID().toString();
		Pending waiting = new Pending();
		this.pending.put(requestId, waiting);
		long started = System.nanoTime();
		String command = requestId + SEPARATOR + this.cluster.instanceId() + SEPARATOR + body;
		this.redis.convertAndSend(this.commandsChannel, command).timeout(this.timeout).subscribe((receivers) -> {
			this.metrics.roundTrip("command", System.nanoTime() - started, true);
			if (receivers == 0) {
				// Nobody listens, not even this instance (its subscription is being renewed): its own sessions
				// still get it.
				this.pending.remove(requestId);
				alone.get().whenComplete((count, error) -> waiting.result.complete((count != null) ? count : 0));
				return;
			}
			waiting.expect(receivers.intValue());
		}, (failure) -> {
			this.metrics.roundTrip("command", System.nanoTime() - started, false);
			// Not sent: this instance's own sessions still get it.
			this.pending.remove(requestId);
			alone.get().whenComplete((count, error) -> waiting.result.complete((count != null) ? count : 0));
		});
		return waiting.result.completeOnTimeout(-1, this.timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
			.thenApply((total) -> {
				this.pending.remove(requestId);
				// On the timeout, the answers that came.
				return (total >= 0) ? total : waiting.sum.get();
			});
	}

	@Override
	public CompletableFuture<Integer> sendToSession(String sessionId, OutboundMessage message) {
		return send(new Selector(Selector.Kind.SESSION, sessionId), message);
	}

	@Override
	public CompletableFuture<Integer> sendToPrincipal(String principal, OutboundMessage message) {
		return send(new Selector(Selector.Kind.PRINCIPAL, principal), message);
	}

	@Override
	public CompletableFuture<Integer> sendToRoute(String routeId, OutboundMessage message) {
		return send(new Selector(Selector.Kind.ROUTE, routeId), message);
	}

	@Override
	public void close() {
		Disposable subscribed = this.subscription;
		if (subscribed != null) {
			subscribed.dispose();
		}
	}

	/** The answers to one command: complete when as many came as instances received it. */
	private static final class Pending {

		final CompletableFuture<Integer> result = new CompletableFuture<>();

		final AtomicInteger sum = new AtomicInteger();

		private final AtomicInteger answers = new AtomicInteger();

		private volatile int expected = -1;

		void answer(int count) {
			this.sum.addAndGet(count);
			this.answers.incrementAndGet();
			check();
		}

		void expect(int receivers) {
			this.expected = receivers;
			check();
		}

		private void check() {
			int expected = this.expected;
			if (expected >= 0 && this.answers.get() >= expected) {
				this.result.complete(this.sum.get());
			}
		}

	}

}
